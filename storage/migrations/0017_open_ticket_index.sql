-- A citizen's open ticket is looked up at every message they write. On
-- tickets_citizen_created that lookup reads the citizen's tickets newest
-- first, each row to see its status, until one is not resolved: the whole
-- history of a citizen who has no open ticket. This partial index holds
-- only the tickets not resolved, in the lookup's order, so the lookup reads
-- one entry or none. It returns the whole row, which is one read by id: an
-- index holding every column would be a second copy of the table.
CREATE INDEX tickets_citizen_open ON tickets (citizen_id, created_at)
	WHERE status <> 'resolved';
