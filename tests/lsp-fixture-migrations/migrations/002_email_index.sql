CREATE INDEX users_email_idx ON users (email); -- expect: no-unsafe-migration
