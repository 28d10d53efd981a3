-- The queue pages its tickets by keyset on indexes that hold its order, and
-- a ticket points at its last message, as on SQLite
-- (migrations/0012_ticket_queue.sql).
UPDATE messages SET kind = 'command'
WHERE author = 'citizen' AND kind = 'text'
	AND (lower(trim(text)) IN ('status', '/status', 'baru', '/baru', '/start', '/help', 'bantuan', 'menu')
		OR lower(trim(text)) LIKE 'cek %' OR lower(trim(text)) LIKE '/cek %');

ALTER TABLE tickets ADD COLUMN last_message_id BIGINT;
UPDATE tickets SET last_message_id = (SELECT m.id FROM messages m
	WHERE m.ticket_id = tickets.id AND m.author IN ('citizen', 'staff') AND m.kind <> 'command'
	ORDER BY m.id DESC LIMIT 1);
CREATE FUNCTION tickets_last_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tickets SET last_message_id = NEW.id
	WHERE id = NEW.ticket_id AND COALESCE(last_message_id, 0) < NEW.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER tickets_last_message_added AFTER INSERT ON messages
	FOR EACH ROW WHEN (NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff') AND NEW.kind <> 'command')
	EXECUTE FUNCTION tickets_last_message();
CREATE TRIGGER tickets_last_message_filed AFTER UPDATE OF ticket_id ON messages
	FOR EACH ROW WHEN (NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff') AND NEW.kind <> 'command')
	EXECUTE FUNCTION tickets_last_message();

ALTER TABLE tickets ADD COLUMN merged_into BIGINT REFERENCES tickets (id);
CREATE INDEX tickets_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL;

-- The expression is storage's dueKey for PostgreSQL, which writes IFNULL
-- as COALESCE.
DROP INDEX tickets_status_opd;
CREATE INDEX tickets_queue ON tickets (merged_into, status,
	COALESCE(CASE WHEN first_response_at IS NULL THEN first_response_due ELSE resolution_due END, 0))
	WHERE merged_into IS NULL;
CREATE INDEX tickets_opd_queue ON tickets (merged_into, opd, status,
	COALESCE(CASE WHEN first_response_at IS NULL THEN first_response_due ELSE resolution_due END, 0))
	WHERE merged_into IS NULL;
CREATE INDEX tickets_status_resolved ON tickets (merged_into, status, resolved_at) WHERE merged_into IS NULL;
CREATE INDEX tickets_opd_resolved ON tickets (merged_into, opd, status, resolved_at) WHERE merged_into IS NULL;
