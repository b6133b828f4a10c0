ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2); -- expect: no-unsafe-migration
ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(); -- ok: no-unsafe-migration -- has a default
