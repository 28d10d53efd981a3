-- Sigap's schema. Times are INTEGER nanoseconds since the Unix epoch (UTC);
-- NULL stands for "not yet" (the zero time.Time). Durations are INTEGER
-- nanoseconds.

CREATE TABLE citizens (
	id                 INTEGER PRIMARY KEY,
	channel            TEXT    NOT NULL,
	platform_id        TEXT    NOT NULL,
	name               TEXT    NOT NULL DEFAULT '',
	phone              TEXT    NOT NULL DEFAULT '',
	created_at         INTEGER NOT NULL,
	awaiting_kind      TEXT    NOT NULL DEFAULT '',
	awaiting_ref       TEXT    NOT NULL DEFAULT '',
	awaiting_text      TEXT    NOT NULL DEFAULT '',
	awaiting_answer_id INTEGER NOT NULL DEFAULT 0,
	UNIQUE (channel, platform_id)
);

CREATE TABLE tickets (
	id                 INTEGER PRIMARY KEY,
	code               TEXT    NOT NULL UNIQUE,
	citizen_id         INTEGER NOT NULL REFERENCES citizens (id),
	opd                TEXT    NOT NULL,
	status             TEXT    NOT NULL CHECK (status IN ('open', 'pending', 'resolved')),
	subject            TEXT    NOT NULL DEFAULT '',
	faq                TEXT    NOT NULL DEFAULT '',
	assignee           TEXT    NOT NULL DEFAULT '',
	first_responder    TEXT    NOT NULL DEFAULT '',
	created_at         INTEGER NOT NULL,
	first_response_due INTEGER,
	resolution_due     INTEGER,
	first_response_at  INTEGER,
	resolved_at        INTEGER,
	paused_at          INTEGER,
	paused_work        INTEGER NOT NULL DEFAULT 0,
	rating             INTEGER NOT NULL DEFAULT 0,
	updated_at         INTEGER NOT NULL
);
-- Queues: status and OPD filters.
CREATE INDEX tickets_status_opd ON tickets (status, opd);
-- A citizen's open ticket and ticket history, newest first. Ordered by
-- creation so that the planner never prefers walking tickets_created_at
-- (it would, on a database too new to have statistics).
CREATE INDEX tickets_citizen_created ON tickets (citizen_id, created_at);
-- Reports stream a creation-time range.
CREATE INDEX tickets_created_at ON tickets (created_at);
-- SLA alerts scan only the unanswered open tickets by due time.
CREATE INDEX tickets_unanswered_due ON tickets (first_response_due)
	WHERE first_response_at IS NULL AND status <> 'resolved';

CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,
	citizen_id  INTEGER NOT NULL REFERENCES citizens (id),
	ticket_id   INTEGER REFERENCES tickets (id),
	channel     TEXT    NOT NULL,
	platform_id TEXT    NOT NULL DEFAULT '',
	author      TEXT    NOT NULL,
	staff       TEXT    NOT NULL DEFAULT '',
	kind        TEXT    NOT NULL DEFAULT 'text',
	text        TEXT    NOT NULL DEFAULT '',
	media_ref   TEXT    NOT NULL DEFAULT '',
	lat         REAL    NOT NULL DEFAULT 0,
	lon         REAL    NOT NULL DEFAULT 0,
	ref_id      TEXT    NOT NULL DEFAULT '',
	at          INTEGER NOT NULL
);
-- Platforms redeliver; an inbound message is stored once per channel.
-- Messages Sigap writes itself have no platform id.
CREATE UNIQUE INDEX messages_platform ON messages (channel, platform_id)
	WHERE platform_id <> '';
CREATE INDEX messages_citizen_at ON messages (citizen_id, at);
CREATE INDEX messages_ticket_at ON messages (ticket_id, at) WHERE ticket_id IS NOT NULL;

CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY,
	to_channel TEXT    NOT NULL,
	to_id      TEXT    NOT NULL,
	ticket_id  INTEGER REFERENCES tickets (id),
	text       TEXT    NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at    INTEGER,
	failed_at  INTEGER,
	last_error TEXT    NOT NULL DEFAULT ''
);
-- The sender polls only what is still waiting.
CREATE INDEX outbox_unsent_next_at ON outbox (next_at)
	WHERE sent_at IS NULL AND failed_at IS NULL;
-- The sender reads what waits in queue order; without this index SQLite
-- scans the whole outbox, sent messages included.
CREATE INDEX outbox_unsent_id ON outbox (id)
	WHERE sent_at IS NULL AND failed_at IS NULL;
-- A message waits while an earlier one to the same chat is still waiting.
CREATE INDEX outbox_unsent_to ON outbox (to_channel, to_id, id)
	WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	actor     TEXT    NOT NULL,
	ticket_id INTEGER REFERENCES tickets (id),
	action    TEXT    NOT NULL,
	detail    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_ticket ON audit (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE faq_answers (
	id         INTEGER PRIMARY KEY,
	citizen_id INTEGER NOT NULL REFERENCES citizens (id),
	faq        TEXT    NOT NULL,
	opd        TEXT    NOT NULL DEFAULT '',
	at         INTEGER NOT NULL,
	helpful    INTEGER NOT NULL DEFAULT 0 CHECK (helpful IN (0, 1, 2))
);
CREATE INDEX faq_answers_at ON faq_answers (at);

-- Routing examples learnt from staff transfers.
CREATE TABLE examples (
	id         INTEGER PRIMARY KEY,
	text       TEXT    NOT NULL,
	opd        TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (text, opd)
);

CREATE TABLE staff (
	id               INTEGER PRIMARY KEY,
	username         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	name             TEXT    NOT NULL DEFAULT '',
	role             TEXT    NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
	opd              TEXT    NOT NULL DEFAULT '',
	password_hash    TEXT    NOT NULL DEFAULT '',
	disabled         INTEGER NOT NULL DEFAULT 0,
	telegram_chat_id TEXT    NOT NULL DEFAULT '',
	link_code        TEXT    NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT    PRIMARY KEY,
	staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
	csrf       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE sla_alerts (
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	kind      TEXT    NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (ticket_id, kind)
) WITHOUT ROWID;

-- Small settings edited at run time, such as the knowledge base.
CREATE TABLE kv (
	key        TEXT    PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
