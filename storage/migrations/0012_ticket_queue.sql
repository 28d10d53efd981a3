-- The queue pages its tickets by keyset on indexes that hold its order, so
-- a page costs the same on the first and the thousandth, and a ticket
-- points at its last message instead of each row of a list looking it up.

-- Commands ("status", "baru", "cek KODE") are marked, so that a queue never
-- shows one as the citizen's last word waiting for an answer. The bot marks
-- them from now on; this marks the ones it stored as plain text before.
UPDATE messages SET kind = 'command'
WHERE author = 'citizen' AND kind = 'text'
	AND (lower(trim(text)) IN ('status', '/status', 'baru', '/baru', '/start', '/help', 'bantuan', 'menu')
		OR lower(trim(text)) GLOB 'cek *' OR lower(trim(text)) GLOB '/cek *');

-- The last message from the citizen or staff (the bot's acknowledgements,
-- internal notes and commands tell a queue nothing). Triggers keep it, so
-- every writer of messages does, however it files them under the ticket.
ALTER TABLE tickets ADD COLUMN last_message_id INTEGER;
UPDATE tickets SET last_message_id = (SELECT m.id FROM messages m
	WHERE m.ticket_id = tickets.id AND m.author IN ('citizen', 'staff') AND m.kind <> 'command'
	ORDER BY m.id DESC LIMIT 1);
CREATE TRIGGER tickets_last_message_added AFTER INSERT ON messages
WHEN NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff') AND NEW.kind <> 'command'
BEGIN
	UPDATE tickets SET last_message_id = NEW.id
	WHERE id = NEW.ticket_id AND IFNULL(last_message_id, 0) < NEW.id;
END;
CREATE TRIGGER tickets_last_message_filed AFTER UPDATE OF ticket_id ON messages
WHEN NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff') AND NEW.kind <> 'command'
BEGIN
	UPDATE tickets SET last_message_id = NEW.id
	WHERE id = NEW.ticket_id AND IFNULL(last_message_id, 0) < NEW.id;
END;

-- A ticket merged into another leaves every list: it is counted and shown
-- once, as the ticket it was merged into. The lists' indexes hold only the
-- tickets that are not merged.
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets (id);
CREATE INDEX tickets_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL;

-- Open and pending tickets, most urgent first: by the due time they work
-- towards (first response while unanswered, resolution after). The
-- expression is the queue query's ORDER BY, character for character.
-- merged_into leads each index although it is always NULL there: the
-- queries' "merged_into IS NULL" is then an equality the index answers
-- itself, so a count never reads the table.
DROP INDEX tickets_status_opd;
CREATE INDEX tickets_queue ON tickets (merged_into, status,
	IFNULL(CASE WHEN first_response_at IS NULL THEN first_response_due ELSE resolution_due END, 0))
	WHERE merged_into IS NULL;
CREATE INDEX tickets_opd_queue ON tickets (merged_into, opd, status,
	IFNULL(CASE WHEN first_response_at IS NULL THEN first_response_due ELSE resolution_due END, 0))
	WHERE merged_into IS NULL;
-- Resolved tickets, the most recently resolved first; counts walk these.
CREATE INDEX tickets_status_resolved ON tickets (merged_into, status, resolved_at) WHERE merged_into IS NULL;
CREATE INDEX tickets_opd_resolved ON tickets (merged_into, opd, status, resolved_at) WHERE merged_into IS NULL;
