CREATE TABLE carts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  expired     boolean NOT NULL DEFAULT false
);

CREATE TABLE cart_items (
  cart_id    bigint NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity   integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (cart_id, product_id)
);
CREATE INDEX carts_updated_at_idx ON carts (updated_at) WHERE NOT expired;
CREATE INDEX carts_customer_id_idx ON carts (customer_id);
CREATE INDEX cart_items_product_id_idx ON cart_items (product_id);
