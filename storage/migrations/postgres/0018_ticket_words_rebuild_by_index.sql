-- A ticket's search document is rebuilt from its own messages, read by
-- their ticket's index, rather than through the ticket_body view over
-- every ticket (as on SQLite, migrations/0018_ticket_words_rebuild_by_index.sql):
-- the rebuild then costs the same whatever the planner makes of the view.
CREATE FUNCTION ticket_body_of(ticket BIGINT) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT COALESCE(string_agg(m.text, ' ' ORDER BY m.id), '') FROM messages m
	WHERE m.ticket_id = ticket AND m.author IN ('citizen', 'staff', 'note') AND m.text <> ''
$$;

CREATE OR REPLACE FUNCTION ticket_words_rebuilt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE ticket_words w SET body = ticket_body_of(w.ticket_id)
	WHERE w.ticket_id IN (OLD.ticket_id, NEW.ticket_id);
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ticket_words_message_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE ticket_words w SET body = ticket_body_of(w.ticket_id)
	WHERE w.ticket_id = OLD.ticket_id;
	RETURN NULL;
END
$$;

DROP VIEW ticket_body;
