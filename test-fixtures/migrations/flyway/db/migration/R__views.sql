CREATE OR REPLACE VIEW user_emails AS SELECT id, email, full_name FROM users;
