-- The outbox learns whom a message is for (citizen replies go before staff
-- notices), the quick replies it offers, how many parts of a split message
-- went out, when it last joined the queue (the outbox gives up by age, not
-- by a count of tries) and why it was given up.
ALTER TABLE outbox ADD COLUMN lane       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN replies    TEXT    NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN queued_at  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN failure    TEXT    NOT NULL DEFAULT '';

UPDATE outbox SET queued_at = created_at;
UPDATE outbox SET failure = 'refused' WHERE failed_at IS NOT NULL;
-- Until now only SLA alerts and channel warnings went to staff, always to
-- their linked Telegram chats.
UPDATE outbox SET lane = 1
	WHERE to_channel = 'tg' AND to_id IN (SELECT telegram_chat_id FROM staff WHERE telegram_chat_id <> '');

-- The sender reads what waits citizens first, then in queue order.
DROP INDEX outbox_unsent_id;
CREATE INDEX outbox_unsent_lane_id ON outbox (lane, id)
	WHERE sent_at IS NULL AND failed_at IS NULL;
-- A ticket shows the replies that were not delivered; few rows, so the
-- index stays small.
CREATE INDEX outbox_failed_ticket ON outbox (ticket_id)
	WHERE failed_at IS NOT NULL;
