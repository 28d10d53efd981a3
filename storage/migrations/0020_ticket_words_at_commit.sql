-- The search documents are brought up to date once a transaction, just
-- before it commits, rather than by each statement that changes a ticket's
-- words. FTS4 keeps what a statement added in memory until the next
-- statement of the transaction begins, and then writes it out as a segment
-- of its own, which later merges copy again: a message filed under a
-- ticket cost a third of a millisecond that way, a replay or a group
-- commit paying it for every message it holds. Now the triggers only note
-- which tickets changed, here; storage deletes the notes before each
-- commit (refreshSearch in storage/search.go), and the trigger on that
-- deletion rebuilds each noted ticket's document, all in one statement
-- that FTS4 writes out once. Whoever writes through storage keeps the
-- documents right as before; a search inside a write transaction brings
-- them up to date first.
CREATE TABLE ticket_words_stale (ticket_id INTEGER PRIMARY KEY);

CREATE TRIGGER ticket_words_refreshed AFTER DELETE ON ticket_words_stale
BEGIN
	DELETE FROM ticket_words WHERE docid = OLD.ticket_id;
	INSERT INTO ticket_words (docid, code, name, body)
		SELECT t.id, t.code, IFNULL((SELECT name FROM citizens WHERE id = t.citizen_id), ''),
			IFNULL((SELECT group_concat(m.text, ' ') FROM messages m
				WHERE m.ticket_id = t.id AND m.author IN ('citizen', 'staff', 'note') AND m.text <> ''), '')
		FROM tickets t WHERE t.id = OLD.ticket_id;
END;

DROP TRIGGER ticket_words_opened;
CREATE TRIGGER ticket_words_opened AFTER INSERT ON tickets
BEGIN
	INSERT INTO ticket_words_stale (ticket_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
END;

DROP TRIGGER ticket_words_message_added;
CREATE TRIGGER ticket_words_message_added AFTER INSERT ON messages
WHEN NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff', 'note') AND NEW.text <> ''
BEGIN
	INSERT INTO ticket_words_stale (ticket_id) VALUES (NEW.ticket_id) ON CONFLICT DO NOTHING;
END;

DROP TRIGGER ticket_words_message_changed;
CREATE TRIGGER ticket_words_message_changed AFTER UPDATE OF ticket_id, text ON messages
WHEN NEW.author IN ('citizen', 'staff', 'note')
BEGIN
	INSERT INTO ticket_words_stale (ticket_id)
		SELECT id FROM tickets WHERE id IN (OLD.ticket_id, NEW.ticket_id) ON CONFLICT DO NOTHING;
END;

DROP TRIGGER ticket_words_message_deleted;
CREATE TRIGGER ticket_words_message_deleted AFTER DELETE ON messages
WHEN OLD.ticket_id IS NOT NULL
BEGIN
	INSERT INTO ticket_words_stale (ticket_id) VALUES (OLD.ticket_id) ON CONFLICT DO NOTHING;
END;
