-- A staff reply may carry a photo or a document: the outbox keeps the file
-- (a path under the data folder) and its kind for the channel to send.
ALTER TABLE outbox ADD COLUMN media_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN media_kind TEXT NOT NULL DEFAULT '';
