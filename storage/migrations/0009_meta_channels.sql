-- What the Instagram and Facebook channels must remember to answer within
-- Meta's rules. A contact is a direct-message conversation or one person's
-- thread of comments under one post, keyed like citizens by channel and
-- platform id: it is written before the message is handed to the
-- conversation, which creates the citizen.
CREATE TABLE meta_contacts (
	channel     TEXT    NOT NULL,
	platform_id TEXT    NOT NULL,
	account     TEXT    NOT NULL, -- the Page or Instagram account written to
	last_in     INTEGER NOT NULL, -- the reply windows run from here
	post        TEXT    NOT NULL DEFAULT '', -- threads: the post
	dm_id       TEXT    NOT NULL DEFAULT '', -- threads: the commenter's messaging id
	PRIMARY KEY (channel, platform_id)
) WITHOUT ROWID;

-- Each comment may get one private reply, within 7 days; Sigap also posts
-- a short public note under it. outbox_id is the reply that took it.
CREATE TABLE meta_comments (
	id          TEXT    PRIMARY KEY,
	channel     TEXT    NOT NULL,
	platform_id TEXT    NOT NULL, -- the thread
	at          INTEGER NOT NULL,
	outbox_id   INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
	private_at  INTEGER,
	public_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX meta_comments_thread ON meta_comments (channel, platform_id, at);
CREATE INDEX meta_comments_outbox ON meta_comments (outbox_id) WHERE outbox_id IS NOT NULL;
