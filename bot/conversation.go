package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/routing"
)

// conversation handles one inbound message inside its transaction, in
// four steps: find the sender and their open ticket; decide what the
// message is, which changes nothing; store the message under the ticket it
// belongs to, returning errDuplicate when it was stored before; act on it.
// Deciding before storing files a follow-up in the same statement that
// stores it.
type conversation struct {
	bot       *Bot
	tx        sigap.Tx
	in        sigap.Inbound
	flooding  bool
	warnFlood bool

	citizen *sigap.Citizen
	isNew   bool           // first contact: the welcome goes out first
	msg     *sigap.Message // the inbound message as stored
	open    *sigap.Ticket  // the citizen's open ticket, if any
	cmd     command        // the chat command the message is, when isCmd
	isCmd   bool
}

// move is what a message is, as decide sees it.
type move int

const (
	moveRecord      move = iota // flooding, an edit or a deletion: recorded, nothing to answer
	moveStaffAnswer             // a linked staff member replied on Telegram to a ticket's message
	moveCommand                 // status, cek, baru, /link, help…
	moveFAQHelpful              // "1" after an FAQ answer
	moveFAQOfficer              // "2" after an FAQ answer: a ticket with that question
	moveRating                  // 1 to 5 after a resolved ticket
	moveFollowUp                // more for the open ticket
	moveQuestion                // a new question
)

// step is decide's verdict: the move, and what it needs.
type step struct {
	move    move
	command command      // moveCommand
	rating  int          // moveRating
	staff   *sigap.Staff // moveStaffAnswer, with the ticket's code
	code    string
}

func (c *conversation) handle(ctx context.Context) error {
	if err := c.find(ctx); err != nil {
		return err
	}
	s, err := c.decide(ctx)
	if err != nil {
		return err
	}
	if err := c.store(ctx, c.ticketFor(s)); err != nil {
		return err
	}
	if c.isNew && !c.in.Public && !isStart(c.in.Text) {
		if err := c.say(ctx, 0, c.bot.texts.Welcome()); err != nil {
			return err
		}
	}
	return c.act(ctx, s)
}

// find finds or creates the sender and, when they wrote before, their open
// ticket, and reads whether the message is a chat command. A public
// comment is never one.
func (c *conversation) find(ctx context.Context) error {
	if c.cmd, c.isCmd = parseCommand(c.in); c.in.Public {
		c.isCmd = false
	}
	c.citizen = &sigap.Citizen{Address: c.in.From, Name: c.in.Name, Phone: c.in.Phone}
	var err error
	if c.isNew, err = c.tx.UpsertCitizen(ctx, c.citizen); err != nil {
		return err
	}
	if c.isNew {
		return nil // no message yet, so no ticket either
	}
	if c.open, err = c.tx.OpenTicket(ctx, c.citizen.ID); err != nil && !notFound(err) {
		return err
	}
	return nil
}

// ticketFor is the ticket whose thread a message joins as it is stored: the
// open one for what belongs to it — a follow-up goes to the ticket it was
// merged into, which staff work and whose list row then shows it — and
// none (0) for a message that is answered on its own or that the ticket it
// opens gathers.
func (c *conversation) ticketFor(s step) int64 {
	switch s.move {
	case moveFollowUp:
		if c.open.MergedInto != 0 {
			return c.open.MergedInto
		}
		return c.open.ID
	case moveRecord, moveCommand, moveFAQHelpful:
		return c.openID()
	}
	return 0
}

// store stores the message under ticketID (0: loose); a redelivered
// message aborts the transaction with errDuplicate.
func (c *conversation) store(ctx context.Context, ticketID int64) error {
	in := c.in
	c.msg = &sigap.Message{CitizenID: c.citizen.ID, TicketID: ticketID, Channel: in.From.Channel,
		PlatformID: in.PlatformID, Author: sigap.AuthorCitizen, Kind: in.Kind, Text: in.Text,
		MediaRef: in.MediaRef, Lat: in.Lat, Lon: in.Lon, RefID: in.RefID, At: in.At}
	// A command is stored as one, so that no queue takes it for the
	// citizen's last word waiting for an answer.
	if c.isCmd {
		c.msg.Kind = sigap.KindCommand
	}
	dup, err := c.tx.AddMessage(ctx, c.msg)
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if dup {
		return errDuplicate
	}
	ch := in.From.Channel
	c.tx.OnCommit(func() { c.bot.cfg.Metrics.MessageIn(ch) })
	return nil
}

// decide says what the message is, from the message and what the
// conversation awaits; it reads but changes nothing. A comment under a
// post is a follow-up or a question, never a command or an awaited
// answer: those are for a conversation with the regency, not for what
// everyone reads.
func (c *conversation) decide(ctx context.Context) (step, error) {
	a := c.citizen.Awaiting
	answer := strings.Trim(strings.TrimSpace(c.in.Text), ".!")
	switch {
	case c.flooding || c.in.Kind == sigap.KindEdit || c.in.Kind == sigap.KindDelete:
		return step{move: moveRecord}, nil
	case c.in.Public && c.open != nil:
		return step{move: moveFollowUp}, nil
	case c.in.Public:
		return step{move: moveQuestion}, nil
	}
	if s, err := c.staffAnswer(ctx); err != nil || s.move == moveStaffAnswer {
		return s, err
	}
	if c.isCmd {
		return step{move: moveCommand, command: c.cmd}, nil
	}
	switch {
	case a.Kind == sigap.AwaitFAQFeedback && answer == "1":
		return step{move: moveFAQHelpful}, nil
	case a.Kind == sigap.AwaitFAQFeedback && answer == "2":
		return step{move: moveFAQOfficer}, nil
	case a.Kind == sigap.AwaitRating:
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= 5 {
			return step{move: moveRating, rating: n}, nil
		}
	}
	if c.open != nil && a.Kind != awaitNew {
		return step{move: moveFollowUp}, nil
	}
	return step{move: moveQuestion}, nil
}

// act does what decide said. Whatever the answer to an awaited question,
// that question is settled by any move but a record or a command.
func (c *conversation) act(ctx context.Context, s step) error {
	if s.move != moveRecord && s.move != moveCommand && s.move != moveStaffAnswer && c.citizen.Awaiting.Kind != "" {
		if err := c.tx.SetAwaiting(ctx, c.citizen.ID, sigap.Awaiting{}); err != nil {
			return err
		}
	}
	a, t := c.citizen.Awaiting, c.bot.texts
	switch s.move {
	case moveRecord:
		return c.record(ctx)
	case moveStaffAnswer:
		return c.answerTicket(ctx, s)
	case moveCommand:
		return c.command(ctx, s.command)
	case moveFAQHelpful:
		if err := c.feedback(ctx, 1); err != nil {
			return err
		}
		return c.say(ctx, c.openID(), t.FAQHelpful())
	case moveFAQOfficer:
		if err := c.feedback(ctx, 2); err != nil {
			return err
		}
		kb := c.bot.cfg.Desk.KB()
		opd := kb.TriageOPD
		if f, ok := kb.FAQ(a.Ref); ok {
			opd = f.OPD
		}
		return c.openTicket(ctx, opd, a.Text, a.Ref, false)
	case moveRating:
		if _, err := c.bot.cfg.Desk.Rate(ctx, c.tx, c.citizen, a.Ref, s.rating); err != nil {
			return err
		}
		return c.say(ctx, 0, t.RatingThanks())
	case moveFollowUp:
		return c.followUp(ctx)
	}
	return c.question(ctx)
}

// feedback records the citizen's "1" (helpful) or "2" (wanted an officer)
// after an FAQ answer, and what it teaches: the question they asked is a
// candidate paraphrase of the FAQ, or a negative example.
func (c *conversation) feedback(ctx context.Context, helpful int) error {
	a := c.citizen.Awaiting
	if err := c.tx.SetFAQHelpful(ctx, a.AnswerID, helpful); err != nil {
		return err
	}
	l := c.bot.cfg.Learning
	switch {
	case l == nil:
		return nil
	case helpful == 1:
		return l.Helpful(ctx, c.tx, c.citizen, a.Ref, a.Text)
	}
	return l.NotHelpful(ctx, c.tx, c.citizen, a.Ref, a.Text)
}

// record answers a message that needs none, filed under the open ticket:
// a flooding citizen gets one slow-down notice.
func (c *conversation) record(ctx context.Context) error {
	if !c.flooding || !c.warnFlood || c.in.Public {
		return nil // a comment's one private reply is not spent on a notice
	}
	from := c.in.From
	c.tx.OnCommit(func() { c.bot.flood.warned(from) })
	return c.say(ctx, c.openID(), c.bot.texts.SlowDown())
}

// command is a chat command and its argument.
type command struct{ name, arg string }

var (
	cekPattern  = regexp.MustCompile(`(?i)^\s*/?cek\s+([a-z0-9]{2,6}-[a-z0-9]{4,8})\s*$`)
	linkPattern = regexp.MustCompile(`(?i)^\s*/link\s+([a-z0-9]{4,16})\s*$`)
)

func isStart(text string) bool { return strings.EqualFold(strings.TrimSpace(text), "/start") }

// parseCommand recognises the chat commands.
func parseCommand(in sigap.Inbound) (command, bool) {
	if in.Kind != sigap.KindText {
		return command{}, false
	}
	word := strings.ToLower(strings.TrimSpace(in.Text))
	switch {
	case word == "/start":
		return command{name: "start"}, true
	case word == "/help" || word == "bantuan" || word == "menu":
		return command{name: "help"}, true
	case word == "status" || word == "/status":
		return command{name: "status"}, true
	case cekPattern.MatchString(word):
		return command{name: "cek", arg: strings.ToUpper(cekPattern.FindStringSubmatch(word)[1])}, true
	case word == "baru" || word == "/baru":
		return command{name: "baru"}, true
	case isDone(word):
		// A staff member's /selesai that replied to no ticket's message.
		return command{name: "selesai"}, true
	case in.From.Channel == sigap.Telegram && linkPattern.MatchString(word):
		return command{name: "link", arg: strings.ToUpper(linkPattern.FindStringSubmatch(word)[1])}, true
	}
	return command{}, false
}

// command answers a chat command, in the open ticket's thread if any.
func (c *conversation) command(ctx context.Context, cmd command) error {
	t := c.bot.texts
	var reply string
	switch cmd.name {
	case "start":
		reply = t.Welcome()
	case "help":
		reply = t.Help()
	case "status":
		tickets, err := c.tx.CitizenTickets(ctx, c.citizen.ID, 5)
		if err != nil {
			return err
		}
		reply = t.Status(tickets, c.bot.cfg.Desk.OPDName)
	case "cek":
		tk, err := c.tx.TicketByCode(ctx, cmd.arg)
		switch {
		case notFound(err) || (err == nil && tk.CitizenID != c.citizen.ID):
			reply = t.TicketNotFound(cmd.arg)
		case err != nil:
			return err
		default:
			reply = t.Status([]sigap.Ticket{*tk}, c.bot.cfg.Desk.OPDName)
		}
	case "baru":
		if err := c.tx.SetAwaiting(ctx, c.citizen.ID, sigap.Awaiting{Kind: awaitNew}); err != nil {
			return err
		}
		reply = t.NewQuestion()
	case "link":
		var err error
		if reply, err = c.linkStaff(ctx, cmd.arg); err != nil {
			return err
		}
	case "selesai":
		reply = t.StaffHowToAnswer()
	}
	return c.say(ctx, c.openID(), reply)
}

// awaitNew marks that the citizen's next message starts a new ticket even
// while one is open.
const awaitNew = "new"

// followUp tells the desk the open ticket, whose thread (or that of the
// ticket it was merged into) the message joined, has news from the
// citizen.
func (c *conversation) followUp(ctx context.Context) error {
	t := c.open
	if err := c.bot.cfg.Desk.CitizenWrote(ctx, c.tx, c.citizen, t); err != nil {
		return err
	}
	switch {
	case c.in.Public:
		return nil // each comment may have one private reply: it is kept for staff
	case c.in.Kind == sigap.KindDocument || c.in.Kind == sigap.KindAudio || c.in.Kind == sigap.KindVideo:
		return c.say(ctx, t.ID, c.bot.texts.MediaHint())
	case c.in.Kind == sigap.KindText && c.onlyThanks(c.in.Text):
		return c.say(ctx, t.ID, c.bot.texts.YoureWelcome())
	case c.bot.acks.due(c.in.From, c.in.At):
		from, at := c.in.From, c.in.At
		c.tx.OnCommit(func() { c.bot.acks.mark(from, at) })
		return c.say(ctx, t.ID, c.bot.texts.Appended(t.Code))
	}
	return nil
}

// question triages a message from a citizen with no open ticket, or one
// who asked for a new one. A comment that asks nothing is left alone.
func (c *conversation) question(ctx context.Context) error {
	t := c.bot.texts
	text := strings.TrimSpace(c.in.Text)
	if text == "" {
		switch {
		case c.in.Public:
			return nil // a photo or a sticker under a post
		case c.in.Kind == sigap.KindDocument, c.in.Kind == sigap.KindAudio, c.in.Kind == sigap.KindVideo:
			return c.say(ctx, 0, t.MediaHint())
		default:
			return c.say(ctx, 0, t.LocationHint())
		}
	}
	d := c.triage(text)
	kb := c.bot.cfg.Desk.KB()
	switch d.Action {
	case sigap.ActionFAQ:
		if f, ok := kb.FAQ(d.FAQ); ok {
			return c.answerFAQ(ctx, f, text)
		}
		return c.openTicket(ctx, kb.TriageOPD, text, "", true)
	case sigap.ActionRoute:
		if _, ok := kb.OPD(d.OPD); ok {
			return c.openTicket(ctx, d.OPD, text, "", false)
		}
		return c.openTicket(ctx, kb.TriageOPD, text, "", true)
	case sigap.ActionTriage:
		return c.openTicket(ctx, kb.TriageOPD, text, "", true)
	}
	// clarify: no question yet, no ticket. A thank-you gets a "you're
	// welcome"; anything else a welcome already asks for a question, or
	// the bot asks now. A public comment gets neither.
	switch {
	case c.in.Public:
		return nil
	case d.Gesture == sigap.GestureThanks:
		return c.say(ctx, 0, t.YoureWelcome())
	case c.isNew && !isStart(c.in.Text):
		return nil
	}
	return c.say(ctx, 0, t.AskQuestion())
}

// triage decides on text, as a comment when it is one, with the hint of
// the OPD whose own account it reached.
func (c *conversation) triage(text string) sigap.Decision {
	r := c.bot.cfg.Router
	d := r.Decide
	if c.in.Public {
		d = r.DecideComment
	}
	decision := d(text)
	if _, ok := c.bot.cfg.Desk.KB().OPD(c.in.OPDHint); ok {
		decision = routing.Hinted(decision, c.in.OPDHint)
	}
	c.tx.OnCommit(func() { c.bot.cfg.Metrics.Decision(decision.Action) })
	return decision
}

// answerFAQ answers from the FAQ and, in a conversation, asks whether it
// helped; a comment's private reply asks nothing back.
func (c *conversation) answerFAQ(ctx context.Context, f sigap.FAQ, text string) error {
	ans := &sigap.FAQAnswer{CitizenID: c.citizen.ID, FAQ: f.ID, OPD: f.OPD, At: c.in.At}
	if err := c.tx.AddFAQAnswer(ctx, ans); err != nil {
		return err
	}
	if c.in.Public {
		return c.say(ctx, 0, c.bot.texts.CommentFAQAnswer(f.Answer))
	}
	wait := sigap.Awaiting{Kind: sigap.AwaitFAQFeedback, Ref: f.ID, Text: text, AnswerID: ans.ID}
	if err := c.tx.SetAwaiting(ctx, c.citizen.ID, wait); err != nil {
		return err
	}
	t := c.bot.texts
	return c.bot.cfg.Desk.Ask(ctx, c.tx, c.citizen, 0, sigap.AuthorBot, "", t.FAQAnswer(f.Answer), t.FAQFeedbackReplies())
}

// openTicket opens a ticket with the citizen's recent loose messages,
// this one included, and acknowledges it.
func (c *conversation) openTicket(ctx context.Context, opd, question, faq string, triage bool) error {
	d := c.bot.cfg.Desk
	tk, err := d.Open(ctx, c.tx, c.citizen, opd, question, faq)
	if err != nil {
		return err
	}
	if err := c.tx.AttachMessages(ctx, c.citizen.ID, tk.ID, c.in.At.Add(-attachWindow)); err != nil {
		return err
	}
	c.tx.OnCommit(func() { c.bot.cfg.Metrics.TicketOpened(opd) })
	clock := d.Calendar().NextOpen(tk.CreatedAt)
	opened := c.bot.texts.Opened
	if c.in.Public {
		opened = c.bot.texts.OpenedFromComment
	}
	return c.say(ctx, tk.ID, opened(tk, d.OPDName(opd), clock, triage))
}

// linkStaff links this Telegram chat to the staff account holding code, so
// SLA alerts reach it.
func (c *conversation) linkStaff(ctx context.Context, code string) (string, error) {
	if c.bot.cfg.Staff == nil {
		return c.bot.texts.StaffLinkFailed(), nil // no accounts to link to
	}
	s, err := c.bot.cfg.Staff.LinkTelegram(ctx, c.tx, code, c.in.From)
	switch {
	case notFound(err):
		return c.bot.texts.StaffLinkFailed(), nil
	case err != nil:
		return "", err
	}
	return c.bot.texts.StaffLinked(s.Name), nil
}

func (c *conversation) say(ctx context.Context, ticketID int64, text string) error {
	return c.bot.cfg.Desk.Say(ctx, c.tx, c.citizen, ticketID, sigap.AuthorBot, "", text)
}

func (c *conversation) openID() int64 {
	if c.open == nil {
		return 0
	}
	return c.open.ID
}

func notFound(err error) bool { return sigap.ErrorCode(err) == sigap.ENOTFOUND }
