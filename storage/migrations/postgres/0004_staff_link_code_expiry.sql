-- A Telegram link code is good for a short while only.
ALTER TABLE staff ADD COLUMN link_code_expires_at BIGINT;
UPDATE staff SET link_code = '' WHERE link_code <> '';
