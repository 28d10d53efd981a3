-- A staff reply may carry a photo or a document.
ALTER TABLE outbox ADD COLUMN media_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN media_kind TEXT NOT NULL DEFAULT '';
