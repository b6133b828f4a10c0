-- migrate:up -- expect: no-unsafe-migration
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id); -- expect: no-unsafe-migration
ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; -- ok: no-unsafe-migration -- NOT VALID
