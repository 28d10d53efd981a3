-- On SQLite this rewrote the photos' references stored before as paths
-- relative to the data folder. A PostgreSQL database starts empty, or as
-- sigap migrate-db's copy of a SQLite file migrated up to the end, whose
-- references are rewritten already: nothing to do.
SELECT 1;
