ALTER TABLE orders ADD COLUMN note text; -- expect: no-invalid-migration
