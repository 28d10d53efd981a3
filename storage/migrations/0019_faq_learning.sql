-- What citizens' feedback on FAQ answers taught. A question an FAQ
-- answered to the citizen's satisfaction ("1") is a candidate paraphrase
-- of that FAQ for an admin to approve into the KB or reject; one the
-- citizen took to an officer ("2") is a negative example the router
-- replays at start. The text is the citizen's: citizen_id names who wrote
-- it last, so that anonymizing them erases it. text_key is the text folded
-- (sigap.QuestionKey), so one question counts once per FAQ.
CREATE TABLE faq_paraphrases (
	id         INTEGER PRIMARY KEY,
	faq        TEXT    NOT NULL,
	text       TEXT    NOT NULL,
	text_key   TEXT    NOT NULL,
	times      INTEGER NOT NULL DEFAULT 1,
	status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'rejected')),
	citizen_id INTEGER REFERENCES citizens (id),
	at         INTEGER NOT NULL,
	UNIQUE (faq, text_key)
);
CREATE INDEX faq_paraphrases_citizen ON faq_paraphrases (citizen_id);

CREATE TABLE faq_negatives (
	id         INTEGER PRIMARY KEY,
	faq        TEXT    NOT NULL,
	text       TEXT    NOT NULL,
	text_key   TEXT    NOT NULL,
	citizen_id INTEGER REFERENCES citizens (id),
	at         INTEGER NOT NULL,
	UNIQUE (faq, text_key)
);
CREATE INDEX faq_negatives_citizen ON faq_negatives (citizen_id);
