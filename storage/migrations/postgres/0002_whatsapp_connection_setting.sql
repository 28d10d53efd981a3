-- On SQLite this moved when WhatsApp last connected from a table the
-- adapter had made for itself into the settings. A PostgreSQL database
-- never had that table: the setting is where it belongs from the start.
SELECT 1;
