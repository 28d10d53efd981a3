-- Search finds tickets by code, citizen name or the words of their
-- messages, as on SQLite (migrations/0013_ticket_search.sql): every word
-- must match, as a prefix, in any letter case and with or without accents.
-- Here the one document per ticket is a tsvector of the 'simple'
-- configuration (words as they are: no stemming, no stop words) over its
-- code, its citizen's name and the words of its thread, folded by
-- sigap_fold, under a GIN index. Triggers keep the documents, as SQLite's
-- do.

-- Lower case without accents: what SQLite's unicode61 tokenizer with
-- remove_diacritics=2 does to the Latin letters, without an extension (a
-- managed server may not allow unaccent).
CREATE FUNCTION sigap_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT lower(translate(t,
		'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžĐđĦħŁłØøıŦŧ',
		'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzDdHhLlOoiTt'))
$$;

CREATE TABLE ticket_words (
	ticket_id BIGINT   PRIMARY KEY,
	code      TEXT     NOT NULL,
	name      TEXT     NOT NULL,
	body      TEXT     NOT NULL DEFAULT '',
	doc       tsvector GENERATED ALWAYS AS (to_tsvector('simple', sigap_fold(code || ' ' || name || ' ' || body))) STORED
);
CREATE INDEX ticket_words_doc ON ticket_words USING gin (doc);

-- The body of a ticket's document, as every trigger below rebuilds it.
CREATE VIEW ticket_body (ticket_id, body) AS
	SELECT ticket_id, string_agg(text, ' ' ORDER BY id) FROM messages
	WHERE ticket_id IS NOT NULL AND author IN ('citizen', 'staff', 'note') AND text <> ''
	GROUP BY ticket_id;

INSERT INTO ticket_words (ticket_id, code, name, body)
	SELECT t.id, t.code, c.name, COALESCE(b.body, '')
	FROM tickets t JOIN citizens c ON c.id = t.citizen_id LEFT JOIN ticket_body b ON b.ticket_id = t.id;

CREATE FUNCTION ticket_words_opened() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO ticket_words (ticket_id, code, name)
		VALUES (NEW.id, NEW.code, COALESCE((SELECT name FROM citizens WHERE id = NEW.citizen_id), ''));
	RETURN NULL;
END
$$;
CREATE TRIGGER ticket_words_opened AFTER INSERT ON tickets
	FOR EACH ROW EXECUTE FUNCTION ticket_words_opened();

CREATE FUNCTION ticket_words_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM ticket_words WHERE ticket_id = OLD.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER ticket_words_deleted AFTER DELETE ON tickets
	FOR EACH ROW EXECUTE FUNCTION ticket_words_deleted();

-- A new message of a ticket adds its words; one filed under a ticket later,
-- edited, erased or deleted rebuilds the documents it touches.
CREATE FUNCTION ticket_words_message_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE ticket_words SET body = body || ' ' || NEW.text WHERE ticket_id = NEW.ticket_id;
	RETURN NULL;
END
$$;
CREATE TRIGGER ticket_words_message_added AFTER INSERT ON messages
	FOR EACH ROW WHEN (NEW.ticket_id IS NOT NULL AND NEW.author IN ('citizen', 'staff', 'note') AND NEW.text <> '')
	EXECUTE FUNCTION ticket_words_message_added();

CREATE FUNCTION ticket_words_rebuilt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE ticket_words w SET body = COALESCE((SELECT b.body FROM ticket_body b WHERE b.ticket_id = w.ticket_id), '')
	WHERE w.ticket_id IN (OLD.ticket_id, NEW.ticket_id);
	RETURN NULL;
END
$$;
CREATE TRIGGER ticket_words_message_changed AFTER UPDATE OF ticket_id, text ON messages
	FOR EACH ROW WHEN (NEW.author IN ('citizen', 'staff', 'note'))
	EXECUTE FUNCTION ticket_words_rebuilt();

CREATE FUNCTION ticket_words_message_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE ticket_words w SET body = COALESCE((SELECT b.body FROM ticket_body b WHERE b.ticket_id = w.ticket_id), '')
	WHERE w.ticket_id = OLD.ticket_id;
	RETURN NULL;
END
$$;
CREATE TRIGGER ticket_words_message_deleted AFTER DELETE ON messages
	FOR EACH ROW WHEN (OLD.ticket_id IS NOT NULL)
	EXECUTE FUNCTION ticket_words_message_deleted();

CREATE FUNCTION ticket_words_citizen_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE ticket_words SET name = NEW.name
	WHERE ticket_id IN (SELECT id FROM tickets WHERE citizen_id = NEW.id);
	RETURN NULL;
END
$$;
CREATE TRIGGER ticket_words_citizen_named AFTER UPDATE OF name ON citizens
	FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
	EXECUTE FUNCTION ticket_words_citizen_named();
