CREATE INDEX orders_user_idx ON orders (user_id); -- expect: no-unsafe-migration
ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0); -- expect: no-unsafe-migration
ALTER TABLE orders ADD CONSTRAINT orders_total_nn CHECK (total IS NOT NULL) NOT VALID; -- ok: no-unsafe-migration -- NOT VALID, validated below
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nn;
ALTER TABLE orders ALTER COLUMN total SET NOT NULL; -- ok: no-unsafe-migration -- a validated CHECK proves it
ALTER TABLE orders ALTER COLUMN status SET NOT NULL; -- expect: no-unsafe-migration
