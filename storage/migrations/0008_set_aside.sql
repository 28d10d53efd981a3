-- What a channel could not read or handle and set aside, so the messages
-- behind it go on: kept raw for admins.
CREATE TABLE set_aside (
	id        INTEGER PRIMARY KEY,
	channel   TEXT    NOT NULL,
	update_id TEXT    NOT NULL DEFAULT '',
	raw       TEXT    NOT NULL,
	reason    TEXT    NOT NULL DEFAULT '',
	at        INTEGER NOT NULL
);
