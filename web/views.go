package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// maskPhone keeps the first four and the last three digits of a phone
// number, so staff can tell citizens apart in a list without reading their
// numbers: 6281234567890 → 6281******890.
func maskPhone(p string) string {
	if len(p) <= 7 {
		return strings.Repeat("*", len(p))
	}
	return p[:4] + strings.Repeat("*", len(p)-7) + p[len(p)-3:]
}

func channelName(c sigap.Channel) string { return c.Name() }

func statusName(s sigap.TicketStatus) string {
	switch s {
	case sigap.StatusOpen:
		return "Terbuka"
	case sigap.StatusPending:
		return "Menunggu warga"
	case sigap.StatusResolved:
		return "Selesai"
	}
	return string(s)
}

func roleName(r sigap.Role) string {
	switch r {
	case sigap.RoleAgent:
		return "Petugas"
	case sigap.RoleSupervisor:
		return "Pimpinan"
	case sigap.RoleAdmin:
		return "Admin"
	}
	return string(r)
}

// citizenName is how staff see a citizen: the name they gave, or "Warga"
// and the channel when they gave none.
func citizenName(c sigap.Citizen) string {
	if n := strings.TrimSpace(c.Name); n != "" {
		return neutral(n)
	}
	return "Warga (" + channelName(c.Address.Channel) + ")"
}

// badge is a ticket's SLA state as the queue shows it.
type badge struct {
	Label string
	Class string // ok, soon, late, done
}

// slaBadge compares a ticket's first response, then its resolution, with
// their due times. An unanswered ticket is "due soon" once less than a
// quarter of its target working time is left.
func (s *Server) slaBadge(t sigap.Ticket, now time.Time) badge {
	if !t.FirstResponseAt.IsZero() {
		// Answered and still being worked on: the resolution target is
		// what can be missed now (not while it waits for the citizen,
		// when its clock stands still).
		if t.Status == sigap.StatusOpen && !now.Before(t.ResolutionDue) {
			return badge{"Lewat target selesai", "late"}
		}
		if t.FirstResponseAt.After(t.FirstResponseDue) {
			return badge{"Dijawab terlambat", "late"}
		}
		return badge{"Dijawab tepat waktu", "done"}
	}
	if !t.Open() {
		return badge{"Selesai tanpa balasan", "done"}
	}
	if !now.Before(t.FirstResponseDue) {
		return badge{"Terlambat", "late"}
	}
	target := s.cfg.KB.Get().Policy(t.OPD).FirstResponse
	if s.cfg.Calendar.Between(now, t.FirstResponseDue)*4 < target {
		return badge{"Segera jatuh tempo", "soon"}
	}
	return badge{"Tepat waktu", "ok"}
}

// late reports whether a ticket breached its first-response target by now.
func late(t sigap.Ticket, now time.Time) bool {
	if !t.FirstResponseAt.IsZero() {
		return t.FirstResponseAt.After(t.FirstResponseDue)
	}
	return !now.Before(t.FirstResponseDue)
}

// nextDue is the deadline a ticket is working towards.
func nextDue(t sigap.Ticket) time.Time {
	if t.FirstResponseAt.IsZero() {
		return t.FirstResponseDue
	}
	return t.ResolutionDue
}

// formatTime shows a time in the calendar's zone, the way staff read it.
func (s *Server) formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.cfg.Calendar.Location()).Format("02/01/2006 15:04")
}

// ticketRow is a ticket as the queue lists it.
type ticketRow struct {
	Code        string
	OPD         string
	OPDName     string
	Status      string
	StatusClass string
	Citizen     string
	Channel     string
	Phone       string // masked
	Subject     string
	LastMessage string
	Created     string
	Due         string
	Assignee    string
	Badge       badge
}

func (s *Server) ticketRow(ts sigap.TicketSummary, now time.Time) ticketRow {
	return ticketRow{
		Code:        ts.Code,
		OPD:         ts.OPD,
		OPDName:     s.cfg.Desk.OPDName(ts.OPD),
		Status:      statusName(ts.Status),
		StatusClass: string(ts.Status),
		Citizen:     citizenName(ts.Citizen),
		Channel:     channelName(ts.Citizen.Address.Channel),
		Phone:       maskPhone(ts.Citizen.Phone),
		Subject:     neutral(maskNumbers(ts.Subject)),
		LastMessage: neutral(maskNumbers(ts.LastMessage)),
		Created:     s.formatTime(ts.CreatedAt),
		Due:         s.formatTime(nextDue(ts.Ticket)),
		Assignee:    ts.Assignee,
		Badge:       s.slaBadge(ts.Ticket, now),
	}
}

// messageView is one entry of a ticket's thread.
type messageView struct {
	Class    string // citizen, bot, staff, note, system
	Author   string
	Kind     string
	Text     string
	At       string
	MediaURL string // a local file served by /media/
	MapURL   string // OpenStreetMap link of a shared location
}

func (s *Server) messageView(m sigap.Message, citizen string) messageView {
	v := messageView{Class: string(m.Author), Text: neutral(m.Text), At: s.formatTime(m.At), Kind: kindName(m.Kind)}
	switch m.Author {
	case sigap.AuthorCitizen:
		v.Author = citizen
	case sigap.AuthorBot:
		v.Author = "Sigap (bot)"
	case sigap.AuthorStaff:
		v.Author = "Petugas " + m.Staff
	case sigap.AuthorNote:
		v.Author = "Catatan internal · " + m.Staff
	default:
		v.Author = "Sistem"
	}
	if m.MediaRef != "" {
		v.MediaURL = s.mediaURL(m)
	}
	if m.Kind == sigap.KindLocation {
		v.MapURL = osmURL(m.Lat, m.Lon)
	}
	return v
}

func kindName(k sigap.MessageKind) string {
	switch k {
	case sigap.KindPhoto:
		return "Foto"
	case sigap.KindLocation:
		return "Lokasi"
	case sigap.KindContact:
		return "Kontak"
	case sigap.KindDocument:
		return "Dokumen"
	case sigap.KindAudio:
		return "Pesan suara"
	case sigap.KindVideo:
		return "Video"
	case sigap.KindSticker:
		return "Stiker"
	case sigap.KindEdit:
		return "Pesan diubah"
	case sigap.KindDelete:
		return "Pesan dihapus"
	}
	return ""
}

func osmURL(lat, lon float64) string {
	return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f", lat, lon, lat, lon)
}
