-- A ticket's search document is rebuilt from its messages when one of them
-- is filed under it, edited, erased or deleted. Through the ticket_body
-- view (a GROUP BY over messages) SQLite computed the body of every ticket
-- to keep one: each new ticket, which files the citizen's messages under
-- it, read all the messages that have a ticket, half a second on a
-- database of 200,000 tickets, inside the transaction every other message
-- waits for. The same body, read for the one ticket by its index:
DROP TRIGGER ticket_words_message_changed;
CREATE TRIGGER ticket_words_message_changed AFTER UPDATE OF ticket_id, text ON messages
WHEN NEW.author IN ('citizen', 'staff', 'note')
BEGIN
	UPDATE ticket_words SET body = IFNULL((SELECT group_concat(m.text, ' ') FROM messages m
		WHERE m.ticket_id = docid AND m.author IN ('citizen', 'staff', 'note') AND m.text <> ''), '')
	WHERE docid IN (OLD.ticket_id, NEW.ticket_id);
END;
DROP TRIGGER ticket_words_message_deleted;
CREATE TRIGGER ticket_words_message_deleted AFTER DELETE ON messages
WHEN OLD.ticket_id IS NOT NULL
BEGIN
	UPDATE ticket_words SET body = IFNULL((SELECT group_concat(m.text, ' ') FROM messages m
		WHERE m.ticket_id = docid AND m.author IN ('citizen', 'staff', 'note') AND m.text <> ''), '')
	WHERE docid = OLD.ticket_id;
END;
DROP VIEW ticket_body;
