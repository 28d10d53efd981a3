package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// noticeKind is one kind of thing staff are told about tickets.
type noticeKind int

const (
	noticeBreach      noticeKind = iota // first-response target passed
	noticeWarn                          // first-response target mostly used up
	noticeUndelivered                   // a reply to the citizen was not delivered
	noticeKinds
)

// digestCodes is how many ticket codes a notice lists before "and N more".
const digestCodes = 10

// digest gathers what each staff member is told in one pass, so that they
// get one message however many tickets it is about: an alert per ticket
// would bury a flood's staff in messages and hold up everything behind.
type digest struct {
	staff []sigap.Staff // enabled and linked to Telegram
	notes map[int64]*notes
}

// notes is what one staff member is told, ticket codes by kind.
type notes struct {
	codes [noticeKinds][]string
	seen  map[string]bool // kind and code
}

func newDigest(ctx context.Context, tx sigap.Tx) (*digest, error) {
	all, err := tx.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	g := &digest{notes: map[int64]*notes{}}
	for _, s := range all {
		if !s.Disabled && s.TelegramChatID != "" {
			g.staff = append(g.staff, s)
		}
	}
	return g, nil
}

// add tells the ticket of kind to the OPD's staff and, with bosses, to
// supervisors and admins too.
func (g *digest) add(kind noticeKind, opd, code string, bosses bool) {
	for _, s := range g.staff {
		boss := s.Role == sigap.RoleSupervisor || s.Role == sigap.RoleAdmin
		if s.OPD != opd && !(bosses && boss) {
			continue
		}
		n := g.notes[s.ID]
		if n == nil {
			n = &notes{seen: map[string]bool{}}
			g.notes[s.ID] = n
		}
		if key := fmt.Sprint(kind, code); !n.seen[key] {
			n.seen[key] = true
			n.codes[kind] = append(n.codes[kind], code)
		}
	}
}

// send queues one message to each staff member who has something to hear,
// in the staff lane.
func (g *digest) send(ctx context.Context, tx sigap.Tx, d *Desk) error {
	for i := range g.staff {
		s := &g.staff[i]
		if n := g.notes[s.ID]; n != nil {
			if err := d.tellStaff(ctx, tx, s, 0, n.text()); err != nil {
				return err
			}
		}
	}
	return nil
}

// text is a staff member's notice: one line per kind.
func (n *notes) text() string {
	var lines []string
	for kind, codes := range n.codes {
		if len(codes) == 0 {
			continue
		}
		list := strings.Join(codes[:min(len(codes), digestCodes)], ", ")
		if len(codes) > digestCodes {
			list += fmt.Sprintf(" dan %d lainnya", len(codes)-digestCodes)
		}
		switch noticeKind(kind) {
		case noticeBreach:
			lines = append(lines, fmt.Sprintf("🔴 %d tiket melewati batas respons pertama dan belum dijawab: %s.", len(codes), list))
		case noticeWarn:
			lines = append(lines, fmt.Sprintf("⚠️ %d tiket mendekati batas respons pertama: %s.", len(codes), list))
		case noticeUndelivered:
			lines = append(lines, fmt.Sprintf("📭 Balasan ke warga tidak terkirim pada %d tiket: %s. Buka tiketnya untuk melihat alasannya dan mengirim ulang.", len(codes), list))
		}
	}
	return strings.Join(lines, "\n") + "\nSilakan buka antrean di dasbor Sigap."
}
