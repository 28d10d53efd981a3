package web

import (
	"fmt"
	"math"
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
	LastBy      string // "Warga" or "Petugas": who wrote the last message
	Created     string
	Due         string
	Assignee    string // by name
	Merged      int
	Badge       badge
	// Order sorts rows as the queue does, as text: a live update puts a
	// changed row where it belongs.
	Order string
}

func (s *Server) ticketRow(ts sigap.TicketSummary, names map[string]string, now time.Time) ticketRow {
	row := ticketRow{
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
		Due:         s.formatTime(ts.NextDue()),
		Assignee:    staffLabel(names, ts.Assignee),
		Merged:      ts.Merged,
		Badge:       s.slaBadge(ts.Ticket, now),
		Order:       rowOrder(&ts.Ticket),
	}
	switch ts.LastAuthor {
	case sigap.AuthorCitizen:
		row.LastBy = "Warga"
	case sigap.AuthorStaff:
		// The citizen read the OPD's name before the reply; the queue
		// already shows it.
		row.LastBy = "Petugas"
		row.LastMessage = neutral(maskNumbers(strings.TrimPrefix(ts.LastMessage, "["+row.OPDName+"] ")))
	}
	return row
}

// rowOrder writes a ticket's place in the queue's order (sigap.Cursor) as
// text that sorts the same way: segment, then key and ID, both inverted
// for resolved tickets, which come newest first.
func rowOrder(t *sigap.Ticket) string {
	c := sigap.CursorOf(t)
	var key int64
	if !c.Key.IsZero() {
		key = c.Key.UnixNano()
	}
	segment, id := 0, c.ID
	switch c.Status {
	case sigap.StatusPending:
		segment = 1
	case sigap.StatusResolved:
		segment, key, id = 2, math.MaxInt64-key, math.MaxInt64-id
	}
	return fmt.Sprintf("%d-%020d-%020d", segment, uint64(key)+1<<63, id)
}

// namesOf is each staff member's name by username, as desk.StaffNames
// gives it, from a list the page has read anyway: by name, by username
// when the account has none.
func namesOf(staff []sigap.Staff) map[string]string {
	names := make(map[string]string, len(staff))
	for _, st := range staff {
		names[st.Username] = st.Username
		if n := strings.TrimSpace(st.Name); n != "" {
			names[st.Username] = n
		}
	}
	return names
}

// staffLabel shows a colleague by name, by username when the name is
// unknown (an account since removed).
func staffLabel(names map[string]string, username string) string {
	if n := names[username]; n != "" {
		return n
	}
	return username
}

// messageView is one entry of a ticket's thread.
type messageView struct {
	Class    string // citizen, bot, staff, note, system
	Author   string
	Kind     string
	Text     string
	At       string
	MediaURL string // a local file served by /media/
	IsPhoto  bool   // show it inline
	MapURL   string // OpenStreetMap link of a shared location
}

// messageView shows a message, naming its citizen from citizens (a thread
// of merged tickets has several) and its staff author from names.
func (s *Server) messageView(m sigap.Message, citizens map[int64]sigap.Citizen, names map[string]string) messageView {
	v := messageView{Class: string(m.Author), Text: neutral(m.Text), At: s.formatTime(m.At), Kind: kindName(m.Kind)}
	switch m.Author {
	case sigap.AuthorCitizen:
		v.Author = citizenName(citizens[m.CitizenID])
	case sigap.AuthorBot:
		v.Author = "Sigap (bot)"
	case sigap.AuthorStaff:
		v.Author = "Petugas " + staffLabel(names, m.Staff)
	case sigap.AuthorNote:
		v.Author = "Catatan internal · " + staffLabel(names, m.Staff)
	default:
		v.Author = "Sistem"
	}
	if m.MediaRef != "" {
		v.MediaURL = s.mediaURL(m)
		v.IsPhoto = m.Kind == sigap.KindPhoto
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
	case sigap.KindCommand:
		return "Perintah"
	}
	return ""
}

func osmURL(lat, lon float64) string {
	return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f", lat, lon, lat, lon)
}
