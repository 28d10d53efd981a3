package sigap

import "strings"

// AuditAction names a state change in the audit log. The values are short
// English codes, stable for exports; the dashboard shows an Indonesian
// label for each.
type AuditAction string

// The audit log's actions. Every one of them is in AuditActions.
const (
	ActionOpen     AuditAction = "open"     // a citizen's question opened a ticket
	ActionResume   AuditAction = "resume"   // the citizen answered a ticket that waited for them
	ActionReply    AuditAction = "reply"    // staff replied to the citizen
	ActionNote     AuditAction = "note"     // staff wrote an internal note
	ActionTransfer AuditAction = "transfer" // the ticket moved to another OPD
	ActionClaim    AuditAction = "claim"    // a staff member took the ticket
	ActionResolve  AuditAction = "resolve"
	ActionReopen   AuditAction = "reopen"
	ActionRate     AuditAction = "rate"     // the citizen rated the answer
	ActionAssign   AuditAction = "assign"   // a staff member gave the ticket to a colleague
	ActionUnassign AuditAction = "unassign" // the ticket was released to the OPD's queue
	// ActionMerge joins duplicates: on the ticket kept, the detail lists
	// those merged into it; on each merged one, the ticket it joined.
	ActionMerge AuditAction = "merge"

	// ActionUndelivered says a reply to the citizen could not be
	// delivered; the detail says why.
	ActionUndelivered AuditAction = "undelivered"
	// ActionResend says staff asked for an undelivered reply to be sent
	// again.
	ActionResend AuditAction = "resend"

	ActionSLAWarn   AuditAction = "sla_warn"   // the first-response target is mostly used up
	ActionSLABreach AuditAction = "sla_breach" // the first-response target passed

	ActionTelegramLink     AuditAction = "telegram_link"      // staff linked their Telegram chat
	ActionTelegramLinkCode AuditAction = "telegram_link_code" // staff made a code to link it
	ActionTelegramUnlink   AuditAction = "telegram_unlink"

	ActionStaffAdd      AuditAction = "staff_add"
	ActionStaffDisable  AuditAction = "staff_disable"
	ActionStaffEnable   AuditAction = "staff_enable"
	ActionStaffPassword AuditAction = "staff_password"
	// ActionStaffUpdate is a change of role or OPD, or of the staff
	// member's own Telegram settings; the detail says what changed.
	ActionStaffUpdate AuditAction = "staff_update"
	ActionCannedReply AuditAction = "canned_reply" // a staff member added or removed a ready reply

	ActionLogin        AuditAction = "login"         // a staff member signed in
	ActionLoginFailed  AuditAction = "login_failed"  // a wrong username or password; the detail names both ends
	ActionLoginLimited AuditAction = "login_limited" // failures reached a limit: further attempts are slowed down
	ActionLogout       AuditAction = "logout"

	// ActionPhoneView records that a staff member was shown a citizen's
	// full phone number (a ticket page or the API's ticket).
	ActionPhoneView     AuditAction = "phone_view"
	ActionMediaDownload AuditAction = "media_download" // a staff member opened a citizen's photo or file
	ActionReportExport  AuditAction = "report_export"  // an SLA report left the dashboard
	// ActionHeldRelease and ActionHeldDelete are an admin's decision on a
	// web chat message held back by the flood limits.
	ActionHeldRelease AuditAction = "held_release"
	ActionHeldDelete  AuditAction = "held_delete"

	ActionKBEdit AuditAction = "kb_edit" // an admin changed an OPD or an FAQ
	// ActionParaphraseApprove puts a candidate paraphrase into its FAQ's
	// questions (the detail shows the FAQ before and after);
	// ActionParaphraseReject turns a candidate down for good.
	ActionParaphraseApprove AuditAction = "paraphrase_approve"
	ActionParaphraseReject  AuditAction = "paraphrase_reject"
	// ActionNegativeDelete takes back a negative example a citizen's "2"
	// taught, so that the FAQ answers messages like it again.
	ActionNegativeDelete AuditAction = "negative_delete"

	ActionAnonymize AuditAction = "anonymize" // personal data past retention was erased

	// ActionChannelTrouble says a channel went down in a way staff must fix
	// (a WhatsApp number logged out or banned); the detail names the
	// channel and its state.
	ActionChannelTrouble AuditAction = "channel_trouble"
	// ActionChannelRestored says a channel supervisors were warned about
	// is connected again.
	ActionChannelRestored AuditAction = "channel_restored"
)

// AuditActions lists every action, for the dashboard's labels and its test.
var AuditActions = []AuditAction{
	ActionOpen, ActionResume, ActionReply, ActionNote, ActionTransfer,
	ActionClaim, ActionResolve, ActionReopen, ActionRate, ActionAssign, ActionUnassign, ActionMerge,
	ActionUndelivered, ActionResend,
	ActionSLAWarn, ActionSLABreach,
	ActionTelegramLink, ActionTelegramLinkCode, ActionTelegramUnlink,
	ActionStaffAdd, ActionStaffDisable, ActionStaffEnable, ActionStaffPassword,
	ActionStaffUpdate, ActionCannedReply,
	ActionLogin, ActionLoginFailed, ActionLoginLimited, ActionLogout,
	ActionPhoneView, ActionMediaDownload, ActionReportExport,
	ActionHeldRelease, ActionHeldDelete,
	ActionKBEdit, ActionParaphraseApprove, ActionParaphraseReject, ActionNegativeDelete, ActionAnonymize, ActionChannelTrouble, ActionChannelRestored,
}

// Actor says who made a change: a staff member, a citizen, the system,
// the command line or someone on the regency's phone. Build one with the constructors; read it with Staff
// and IsCitizen, never by its text.
type Actor string

const (
	// ActorSystem is Sigap itself: SLA alerts, channel trouble.
	ActorSystem Actor = "system"
	// ActorCLI is an operator at the command line.
	ActorCLI Actor = "cli"
	// ActorAnonymous replaces a citizen's actor once their data is erased.
	ActorAnonymous Actor = citizenPrefix + "anon"
	// ActorPhone is a person who answered a citizen by hand on the
	// regency's own phone (WhatsApp), outside the dashboard.
	ActorPhone Actor = "phone"
	// ActorVisitor is someone not signed in, such as whoever tried a
	// wrong password.
	ActorVisitor Actor = "visitor"
)

const (
	staffPrefix   = "staff:"
	citizenPrefix = "citizen:"
)

// StaffActor is the staff member with that username.
func StaffActor(username string) Actor { return Actor(staffPrefix + username) }

// CitizenActor is the citizen writing from a.
func CitizenActor(a Address) Actor { return Actor(citizenPrefix + a.String()) }

// Staff returns the username of a staff actor.
func (a Actor) Staff() (username string, ok bool) {
	return strings.CutPrefix(string(a), staffPrefix)
}

// IsCitizen reports whether a citizen acted.
func (a Actor) IsCitizen() bool { return strings.HasPrefix(string(a), citizenPrefix) }
