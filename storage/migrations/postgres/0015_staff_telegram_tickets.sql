-- Staff who linked Telegram may ask for a message on each new ticket of
-- their OPD.
ALTER TABLE staff ADD COLUMN telegram_tickets BOOLEAN NOT NULL DEFAULT false;
