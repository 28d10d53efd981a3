package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// MaxMerge bounds how many tickets one merge joins; a disaster may bring
// dozens of reports of one flood, but not thousands in one form.
const MaxMerge = 100

// member is a ticket and its citizen.
type member struct {
	t *sigap.Ticket
	c *sigap.Citizen
}

// group is the ticket staff act on and the tickets merged into it: whom a
// reply or a closing notice reaches.
type group struct {
	member
	merged []member
}

// loadGroup loads t's citizen and the tickets merged into t with theirs.
func loadGroup(ctx context.Context, tx sigap.Tx, t *sigap.Ticket) (*group, error) {
	c, err := tx.CitizenByID(ctx, t.CitizenID)
	if err != nil {
		return nil, err
	}
	g := &group{member: member{t: t, c: c}}
	merged, err := tx.MergedTickets(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	for i := range merged {
		mc, err := tx.CitizenByID(ctx, merged[i].CitizenID)
		if err != nil {
			return nil, err
		}
		g.merged = append(g.merged, member{t: &merged[i], c: mc})
	}
	return g, nil
}

// everyone calls fn for the ticket kept, then for each merged ticket of a
// citizen not reached yet: a citizen who reported twice hears once.
func (g *group) everyone(fn func(m member) error) error {
	seen := map[int64]bool{}
	for _, m := range append([]member{g.member}, g.merged...) {
		if seen[m.c.ID] {
			continue
		}
		seen[m.c.ID] = true
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

// mirror copies to each merged ticket what its citizen sees of the ticket
// kept: its OPD, status and times, so that "status" and "cek" in their
// chat tell the truth.
func (d *Desk) mirror(ctx context.Context, tx sigap.Tx, g *group) error {
	for _, m := range g.merged {
		if err := mirrorOne(ctx, tx, m.t, g.t); err != nil {
			return err
		}
	}
	return nil
}

// mirrorOne copies to merged what its citizen sees of kept, and stores it.
func mirrorOne(ctx context.Context, tx sigap.Tx, merged, kept *sigap.Ticket) error {
	follow(merged, kept)
	merged.UpdatedAt = kept.UpdatedAt
	return tx.UpdateTicket(ctx, merged)
}

// follow makes merged show what kept shows its citizen.
func follow(merged, kept *sigap.Ticket) {
	merged.OPD, merged.Status = kept.OPD, kept.Status
	merged.FirstResponseDue, merged.ResolutionDue = kept.FirstResponseDue, kept.ResolutionDue
	merged.FirstResponseAt, merged.ResolvedAt = kept.FirstResponseAt, kept.ResolvedAt
	merged.PausedAt, merged.PausedWork = kept.PausedAt, kept.PausedWork
}

// Merge joins duplicates into the ticket code: when many citizens report
// the same thing, staff answer once and each citizen hears on their own
// channel. The tickets merged leave the lists and the figures, and their
// citizens are told; tickets merged into one of them move along.
func (d *Desk) Merge(ctx context.Context, staff *sigap.Staff, code string, duplicates []string) error {
	codes, err := mergeCodes(code, duplicates)
	if err != nil {
		return err
	}
	return d.act(ctx, staff, code, sigap.ActionMerge, func(tx sigap.Tx, g *group) (string, error) {
		kept := g.t
		if kept.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai; silakan buka kembali dulu sebelum menggabungkan.", kept.Code)
		}
		for _, dup := range codes {
			if err := d.mergeOne(ctx, tx, staff, g, dup); err != nil {
				return "", err
			}
		}
		return strings.Join(codes, ", "), nil
	})
}

// mergeCodes cleans the codes of a merge: at least one, at most MaxMerge,
// each once, and not the ticket kept.
func mergeCodes(code string, duplicates []string) ([]string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	var out []string
	for _, c := range duplicates {
		for _, c := range strings.FieldsFunc(c, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
			c = strings.ToUpper(c)
			if c == code {
				return nil, sigap.Errorf(sigap.EINVALID, "Tiket %s tidak dapat digabung ke dirinya sendiri.", c)
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	switch {
	case len(out) == 0:
		return nil, sigap.Errorf(sigap.EINVALID, "Mohon tulis kode tiket yang akan digabung ke %s.", code)
	case len(out) > MaxMerge:
		return nil, sigap.Errorf(sigap.EINVALID, "Paling banyak %d tiket sekali gabung.", MaxMerge)
	}
	return out, nil
}

// mergeOne merges the ticket code into g's, which grows by it and by the
// tickets merged into it before.
func (d *Desk) mergeOne(ctx context.Context, tx sigap.Tx, staff *sigap.Staff, g *group, code string) error {
	t, err := visibleTicket(ctx, tx, staff, code)
	if sigap.ErrorCode(err) == sigap.ENOTFOUND {
		return sigap.Errorf(sigap.EINVALID, "Tiket %s tidak ditemukan.", code)
	} else if err != nil {
		return err
	}
	switch {
	case t.MergedInto != 0:
		return sigap.Errorf(sigap.EINVALID, "Tiket %s sudah digabung ke tiket lain.", t.Code)
	case t.Status == sigap.StatusResolved:
		return sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai; hanya tiket yang belum selesai dapat digabung.", t.Code)
	}
	sub, err := loadGroup(ctx, tx, t)
	if err != nil {
		return err
	}
	for _, m := range append([]member{sub.member}, sub.merged...) {
		m.t.MergedInto, m.t.Assignee = g.t.ID, ""
		follow(m.t, g.t)
		m.t.UpdatedAt = d.cfg.Now()
		if err := tx.UpdateTicket(ctx, m.t); err != nil {
			return err
		}
		d.changed(tx, m.t)
		g.merged = append(g.merged, m)
	}
	if err := d.audit(ctx, tx, sigap.StaffActor(staff.Username), t.ID, sigap.ActionMerge, "→ "+g.t.Code); err != nil {
		return err
	}
	if sub.c.ID == g.c.ID {
		return nil // the citizen already follows the ticket kept
	}
	if err := d.Say(ctx, tx, sub.c, t.ID, sigap.AuthorBot, "", d.cfg.Texts.Merged(t.Code, d.OPDName(g.t.OPD))); err != nil {
		return fmt.Errorf("tell %s of the merge: %w", t.Code, err)
	}
	return nil
}
