CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL,
  legacy_code text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id),
  total numeric(12, 2) NOT NULL DEFAULT 0
);
