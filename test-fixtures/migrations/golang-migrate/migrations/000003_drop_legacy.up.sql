ALTER TABLE users DROP COLUMN legacy_code; -- expect: no-unsafe-migration
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id); -- expect: no-unsafe-migration
