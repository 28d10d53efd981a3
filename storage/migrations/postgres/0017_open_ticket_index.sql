-- A citizen's open ticket is looked up at every message they write; this
-- partial index holds only the tickets not resolved, in the lookup's
-- order, so the lookup reads one entry or none (as on SQLite,
-- migrations/0017_open_ticket_index.sql).
CREATE INDEX tickets_citizen_open ON tickets (citizen_id, created_at)
	WHERE status <> 'resolved';
