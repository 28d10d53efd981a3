-- What the Instagram and Facebook channels remember to answer within
-- Meta's rules, as on SQLite (migrations/0009_meta_channels.sql).
CREATE TABLE meta_contacts (
	channel     TEXT   NOT NULL,
	platform_id TEXT   NOT NULL,
	account     TEXT   NOT NULL,
	last_in     BIGINT NOT NULL,
	post        TEXT   NOT NULL DEFAULT '',
	dm_id       TEXT   NOT NULL DEFAULT '',
	PRIMARY KEY (channel, platform_id)
);

CREATE TABLE meta_comments (
	id          TEXT   PRIMARY KEY,
	channel     TEXT   NOT NULL,
	platform_id TEXT   NOT NULL,
	at          BIGINT NOT NULL,
	outbox_id   BIGINT REFERENCES outbox (id) ON DELETE SET NULL,
	private_at  BIGINT,
	public_at   BIGINT
);
CREATE INDEX meta_comments_thread ON meta_comments (channel, platform_id, at);
CREATE INDEX meta_comments_outbox ON meta_comments (outbox_id) WHERE outbox_id IS NOT NULL;
