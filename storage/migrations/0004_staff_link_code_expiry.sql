-- A Telegram link code is good for a short while only; a code made before
-- this migration has no expiry and is dropped, so its holder makes a new one.
ALTER TABLE staff ADD COLUMN link_code_expires_at INTEGER;
UPDATE staff SET link_code = '' WHERE link_code <> '';
