CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, legacy_code text);
CREATE TABLE orders (id serial PRIMARY KEY, user_id integer, total numeric);
