-- The outbox's lanes, quick replies, parts sent, time in the queue and
-- reason for giving up, as on SQLite (migrations/0007_outbox_delivery.sql).
ALTER TABLE outbox ADD COLUMN lane       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN replies    TEXT    NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN queued_at  BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN failure    TEXT    NOT NULL DEFAULT '';

UPDATE outbox SET queued_at = created_at;
UPDATE outbox SET failure = 'refused' WHERE failed_at IS NOT NULL;
UPDATE outbox SET lane = 1
	WHERE to_channel = 'tg' AND to_id IN (SELECT telegram_chat_id FROM staff WHERE telegram_chat_id <> '');

DROP INDEX outbox_unsent_id;
CREATE INDEX outbox_unsent_lane_id ON outbox (lane, id)
	WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed_ticket ON outbox (ticket_id)
	WHERE failed_at IS NOT NULL;
