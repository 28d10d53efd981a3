-- A learnt routing example remembers the ticket it was learnt from, so
-- that anonymizing the ticket's citizen forgets it: its text is what the
-- citizen wrote. Examples learnt before have none; anonymize finds those
-- by the citizen's messages instead.
ALTER TABLE examples ADD COLUMN ticket_id INTEGER REFERENCES tickets (id);
CREATE INDEX examples_ticket ON examples (ticket_id) WHERE ticket_id IS NOT NULL;
