ALTER TABLE userz ADD COLUMN nickname text; -- expect: no-invalid-migration
CREATE TABLE audit_log (id serial PRIMARY KEY, message text);
