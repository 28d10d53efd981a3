package sigap

import "time"

// Role is what a staff member may do.
type Role string

const (
	RoleAgent      Role = "agent"      // one OPD's queue
	RoleSupervisor Role = "supervisor" // every queue, reassign, reports
	RoleAdmin      Role = "admin"      // also OPDs, FAQs, staff, channels
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAgent || r == RoleSupervisor || r == RoleAdmin }

// Staff is an OPD officer, supervisor or admin.
type Staff struct {
	ID           int64
	Username     string
	Name         string
	Role         Role
	OPD          string // required for agents
	PasswordHash string
	Disabled     bool
	// TelegramChatID receives SLA warnings once the staff member linked
	// their Telegram account; LinkCode is the one-time code for /link,
	// good until LinkCodeExpires.
	TelegramChatID  string
	LinkCode        string
	LinkCodeExpires time.Time
	// TelegramTickets asks for a Telegram message on each new ticket of
	// the staff member's OPD, which they may answer by replying to it.
	TelegramTickets bool
	CreatedAt       time.Time
}

// CanSee reports whether s may see and act on tickets of the given OPD.
func (s *Staff) CanSee(opd string) bool {
	if s.Disabled {
		return false
	}
	return s.Role == RoleSupervisor || s.Role == RoleAdmin || s.OPD == opd
}

// Session is a signed-in staff member's server-side session.
type Session struct {
	TokenHash string // SHA-256 of the cookie value, hex
	StaffID   int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CannedReply is a staff member's own ready reply, offered in the reply
// form beside the FAQ answers of the ticket's OPD.
type CannedReply struct {
	ID        int64
	StaffID   int64
	Label     string
	Text      string
	CreatedAt time.Time
}
