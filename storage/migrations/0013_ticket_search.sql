-- Search finds tickets by code, citizen name or the words of their
-- messages: every word must match, as a prefix, in any letter case and
-- with or without accents (unicode61 folds both). One full-text document
-- per ticket (SQLite's FTS4, which go-sqlite3 builds in) holds its code,
-- its citizen's name and the words of its thread, so that all the words
-- of a search are matched together inside the index. Triggers keep the
-- documents, so whoever writes a ticket, a message or a name, anonymising
-- included, keeps them right.
--
-- The thread's words are the citizen's and staff's, notes included; the
-- bot's own texts would make every ticket match their common words.
CREATE VIRTUAL TABLE ticket_words USING fts4 (code, name, body,
	tokenize=unicode61 "remove_diacritics=2", prefix="2,3");

-- The body of a ticket's document, as every trigger below rebuilds it.
CREATE VIEW ticket_body (ticket_id, body) AS
	SELECT ticket_id, group_concat(text, ' ') FROM messages
	WHERE ticket_id IS NOT NULL AND author IN ('citizen', 'staff', 'note') AND text <> ''
	GROUP BY ticket_id;

INSERT INTO ticket_words (docid, code, name, body)
	SELECT t.id, t.code, c.name, IFNULL(b.body, '')
	FROM tickets t JOIN citizens c ON c.id = t.citizen_id LEFT JOIN ticket_body b ON b.ticket_id = t.id;

CREATE TRIGGER ticket_words_opened AFTER INSERT ON tickets
BEGIN
	INSERT INTO ticket_words (docid, code, name, body)
		VALUES (NEW.id, NEW.code, IFNULL((SELECT name FROM citizens WHERE id = NEW.citizen_id), ''), '');
END;
CREATE TRIGGER ticket_words_deleted AFTER DELETE ON tickets
BEGIN
	DELETE FROM ticket_words WHERE docid = OLD.id;
END;

-- A new message of a ticket adds its words; one filed under a ticket later,
-- edited, erased or deleted rebuilds the documents it touches.
CREATE TRIGGER ticket_words_message_added AFTER INSERT ON messages
WHEN NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff', 'note') AND NEW.text <> ''
BEGIN
	UPDATE ticket_words SET body = body || ' ' || NEW.text WHERE docid = NEW.ticket_id;
END;
CREATE TRIGGER ticket_words_message_changed AFTER UPDATE OF ticket_id, text ON messages
WHEN NEW.author IN ('citizen', 'staff', 'note')
BEGIN
	UPDATE ticket_words SET body = IFNULL((SELECT body FROM ticket_body WHERE ticket_id = docid), '')
	WHERE docid IN (OLD.ticket_id, NEW.ticket_id);
END;
CREATE TRIGGER ticket_words_message_deleted AFTER DELETE ON messages
WHEN OLD.ticket_id IS NOT NULL
BEGIN
	UPDATE ticket_words SET body = IFNULL((SELECT body FROM ticket_body WHERE ticket_id = docid), '')
	WHERE docid = OLD.ticket_id;
END;

CREATE TRIGGER ticket_words_citizen_named AFTER UPDATE OF name ON citizens
WHEN NEW.name IS NOT OLD.name
BEGIN
	UPDATE ticket_words SET name = NEW.name
	WHERE docid IN (SELECT id FROM tickets WHERE citizen_id = NEW.id);
END;
