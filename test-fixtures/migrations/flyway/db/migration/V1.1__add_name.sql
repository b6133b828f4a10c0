ALTER TABLE users ADD COLUMN name text;
ALTER TABLE users ADD COLUMN plan text NOT NULL; -- expect: no-unsafe-migration
