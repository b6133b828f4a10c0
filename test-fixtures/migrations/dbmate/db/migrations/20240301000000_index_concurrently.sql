-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id); -- ok: no-unsafe-migration -- concurrently, outside a transaction

-- migrate:down
DROP INDEX CONCURRENTLY orders_user_idx;
