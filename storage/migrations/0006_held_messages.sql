-- Web chat messages that came beyond the flood limits: kept, but not
-- triaged and opening no ticket, until an admin releases or deletes them.
CREATE TABLE held_messages (
	id          INTEGER PRIMARY KEY,
	channel     TEXT    NOT NULL,
	chat_id     TEXT    NOT NULL,
	name        TEXT    NOT NULL DEFAULT '',
	platform_id TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	reason      TEXT    NOT NULL DEFAULT '',
	at          INTEGER NOT NULL,
	UNIQUE (channel, chat_id, platform_id)
);
