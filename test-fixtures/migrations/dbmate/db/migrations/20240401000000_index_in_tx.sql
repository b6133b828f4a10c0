-- migrate:up
CREATE INDEX CONCURRENTLY users_email_idx ON users (email); -- expect: no-unsafe-migration

-- migrate:down
DROP INDEX users_email_idx;
