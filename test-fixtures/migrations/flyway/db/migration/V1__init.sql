-- Initial schema.
CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL
);
CREATE INDEX users_email_idx ON users (email); -- ok: no-unsafe-migration -- table created in this same migration
CREATE TABLE orders (id serial PRIMARY KEY, user_id integer REFERENCES users (id), total numeric(10, 2), status text);
