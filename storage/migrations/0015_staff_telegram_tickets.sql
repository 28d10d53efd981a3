-- Staff who linked Telegram may ask for a message on each new ticket of
-- their OPD, and answer it there.
ALTER TABLE staff ADD COLUMN telegram_tickets INTEGER NOT NULL DEFAULT 0;
