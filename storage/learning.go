package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

const paraphraseColumns = `id, faq, text, times, status, citizen_id, at`

func paraphraseDest(p *sigap.Paraphrase) []any {
	return []any{&p.ID, &p.FAQ, &p.Text, &p.Count, &p.Status, idColumn{&p.CitizenID}, timeColumn{&p.At}}
}

// AddParaphrase records a candidate paraphrase, or one more confirmation
// of the same question for the same FAQ.
func (tx *Tx) AddParaphrase(ctx context.Context, p *sigap.Paraphrase) error {
	at := tx.stampIfZero(p.At)
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO faq_paraphrases (faq, text, text_key, citizen_id, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (faq, text_key) DO UPDATE SET times = faq_paraphrases.times + 1,
			citizen_id = excluded.citizen_id, at = excluded.at
		RETURNING `+paraphraseColumns,
		p.FAQ, p.Text, sigap.QuestionKey(p.Text), nullID(p.CitizenID), unixNano(at)).Scan(paraphraseDest(p)...)
	if err != nil {
		return fmt.Errorf("storage: add paraphrase of FAQ %s: %w", p.FAQ, err)
	}
	return nil
}

// Paraphrases returns up to limit pending candidates (all when limit <=
// 0), the most confirmed first, then the most recent.
func (tx *Tx) Paraphrases(ctx context.Context, limit int) ([]sigap.Paraphrase, error) {
	list, err := rows(ctx, tx, paraphraseDest, `SELECT `+paraphraseColumns+` FROM faq_paraphrases
		WHERE status = ? ORDER BY times DESC, at DESC, id DESC LIMIT ?`, sigap.ParaphrasePending, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("storage: paraphrases: %w", err)
	}
	return list, nil
}

func (tx *Tx) ParaphraseByID(ctx context.Context, id int64) (*sigap.Paraphrase, error) {
	return one(ctx, tx, paraphraseDest, sigap.Errorf(sigap.ENOTFOUND, "Usulan rumusan %d tidak ditemukan.", id),
		fmt.Sprintf("paraphrase %d", id), `SELECT `+paraphraseColumns+` FROM faq_paraphrases WHERE id = ?`, id)
}

// RejectParaphrase marks a pending candidate rejected.
func (tx *Tx) RejectParaphrase(ctx context.Context, id int64) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "Usulan rumusan %d tidak ditemukan; mungkin sudah diputuskan admin lain.", id),
		fmt.Sprintf("reject paraphrase %d", id),
		`UPDATE faq_paraphrases SET status = ? WHERE id = ? AND status = ?`, sigap.ParaphraseRejected, id, sigap.ParaphrasePending)
}

// DeleteParaphrase removes a candidate.
func (tx *Tx) DeleteParaphrase(ctx context.Context, id int64) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "Usulan rumusan %d tidak ditemukan; mungkin sudah diputuskan admin lain.", id),
		fmt.Sprintf("delete paraphrase %d", id), `DELETE FROM faq_paraphrases WHERE id = ?`, id)
}

const negativeColumns = `id, faq, text, citizen_id, at`

func negativeDest(n *sigap.Negative) []any {
	return []any{&n.ID, &n.FAQ, &n.Text, idColumn{&n.CitizenID}, timeColumn{&n.At}}
}

// AddNegative stores a negative example once per FAQ and question.
func (tx *Tx) AddNegative(ctx context.Context, n *sigap.Negative) error {
	at := tx.stampIfZero(n.At)
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO faq_negatives (faq, text, text_key, citizen_id, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (faq, text_key) DO UPDATE SET citizen_id = excluded.citizen_id, at = excluded.at
		RETURNING `+negativeColumns,
		n.FAQ, n.Text, sigap.QuestionKey(n.Text), nullID(n.CitizenID), unixNano(at)).Scan(negativeDest(n)...)
	if err != nil {
		return fmt.Errorf("storage: add negative example of FAQ %s: %w", n.FAQ, err)
	}
	return nil
}

// Negatives returns every negative example, oldest first.
func (tx *Tx) Negatives(ctx context.Context) ([]sigap.Negative, error) {
	list, err := rows(ctx, tx, negativeDest, `SELECT `+negativeColumns+` FROM faq_negatives ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: negative examples: %w", err)
	}
	return list, nil
}

// DeleteNegative removes a negative example.
func (tx *Tx) DeleteNegative(ctx context.Context, id int64) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "Contoh negatif %d tidak ditemukan; mungkin sudah dihapus admin lain.", id),
		fmt.Sprintf("delete negative example %d", id), `DELETE FROM faq_negatives WHERE id = ?`, id)
}

// UnansweredQuestions returns the recent tickets no FAQ answer preceded,
// newest first.
func (tx *Tx) UnansweredQuestions(ctx context.Context, since time.Time, limit int) ([]sigap.Ticket, error) {
	ts, err := rows(ctx, tx, ticketDest, `SELECT `+ticketColumns+` FROM tickets t
		WHERE t.created_at >= ? AND t.faq = '' AND t.merged_into IS NULL AND t.subject <> '' AND t.subject <> ?
		ORDER BY t.created_at DESC, t.id DESC LIMIT ?`, bound(since), AnonymizedText, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("storage: unanswered questions: %w", err)
	}
	return ts, nil
}
