package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// TicketView is a ticket with everything a staff member sees on its page.
type TicketView struct {
	Ticket   sigap.Ticket
	Citizen  sigap.Citizen
	Messages []sigap.Message // its thread and those of the tickets merged into it, by time
	Audit    []sigap.AuditEntry
	OPDName  string
	// Merged are the tickets merged into this one with their citizens,
	// who get its replies too.
	Merged []Member
	// MergedInto is the code of the ticket this one was merged into, which
	// staff work instead; "" when not merged.
	MergedInto string
	// Undelivered are the replies to the citizen the outbox gave up on.
	Undelivered []sigap.Outbound
}

// Member is a ticket and its citizen.
type Member struct {
	Ticket  sigap.Ticket
	Citizen sigap.Citizen
}

// Citizens returns the citizens of the ticket and of those merged into
// it, by ID, for naming the authors of the thread.
func (v *TicketView) Citizens() map[int64]sigap.Citizen {
	out := map[int64]sigap.Citizen{v.Citizen.ID: v.Citizen}
	for _, m := range v.Merged {
		out[m.Citizen.ID] = m.Citizen
	}
	return out
}

// Page sizes of a list: a page holds DefaultPage tickets unless the caller
// asks for another size, at most MaxPage, so that nobody loads a whole
// queue of thousands in one response.
const (
	DefaultPage = 50
	MaxPage     = 100
)

// TicketList is one page of a list.
type TicketList struct {
	Tickets []sigap.TicketSummary
	// Total counts the tickets of every page.
	Total int
	// Next continues after this page; nil on the last one.
	Next *sigap.Cursor
}

// Tickets lists a page of the tickets the staff member may see.
func (d *Desk) Tickets(ctx context.Context, staff *sigap.Staff, f sigap.TicketFilter) (*TicketList, error) {
	f, ok, err := d.visibleFilter(staff, f)
	if err != nil || !ok {
		return &TicketList{}, err
	}
	switch {
	case f.Limit <= 0:
		f.Limit = DefaultPage
	case f.Limit > MaxPage:
		f.Limit = MaxPage
	}
	out, err := sigap.Read(ctx, d.cfg.Store, func(tx sigap.Tx) (*TicketList, error) {
		page := f
		page.Limit++ // one more tells whether a next page exists
		list, err := tx.ListTickets(ctx, page)
		if err != nil {
			return nil, err
		}
		l := &TicketList{Tickets: list}
		if len(list) > f.Limit {
			l.Tickets = list[:f.Limit]
			c := sigap.CursorOf(&l.Tickets[f.Limit-1].Ticket)
			l.Next = &c
		}
		if l.Total, err = tx.CountTickets(ctx, f); err != nil {
			return nil, err
		}
		return l, nil
	})
	if err != nil {
		return nil, fmt.Errorf("desk: list tickets: %w", err)
	}
	return out, nil
}

// TicketRow returns the list row of one ticket if the filter, as the staff
// member may use it, keeps it: what a live list needs when that ticket
// changed.
func (d *Desk) TicketRow(ctx context.Context, staff *sigap.Staff, f sigap.TicketFilter, id int64) (*sigap.TicketSummary, error) {
	f, ok, err := d.visibleFilter(staff, f)
	if err != nil || !ok {
		return nil, err
	}
	f.ID, f.Limit, f.After = id, 1, nil
	list, err := sigap.Read(ctx, d.cfg.Store, func(tx sigap.Tx) ([]sigap.TicketSummary, error) { return tx.ListTickets(ctx, f) })
	if err != nil {
		return nil, fmt.Errorf("desk: ticket row %d: %w", id, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return &list[0], nil
}

// visibleFilter narrows f to what the staff member may see and sets the
// clock SLA filters judge by; ok is false when nothing can match (an
// agent asking for another OPD).
func (d *Desk) visibleFilter(staff *sigap.Staff, f sigap.TicketFilter) (sigap.TicketFilter, bool, error) {
	if staff.Disabled {
		return f, false, sigap.Errorf(sigap.EFORBIDDEN, "Akun dinonaktifkan.")
	}
	if staff.Role == sigap.RoleAgent {
		if f.OPD != "" && f.OPD != staff.OPD {
			return f, false, nil
		}
		f.OPD = staff.OPD
	}
	if f.SLA != "" || f.FirstResponseLate {
		f.Clock = d.SLAClock(d.cfg.Now())
	}
	return f, true, nil
}

// SLAClock is what judging SLA states at now needs: for each OPD, the
// first-response due time under which an unanswered ticket has less than
// a quarter of its target, in working time, left.
func (d *Desk) SLAClock(now time.Time) sigap.SLAClock {
	kb := d.KB()
	soon := func(target time.Duration) time.Time { return d.cfg.Calendar.Add(now, target/4) }
	c := sigap.SLAClock{Now: now, SoonBefore: make(map[string]time.Time, len(kb.OPDs)),
		SoonBeforeDefault: soon(kb.SLA.FirstResponse)}
	for _, o := range kb.OPDs {
		c.SoonBefore[o.Code] = soon(kb.Policy(o.Code).FirstResponse)
	}
	return c
}

// Ticket returns a ticket's page for a staff member who may see it.
func (d *Desk) Ticket(ctx context.Context, staff *sigap.Staff, code string) (*TicketView, error) {
	v, err := sigap.Read(ctx, d.cfg.Store, func(tx sigap.Tx) (*TicketView, error) {
		t, err := visibleTicket(ctx, tx, staff, code)
		if err != nil {
			return nil, err
		}
		g, err := loadGroup(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		v := &TicketView{Ticket: *t, Citizen: *g.c}
		if t.MergedInto != 0 {
			into, err := tx.TicketByID(ctx, t.MergedInto)
			if err != nil {
				return nil, err
			}
			v.MergedInto = into.Code
		}
		for _, m := range append([]member{g.member}, g.merged...) {
			msgs, err := tx.TicketMessages(ctx, m.t.ID)
			if err != nil {
				return nil, err
			}
			v.Messages = append(v.Messages, msgs...)
			if m.t != t {
				v.Merged = append(v.Merged, Member{Ticket: *m.t, Citizen: *m.c})
			}
		}
		slices.SortStableFunc(v.Messages, func(a, b sigap.Message) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return int(a.ID - b.ID)
		})
		if v.Audit, err = tx.TicketAudit(ctx, t.ID); err != nil {
			return nil, err
		}
		if v.Undelivered, err = tx.Undelivered(ctx, t.ID); err != nil {
			return nil, err
		}
		return v, nil
	})
	if err != nil {
		return nil, fmt.Errorf("desk: ticket %s: %w", code, err)
	}
	v.OPDName = d.OPDName(v.Ticket.OPD)
	return v, nil
}

// Answer is a staff reply: its text, a file to send with it, whether the
// ticket then waits for the citizen (its resolution clock paused), and
// where it was written ("" for the dashboard, "Telegram"), for the audit.
type Answer struct {
	Text        string
	Media       *Media
	WaitCitizen bool
	Via         string
}

// Reply sends a staff reply to the citizen on their channel, and to the
// citizens of the tickets merged into it on theirs.
func (d *Desk) Reply(ctx context.Context, staff *sigap.Staff, code string, a Answer) error {
	return d.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return d.ReplyIn(ctx, tx, staff, code, a) })
}

// ReplyIn is Reply inside tx, for a reply that arrives as a message (a
// staff member answering on Telegram).
func (d *Desk) ReplyIn(ctx context.Context, tx sigap.Tx, staff *sigap.Staff, code string, a Answer) error {
	text, err := cleanStaffText(a.Text, a.Media != nil)
	if err != nil {
		return err
	}
	return d.actIn(ctx, tx, staff, code, sigap.ActionReply, a.Via, func(tx sigap.Tx, g *group) (string, error) {
		t := g.t
		if t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai; silakan buka kembali dulu untuk membalas.", t.Code)
		}
		now := d.cfg.Now()
		if t.FirstResponseAt.IsZero() {
			t.FirstResponseAt, t.FirstResponder = now, staff.Username
		}
		if t.Assignee == "" {
			t.Assignee = staff.Username // who answers an unclaimed ticket takes it
		}
		switch {
		case a.WaitCitizen && t.Status != sigap.StatusPending:
			t.Status, t.PausedAt = sigap.StatusPending, now
		case !a.WaitCitizen && t.Status == sigap.StatusPending:
			d.unpause(t)
			t.Status = sigap.StatusOpen
		}
		if a.Media != nil && !g.c.Address.Channel.CarriesFiles() {
			return "", sigap.Errorf(sigap.EINVALID, "Lampiran belum dapat dikirim ke warga di %s; silakan kirim balasan tanpa berkas.", g.c.Address.Channel.Name())
		}
		msg := strings.TrimSpace(d.cfg.Texts.StaffReply(d.OPDName(t.OPD), text))
		return "", g.everyone(func(m member) error {
			media := a.Media
			if !m.c.Address.Channel.CarriesFiles() {
				media = nil // a merged citizen there gets the text
			}
			return d.post(ctx, tx, m.c, m.t.ID, &sigap.Message{Author: sigap.AuthorStaff, Staff: staff.Username, Text: msg}, nil, media)
		})
	})
}

// Note adds an internal note that the citizen never sees.
func (d *Desk) Note(ctx context.Context, staff *sigap.Staff, code, text string) error {
	text, err := cleanStaffText(text, false)
	if err != nil {
		return err
	}
	return d.act(ctx, staff, code, sigap.ActionNote, func(tx sigap.Tx, g *group) (string, error) {
		m := &sigap.Message{CitizenID: g.c.ID, TicketID: g.t.ID, Channel: g.c.Address.Channel,
			Author: sigap.AuthorNote, Staff: staff.Username, Kind: sigap.KindText, Text: text, At: d.cfg.Now()}
		_, err := tx.AddMessage(ctx, m)
		return "", err
	})
}

// Transfer moves a ticket, and those merged into it, to another OPD's
// queue. Its due times follow the new OPD's targets from the ticket's
// creation, the router learns from the move, and the new OPD's staff who
// asked for it hear of the ticket on Telegram.
func (d *Desk) Transfer(ctx context.Context, staff *sigap.Staff, code, opd, reason string) error {
	opd = strings.ToUpper(strings.TrimSpace(opd))
	reason = strings.TrimSpace(reason)
	if _, ok := d.KB().OPD(opd); !ok {
		return sigap.Errorf(sigap.EINVALID, "OPD %q tidak dikenal.", opd)
	}
	return d.act(ctx, staff, code, sigap.ActionTransfer, func(tx sigap.Tx, g *group) (string, error) {
		t := g.t
		if t.OPD == opd {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah berada di %s.", t.Code, opd)
		}
		from := t.OPD
		t.OPD, t.Assignee = opd, ""
		d.Due(t)
		text, err := d.citizenText(ctx, tx, t)
		if err != nil {
			return "", err
		}
		if text != "" {
			learnt := sigap.Example{Text: text, OPD: opd, TicketID: t.ID}
			if err := tx.AddExample(ctx, learnt, d.cfg.Now()); err != nil {
				return "", err
			}
			tx.OnCommit(func() { d.cfg.Learn(learnt) })
		}
		err = g.everyone(func(m member) error {
			msg := d.cfg.Texts.Transferred(m.t.Code, d.OPDName(opd), t.FirstResponseDue)
			return d.Say(ctx, tx, m.c, m.t.ID, sigap.AuthorBot, "", msg)
		})
		if err != nil {
			return "", err
		}
		if err := d.announce(ctx, tx, t, g.c, t.Subject); err != nil {
			return "", err
		}
		detail := from + " → " + opd
		if reason != "" {
			detail += ": " + reason
		}
		return detail, nil
	})
}

// Claim makes the staff member the ticket's assignee.
func (d *Desk) Claim(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.act(ctx, staff, code, sigap.ActionClaim, func(tx sigap.Tx, g *group) (string, error) {
		if g.t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai.", g.t.Code)
		}
		g.t.Assignee = staff.Username
		return "", nil
	})
}

// Assign gives the ticket to a colleague who may work it: an agent of its
// OPD, or a supervisor or admin. Agents assign within their OPD, since
// they see no other; supervisors anywhere. The colleague hears of it on
// Telegram when linked.
func (d *Desk) Assign(ctx context.Context, staff *sigap.Staff, code, username string) error {
	username = strings.TrimSpace(username)
	if username == "" {
		return sigap.Errorf(sigap.EINVALID, "Mohon pilih petugas yang akan menangani tiket.")
	}
	return d.act(ctx, staff, code, sigap.ActionAssign, func(tx sigap.Tx, g *group) (string, error) {
		t := g.t
		if t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai.", t.Code)
		}
		to, err := tx.StaffByUsername(ctx, username)
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return "", sigap.Errorf(sigap.EINVALID, "Petugas %q tidak ada.", username)
		} else if err != nil {
			return "", err
		}
		if !to.CanSee(t.OPD) {
			return "", sigap.Errorf(sigap.EINVALID, "%s tidak dapat menangani tiket %s: bukan petugas %s atau akunnya nonaktif.", staffName(to), t.Code, t.OPD)
		}
		if t.Assignee == to.Username {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah ditangani %s.", t.Code, staffName(to))
		}
		t.Assignee = to.Username
		if to.ID != staff.ID {
			if err := d.tellStaff(ctx, tx, to, t.ID, assignedText(t, staffName(staff), d.OPDName(t.OPD))); err != nil {
				return "", err
			}
		}
		return "→ " + to.Username, nil
	})
}

// Unassign releases the ticket to its OPD's queue.
func (d *Desk) Unassign(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.act(ctx, staff, code, sigap.ActionUnassign, func(tx sigap.Tx, g *group) (string, error) {
		if g.t.Assignee == "" {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s belum ditangani siapa pun.", g.t.Code)
		}
		was := g.t.Assignee
		g.t.Assignee = ""
		return was, nil
	})
}

// Resolve closes a ticket and those merged into it, tells each citizen and
// asks each for a 1–5 rating.
func (d *Desk) Resolve(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return d.ResolveIn(ctx, tx, staff, code, "") })
}

// ResolveIn is Resolve inside tx; via says where it was asked for, as in
// Answer.
func (d *Desk) ResolveIn(ctx context.Context, tx sigap.Tx, staff *sigap.Staff, code, via string) error {
	return d.actIn(ctx, tx, staff, code, sigap.ActionResolve, via, func(tx sigap.Tx, g *group) (string, error) {
		t := g.t
		if t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai.", t.Code)
		}
		d.unpause(t)
		t.Status, t.ResolvedAt = sigap.StatusResolved, d.cfg.Now()
		return "", g.everyone(func(m member) error {
			if err := tx.SetAwaiting(ctx, m.c.ID, sigap.Awaiting{Kind: sigap.AwaitRating, Ref: m.t.Code}); err != nil {
				return err
			}
			return d.Say(ctx, tx, m.c, m.t.ID, sigap.AuthorBot, "", d.cfg.Texts.Resolved(m.t.Code, d.OPDName(t.OPD)))
		})
	})
}

// Reopen puts a resolved ticket back in its queue.
func (d *Desk) Reopen(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.act(ctx, staff, code, sigap.ActionReopen, func(tx sigap.Tx, g *group) (string, error) {
		if g.t.Status != sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s belum selesai.", g.t.Code)
		}
		g.t.Status, g.t.ResolvedAt = sigap.StatusOpen, time.Time{}
		return "", nil
	})
}

// act runs one staff action on a ticket in a transaction of its own.
func (d *Desk) act(ctx context.Context, staff *sigap.Staff, code string, action sigap.AuditAction,
	fn func(tx sigap.Tx, g *group) (detail string, err error)) error {
	return d.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return d.actIn(ctx, tx, staff, code, action, "", fn) })
}

// actIn runs one staff action on a ticket the staff member may see, with
// its audit entry, inside tx: fn changes the ticket kept (g.t), and what
// it changed that the citizens see is copied to the tickets merged into
// it. The dashboards hear of it once committed.
func (d *Desk) actIn(ctx context.Context, tx sigap.Tx, staff *sigap.Staff, code string, action sigap.AuditAction, via string,
	fn func(tx sigap.Tx, g *group) (detail string, err error)) error {
	err := func() error {
		t, err := visibleTicket(ctx, tx, staff, code)
		if err != nil {
			return err
		}
		if t.MergedInto != 0 {
			into, err := tx.TicketByID(ctx, t.MergedInto)
			if err != nil {
				return err
			}
			return sigap.Errorf(sigap.EINVALID, "Tiket %s sudah digabung ke %s; silakan tangani tiket itu.", t.Code, into.Code)
		}
		g, err := loadGroup(ctx, tx, t)
		if err != nil {
			return err
		}
		from := t.OPD
		detail, err := fn(tx, g)
		if err != nil {
			return err
		}
		t.UpdatedAt = d.cfg.Now()
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if err := d.mirror(ctx, tx, g); err != nil {
			return err
		}
		d.moved(tx, t, from)
		if via != "" {
			detail = strings.TrimSpace(detail + " (via " + via + ")")
		}
		return d.audit(ctx, tx, sigap.StaffActor(staff.Username), t.ID, action, detail)
	}()
	if err != nil {
		return fmt.Errorf("desk: %s %s: %w", action, code, err)
	}
	return nil
}

// visibleTicket loads a ticket the staff member may act on. A ticket of
// another OPD is reported as missing, so its existence does not leak.
func visibleTicket(ctx context.Context, tx sigap.Tx, staff *sigap.Staff, code string) (*sigap.Ticket, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	t, err := tx.TicketByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if !staff.CanSee(t.OPD) {
		return nil, sigap.Errorf(sigap.ENOTFOUND, "Tiket %s tidak ditemukan.", code)
	}
	return t, nil
}

// citizenText is what the citizen wrote on a ticket, the example a transfer
// teaches the router.
func (d *Desk) citizenText(ctx context.Context, tx sigap.Tx, t *sigap.Ticket) (string, error) {
	msgs, err := tx.TicketMessages(ctx, t.ID)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, m := range msgs {
		if m.Author == sigap.AuthorCitizen && m.Text != "" && m.Kind != sigap.KindDelete && m.Kind != sigap.KindCommand {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n"), nil
}

// StaffNames returns every staff member's name by username, for screens
// that show people by name.
func (d *Desk) StaffNames(ctx context.Context) (map[string]string, error) {
	list, err := sigap.Read(ctx, d.cfg.Store, func(tx sigap.Tx) ([]sigap.Staff, error) { return tx.ListStaff(ctx) })
	if err != nil {
		return nil, fmt.Errorf("desk: staff names: %w", err)
	}
	names := make(map[string]string, len(list))
	for _, s := range list {
		names[s.Username] = staffName(&s)
	}
	return names, nil
}

// staffName is how a colleague is shown: by name, by username when the
// account has none.
func staffName(s *sigap.Staff) string {
	if n := strings.TrimSpace(s.Name); n != "" {
		return n
	}
	return s.Username
}
