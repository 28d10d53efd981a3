-- When WhatsApp last connected moves from a table the adapter made for
-- itself, which held the time as text, into the settings, where a time is
-- stored as every other one: INTEGER nanoseconds since the epoch.
CREATE TABLE IF NOT EXISTS whatsapp_connection (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	last_connected TEXT    NOT NULL
);
INSERT INTO kv (key, value, updated_at)
	SELECT 'whatsapp.last_connected', '',
		CAST(unixepoch(last_connected, 'subsec') * 1000 AS INTEGER) * 1000000
	FROM whatsapp_connection WHERE unixepoch(last_connected) IS NOT NULL
	ON CONFLICT (key) DO NOTHING;
DROP TABLE whatsapp_connection;
