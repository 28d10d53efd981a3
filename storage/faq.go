package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// AddFAQAnswer records an FAQ the bot answered and fills its ID; a zero At
// is stamped by the clock.
func (tx *Tx) AddFAQAnswer(ctx context.Context, a *sigap.FAQAnswer) error {
	at := tx.stampIfZero(a.At)
	id, err := tx.insert(ctx,
		`INSERT INTO faq_answers (citizen_id, faq, opd, at, helpful) VALUES (?, ?, ?, ?, ?)`,
		a.CitizenID, a.FAQ, a.OPD, unixNano(at), a.Helpful)
	if err != nil {
		return fmt.Errorf("storage: add answer of FAQ %s: %w", a.FAQ, err)
	}
	a.ID, a.At = id, at
	return nil
}

// SetFAQHelpful records the citizen's feedback on an FAQ answer: 0
// unknown, 1 helpful, 2 wanted an officer.
func (tx *Tx) SetFAQHelpful(ctx context.Context, id int64, helpful int) error {
	if helpful < 0 || helpful > 2 {
		return sigap.Errorf(sigap.EINVALID, "FAQ feedback %d: want 0, 1 or 2", helpful)
	}
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "FAQ answer %d not found", id),
		fmt.Sprintf("set feedback of FAQ answer %d", id),
		`UPDATE faq_answers SET helpful = ? WHERE id = ?`, helpful, id)
}

// FAQAnswerCounts counts FAQ answers given in [from, to) per FAQ id. An
// answer the citizen took to an officer ("2") is not counted: the ticket
// it opened is, and one question counts once.
func (tx *Tx) FAQAnswerCounts(ctx context.Context, from, to time.Time) (map[string]int, error) {
	counts, err := tally[string](ctx, tx,
		`SELECT faq, COUNT(*) FROM faq_answers WHERE at >= ? AND at < ? AND helpful <> 2 GROUP BY faq`, bound(from), bound(to))
	if err != nil {
		return nil, fmt.Errorf("storage: count FAQ answers: %w", err)
	}
	return counts, nil
}

// FAQAnswersByChannel counts FAQ answers given in [from, to) per channel of
// the citizen who asked, leaving out, as FAQAnswerCounts does, those taken
// to an officer.
func (tx *Tx) FAQAnswersByChannel(ctx context.Context, from, to time.Time) (map[sigap.Channel]int, error) {
	counts, err := tally[sigap.Channel](ctx, tx, `
		SELECT c.channel, COUNT(*) FROM faq_answers a JOIN citizens c ON c.id = a.citizen_id
		WHERE a.at >= ? AND a.at < ? AND a.helpful <> 2 GROUP BY c.channel`, bound(from), bound(to))
	if err != nil {
		return nil, fmt.Errorf("storage: count FAQ answers by channel: %w", err)
	}
	return counts, nil
}
