package sigap

import (
	"context"
	"strings"
	"time"
)

// What citizens' feedback on FAQ answers teaches (learning from use): a
// question the FAQ answered to the citizen's satisfaction ("1") becomes a
// candidate paraphrase of that FAQ, which an admin approves into the KB or
// rejects; a question the FAQ answered but did not help ("2") becomes a
// negative example, which stops the FAQ answering messages like it.

// A Paraphrase is a candidate question for an FAQ, written by citizens.
type Paraphrase struct {
	ID   int64
	FAQ  string
	Text string
	// Count is how many times citizens said the FAQ answered this text.
	Count  int
	Status ParaphraseStatus
	// CitizenID is the citizen who wrote it last: anonymizing them erases
	// it, as the text is theirs.
	CitizenID int64
	At        time.Time // when a citizen last said so
}

// ParaphraseStatus is where a candidate paraphrase is in an admin's
// review. An approved one is no candidate any more: it is one of the
// FAQ's questions.
type ParaphraseStatus string

const (
	ParaphrasePending  ParaphraseStatus = "pending"
	ParaphraseRejected ParaphraseStatus = "rejected" // never suggested again
)

// A Negative is a question an FAQ answered that the citizen then took to
// an officer: the router answers no message that fits it as well as the
// FAQ with that FAQ.
type Negative struct {
	ID        int64
	FAQ       string
	Text      string
	CitizenID int64 // who wrote it last, as for a Paraphrase
	At        time.Time
}

// QuestionKey is what two texts share when they are the same question:
// case, spacing and the closing punctuation aside.
func QuestionKey(text string) string {
	return strings.TrimRight(strings.ToLower(strings.Join(strings.Fields(text), " ")), " ?!.")
}

// LearningStore keeps the paraphrases and negative examples citizens'
// feedback taught, and reads the questions no FAQ answered.
type LearningStore interface {
	// AddParaphrase records that an FAQ answered p.Text: a new pending
	// candidate, filling ID, or one more count of the candidate with the
	// same FAQ and QuestionKey, which then names p's citizen and time. A
	// rejected candidate stays rejected. A zero At is stamped by the clock.
	AddParaphrase(ctx context.Context, p *Paraphrase) error
	// Paraphrases returns up to limit pending candidates, the most often
	// confirmed first, then the most recent.
	Paraphrases(ctx context.Context, limit int) ([]Paraphrase, error)
	ParaphraseByID(ctx context.Context, id int64) (*Paraphrase, error)
	// RejectParaphrase marks a pending candidate rejected (ENOTFOUND when
	// there is no pending candidate id).
	RejectParaphrase(ctx context.Context, id int64) error
	// DeleteParaphrase removes a candidate, as one approved is an FAQ
	// question now (ENOTFOUND when there is none).
	DeleteParaphrase(ctx context.Context, id int64) error
	// AddNegative stores n, filling ID; the same FAQ and QuestionKey is
	// stored once, naming the latest citizen and time.
	AddNegative(ctx context.Context, n *Negative) error
	// Negatives returns every negative example, oldest first.
	Negatives(ctx context.Context) ([]Negative, error)
	// DeleteNegative removes a negative example (ENOTFOUND when none).
	DeleteNegative(ctx context.Context, id int64) error
	// UnansweredQuestions returns, newest first and up to limit, the
	// tickets created at or after since that no FAQ answer came before
	// (FAQ empty), that were not merged into another and whose subject is
	// not anonymised: their ID, Code, OPD, Subject and CreatedAt.
	UnansweredQuestions(ctx context.Context, since time.Time, limit int) ([]Ticket, error)
}
