-- A learnt routing example remembers the ticket it was learnt from.
ALTER TABLE examples ADD COLUMN ticket_id BIGINT REFERENCES tickets (id);
CREATE INDEX examples_ticket ON examples (ticket_id) WHERE ticket_id IS NOT NULL;
