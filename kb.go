package sigap

import "time"

// KB is the knowledge base: the regency's OPDs, FAQs, working calendar and
// SLA targets. It is loaded from YAML by package kb.
type KB struct {
	Prefix    string // ticket code prefix, e.g. "KBM"
	TriageOPD string // code of the OPD whose queue takes unclear questions
	Calendar  CalendarSpec
	SLA       SLAPolicy // default targets
	OPDs      []OPD
	FAQs      []FAQ
	// Synonyms maps a word or phrase citizens write to the KB's word for
	// it; it extends the built-in slang lists.
	Synonyms map[string]string
}

// OPD is an agency of the regency.
type OPD struct {
	Code        string
	Name        string
	Description string
	Keywords    []string
	Examples    []string
	SLA         SLAPolicy // zero fields fall back to KB.SLA
}

// FAQ is a question the regency answers at once.
type FAQ struct {
	ID        string
	OPD       string
	Questions []string // paraphrases
	Answer    string
}

// SLAPolicy holds response targets in working time.
type SLAPolicy struct {
	FirstResponse time.Duration
	Resolution    time.Duration
}

// Span is an opening span within a day, in minutes from midnight.
type Span struct{ Start, End int }

// CalendarSpec is the working calendar as configured.
type CalendarSpec struct {
	Timezone string
	// Hours holds the opening spans per weekday; a day with none is closed.
	Hours map[time.Weekday][]Span
	// Holidays are dates ("2006-01-02") with no working time.
	Holidays []string
}

// OPD returns the OPD with the given code.
func (kb *KB) OPD(code string) (OPD, bool) {
	for _, o := range kb.OPDs {
		if o.Code == code {
			return o, true
		}
	}
	return OPD{}, false
}

// FAQ returns the FAQ with the given id.
func (kb *KB) FAQ(id string) (FAQ, bool) {
	for _, f := range kb.FAQs {
		if f.ID == id {
			return f, true
		}
	}
	return FAQ{}, false
}

// Policy returns the SLA targets of an OPD: its own where set, the default
// otherwise.
func (kb *KB) Policy(opd string) SLAPolicy {
	p := kb.SLA
	if o, ok := kb.OPD(opd); ok {
		if o.SLA.FirstResponse > 0 {
			p.FirstResponse = o.SLA.FirstResponse
		}
		if o.SLA.Resolution > 0 {
			p.Resolution = o.SLA.Resolution
		}
	}
	return p
}

// Action is what triage decides to do with a citizen's message.
type Action string

const (
	ActionFAQ     Action = "faq"     // answer with an FAQ now
	ActionRoute   Action = "route"   // open a ticket in an OPD's queue
	ActionTriage  Action = "triage"  // open a ticket in the triage OPD's queue
	ActionClarify Action = "clarify" // no question in it; ask what they need
)

// Gesture is what a message that asks nothing does, so that the bot can
// answer in kind: a thanks gets "sama-sama", not the welcome.
type Gesture string

const (
	GestureNone     Gesture = ""         // nothing recognisable: noise, an emoji
	GestureGreeting Gesture = "greeting" // halo, assalamualaikum, selamat pagi, P
	GestureThanks   Gesture = "thanks"   // terima kasih, matur nuwun, sangat membantu
	GestureApology  Gesture = "apology"  // maaf salah kirim
	GestureAck      Gesture = "ack"      // ok, siap, nggih, 👍
	GestureFarewell Gesture = "farewell" // wassalam, pamit dulu
	GestureMedia    Gesture = "media"    // a photo, sticker or deleted-message placeholder
)

// Decision is the outcome of triage for one message.
type Decision struct {
	Action Action
	FAQ    string  // FAQ id for ActionFAQ
	OPD    string  // queue for faq, route and triage
	Score  float64 // confidence 0..1
	// Gesture is, for ActionClarify, what the message does instead of
	// asking; empty for the other actions.
	Gesture Gesture
}

// Example is a labelled message the router learns from: a ticket's text and
// the OPD that staff moved it to.
type Example struct {
	Text string
	OPD  string
	// TicketID is the ticket it was learnt from (0: none), so that
	// anonymizing the ticket's citizen forgets what they wrote.
	TicketID int64
}

// CitizenTexts are the texts desk sends citizens on staff actions. Package
// bot implements it, so that every text a citizen can receive lives there.
type CitizenTexts interface {
	// StaffReply wraps a staff reply: "[Nama OPD] …".
	StaffReply(opdName, text string) string
	// Transferred tells the citizen their ticket moved to another OPD.
	Transferred(code, opdName string, due time.Time) string
	// Resolved is the closing notice with the 1–5 rating question.
	Resolved(code, opdName string) string
	// Merged tells the citizen their ticket joined another about the same
	// matter, whose answers still reach them on their own chat.
	Merged(code, opdName string) string
}
