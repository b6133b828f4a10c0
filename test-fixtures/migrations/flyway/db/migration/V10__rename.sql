ALTER TABLE users RENAME COLUMN name TO full_name; -- expect: no-unsafe-migration
