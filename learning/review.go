package learning

import (
	"context"
	"fmt"
	"slices"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
)

// A Candidate is a pending paraphrase and the FAQ it would join.
type Candidate struct {
	sigap.Paraphrase
	Of sigap.FAQ
}

// A Negative is a negative example and the FAQ it keeps from answering.
type Negative struct {
	sigap.Negative
	Of sigap.FAQ
}

// Suggestions are what the admin page Usulan shows.
type Suggestions struct {
	// Paraphrases are the pending candidates of the KB's FAQs, the most
	// often confirmed first.
	Paraphrases []Candidate
	// Unanswered are the groups of recent questions no FAQ answers, the
	// largest first.
	Unanswered []Group
	// Negatives are the newest negative examples of the KB's FAQs.
	Negatives []Negative
}

// How many candidates and negative examples the page lists.
const (
	shownParaphrases = 100
	shownNegatives   = 100
)

// Suggestions reads what there is to review.
func (l *Learner) Suggestions(ctx context.Context) (Suggestions, error) {
	type stored struct {
		paraphrases []sigap.Paraphrase
		negatives   []sigap.Negative
	}
	s, err := sigap.Read(ctx, l.cfg.Store, func(tx sigap.Tx) (stored, error) {
		ps, err := tx.Paraphrases(ctx, 0)
		if err != nil {
			return stored{}, err
		}
		ns, err := tx.Negatives(ctx)
		return stored{ps, ns}, err
	})
	if err != nil {
		return Suggestions{}, fmt.Errorf("learning: suggestions: %w", err)
	}
	k := l.cfg.KB.Get()
	var out Suggestions
	for _, p := range s.paraphrases {
		if f, ok := k.FAQ(p.FAQ); ok && len(out.Paraphrases) < shownParaphrases {
			out.Paraphrases = append(out.Paraphrases, Candidate{p, f})
		}
	}
	for _, n := range slices.Backward(s.negatives) {
		if f, ok := k.FAQ(n.FAQ); ok && len(out.Negatives) < shownNegatives {
			out.Negatives = append(out.Negatives, Negative{n, f})
		}
	}
	if out.Unanswered, err = l.Unanswered(ctx); err != nil {
		return Suggestions{}, err
	}
	return out, nil
}

// Approve makes the pending candidate id one of its FAQ's questions, in
// the KB in force as an admin's edit does, audited as by's approval; the
// router takes it in place. A negative example of the same question for
// that FAQ goes, and the router is rebuilt without it.
func (l *Learner) Approve(ctx context.Context, by sigap.Actor, id int64) error {
	l.edits.Lock()
	defer l.edits.Unlock()
	p, err := sigap.Read(ctx, l.cfg.Store, func(tx sigap.Tx) (*sigap.Paraphrase, error) { return tx.ParaphraseByID(ctx, id) })
	if err != nil {
		return err
	}
	if p.Status != sigap.ParaphrasePending {
		return sigap.Errorf(sigap.ECONFLICT, "Usulan rumusan %d sudah ditolak.", id)
	}
	edited := *l.cfg.KB.Get()
	edited.FAQs = slices.Clone(edited.FAQs)
	i := slices.IndexFunc(edited.FAQs, func(f sigap.FAQ) bool { return f.ID == p.FAQ })
	if i < 0 {
		return sigap.Errorf(sigap.ENOTFOUND, "FAQ %s sudah tidak ada; silakan tolak usulan ini.", p.FAQ)
	}
	f := &edited.FAQs[i]
	if !asks(*f, p.Text) {
		f.Questions = append(slices.Clone(f.Questions), p.Text)
	}
	dropped := 0
	err = kb.Apply(ctx, l.cfg.Store, l.cfg.KB, by, &edited, kb.Change{
		Action: sigap.ActionParaphraseApprove,
		Detail: fmt.Sprintf("usulan %d: rumusan baru FAQ %s", id, p.FAQ),
		Also: func(tx sigap.Tx) error {
			if err := tx.DeleteParaphrase(ctx, id); err != nil {
				return err
			}
			dropped, err = dropNegatives(ctx, tx, p.FAQ, p.Text)
			return err
		},
	})
	if err != nil || dropped == 0 {
		return err
	}
	return l.retrain(ctx)
}

// dropNegatives deletes the negative examples of faq that are the
// question text, and returns how many.
func dropNegatives(ctx context.Context, tx sigap.Tx, faq, text string) (int, error) {
	ns, err := tx.Negatives(ctx)
	if err != nil {
		return 0, err
	}
	key, n := sigap.QuestionKey(text), 0
	for _, neg := range ns {
		if neg.FAQ == faq && sigap.QuestionKey(neg.Text) == key {
			if err := tx.DeleteNegative(ctx, neg.ID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Reject turns the pending candidate id down for good, audited as by's.
// The audit entry names the candidate, not the citizen's words, which
// anonymize erases with the candidate.
func (l *Learner) Reject(ctx context.Context, by sigap.Actor, id int64) error {
	return l.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		p, err := tx.ParaphraseByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.RejectParaphrase(ctx, id); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{Actor: by, Action: sigap.ActionParaphraseReject,
			Detail: fmt.Sprintf("usulan %d untuk FAQ %s", id, p.FAQ)})
	})
}

// DeleteNegative takes back the negative example id, audited as by's, and
// rebuilds the router without it: the FAQ answers messages like it again.
func (l *Learner) DeleteNegative(ctx context.Context, by sigap.Actor, id int64) error {
	err := l.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		ns, err := tx.Negatives(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ns, func(n sigap.Negative) bool { return n.ID == id })
		if i < 0 {
			return sigap.Errorf(sigap.ENOTFOUND, "Contoh negatif %d tidak ditemukan; mungkin sudah dihapus admin lain.", id)
		}
		if err := tx.DeleteNegative(ctx, id); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{Actor: by, Action: sigap.ActionNegativeDelete,
			Detail: fmt.Sprintf("contoh negatif %d untuk FAQ %s", id, ns[i].FAQ)})
	})
	if err != nil {
		return err
	}
	return l.retrain(ctx)
}

func (l *Learner) retrain(ctx context.Context) error {
	defer l.readings.reset()
	if err := l.cfg.Router.Retrain(ctx); err != nil {
		return fmt.Errorf("learning: rebuild the router without the deleted negative examples: %w", err)
	}
	return nil
}
