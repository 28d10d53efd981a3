-- Search finds tickets by code, citizen name or the words of their
-- messages: every word must match, as a prefix, in any letter case and
-- with or without accents (unicode61 folds both). Full-text indexes of
-- SQLite's FTS4, which go-sqlite3 builds in, kept by triggers so that
-- whoever writes a message or a name (anonymising included) keeps them.

-- Citizens' and staff's words, notes included; the bot's own texts would
-- make every ticket match their common words.
CREATE VIRTUAL TABLE message_words USING fts4 (text, tokenize=unicode61 "remove_diacritics=2", prefix="2,3");
INSERT INTO message_words (docid, text)
	SELECT id, text FROM messages WHERE author IN ('citizen', 'staff', 'note') AND text <> '';
CREATE TRIGGER message_words_added AFTER INSERT ON messages
WHEN NEW.author IN ('citizen', 'staff', 'note') AND NEW.text <> ''
BEGIN
	INSERT INTO message_words (docid, text) VALUES (NEW.id, NEW.text);
END;
CREATE TRIGGER message_words_changed AFTER UPDATE OF text ON messages
BEGIN
	DELETE FROM message_words WHERE docid = OLD.id;
	INSERT INTO message_words (docid, text)
		SELECT NEW.id, NEW.text WHERE NEW.author IN ('citizen', 'staff', 'note') AND NEW.text <> '';
END;
CREATE TRIGGER message_words_deleted AFTER DELETE ON messages
BEGIN
	DELETE FROM message_words WHERE docid = OLD.id;
END;

CREATE VIRTUAL TABLE citizen_words USING fts4 (name, tokenize=unicode61 "remove_diacritics=2", prefix="2,3");
INSERT INTO citizen_words (docid, name) SELECT id, name FROM citizens WHERE name <> '';
CREATE TRIGGER citizen_words_added AFTER INSERT ON citizens
WHEN NEW.name <> ''
BEGIN
	INSERT INTO citizen_words (docid, name) VALUES (NEW.id, NEW.name);
END;
CREATE TRIGGER citizen_words_changed AFTER UPDATE OF name ON citizens
WHEN NEW.name IS NOT OLD.name
BEGIN
	DELETE FROM citizen_words WHERE docid = OLD.id;
	INSERT INTO citizen_words (docid, name) SELECT NEW.id, NEW.name WHERE NEW.name <> '';
END;
CREATE TRIGGER citizen_words_deleted AFTER DELETE ON citizens
BEGIN
	DELETE FROM citizen_words WHERE docid = OLD.id;
END;
