-- A staff member's own ready replies, besides the FAQ answers of the OPD.
CREATE TABLE canned_replies (
	id         INTEGER PRIMARY KEY,
	staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	label      TEXT    NOT NULL,
	text       TEXT    NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX canned_replies_staff ON canned_replies (staff_id, label);
