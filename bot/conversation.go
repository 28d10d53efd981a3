package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// conversation handles one inbound message inside its transaction.
type conversation struct {
	bot       *Bot
	tx        sigap.Tx
	in        sigap.Inbound
	flooding  bool
	warnFlood bool

	citizen  *sigap.Citizen
	open     *sigap.Ticket // the citizen's open ticket, if any
	decision *sigap.Decision
	acked    bool
	welcomed bool
	opened   []sigap.Ticket
	changed  []sigap.Ticket
}

func (c *conversation) handle(ctx context.Context) error {
	isNew, err := c.loadCitizen(ctx)
	if err != nil {
		return err
	}
	if c.open, err = c.tx.OpenTicket(ctx, c.citizen.ID); err != nil && !notFound(err) {
		return err
	}
	if isNew && !isStart(c.in.Text) {
		if err := c.say(ctx, 0, c.bot.texts.Welcome()); err != nil {
			return err
		}
		c.welcomed = true
	}
	switch {
	case c.flooding:
		if err := c.store(ctx, c.openID()); err != nil {
			return err
		}
		if c.warnFlood {
			return c.say(ctx, c.openID(), c.bot.texts.SlowDown())
		}
		return nil
	case c.in.Kind == sigap.KindEdit || c.in.Kind == sigap.KindDelete:
		return c.store(ctx, c.openID())
	}
	if done, err := c.command(ctx); done || err != nil {
		return err
	}
	forceNew, done, err := c.awaited(ctx)
	if done || err != nil {
		return err
	}
	if c.open != nil && !forceNew {
		return c.followUp(ctx)
	}
	return c.question(ctx)
}

// loadCitizen finds or creates the sender and reports whether they are new.
func (c *conversation) loadCitizen(ctx context.Context) (bool, error) {
	_, err := c.tx.CitizenByAddress(ctx, c.in.From)
	isNew := notFound(err)
	if err != nil && !isNew {
		return false, err
	}
	c.citizen = &sigap.Citizen{Address: c.in.From, Name: c.in.Name, Phone: c.in.Phone}
	if err := c.tx.UpsertCitizen(ctx, c.citizen); err != nil {
		return false, err
	}
	return isNew, nil
}

var (
	cekPattern  = regexp.MustCompile(`(?i)^\s*/?cek\s+([a-z0-9]{2,6}-[a-z0-9]{4,8})\s*$`)
	linkPattern = regexp.MustCompile(`(?i)^\s*/link\s+([a-z0-9]{4,16})\s*$`)
)

func isStart(text string) bool { return strings.EqualFold(strings.TrimSpace(text), "/start") }

// command handles the chat commands; done is false when the message is not
// one.
func (c *conversation) command(ctx context.Context) (done bool, err error) {
	if c.in.Kind != sigap.KindText {
		return false, nil
	}
	word := strings.ToLower(strings.TrimSpace(c.in.Text))
	t := c.bot.texts
	var reply string
	switch {
	case word == "/start":
		reply = t.Welcome()
	case word == "/help" || word == "bantuan" || word == "menu":
		reply = t.Help()
	case word == "status" || word == "/status":
		tickets, err := c.tx.CitizenTickets(ctx, c.citizen.ID, 5)
		if err != nil {
			return true, err
		}
		reply = t.Status(tickets, c.bot.cfg.Desk.OPDName)
	case cekPattern.MatchString(word):
		code := strings.ToUpper(cekPattern.FindStringSubmatch(word)[1])
		tk, err := c.tx.TicketByCode(ctx, code)
		switch {
		case notFound(err) || (err == nil && tk.CitizenID != c.citizen.ID):
			reply = t.TicketNotFound(code)
		case err != nil:
			return true, err
		default:
			reply = t.Status([]sigap.Ticket{*tk}, c.bot.cfg.Desk.OPDName)
		}
	case word == "baru" || word == "/baru":
		if err := c.tx.SetAwaiting(ctx, c.citizen.ID, sigap.Awaiting{Kind: awaitNew}); err != nil {
			return true, err
		}
		reply = t.NewQuestion()
	case c.in.From.Channel == sigap.Telegram && linkPattern.MatchString(word):
		var err error
		if reply, err = c.linkStaff(ctx, strings.ToUpper(linkPattern.FindStringSubmatch(word)[1])); err != nil {
			return true, err
		}
	default:
		return false, nil
	}
	if err := c.store(ctx, c.openID()); err != nil {
		return true, err
	}
	return true, c.say(ctx, c.openID(), reply)
}

// awaitNew marks that the citizen's next message starts a new ticket even
// while one is open.
const awaitNew = "new"

// awaited handles an answer to what the conversation asked last: FAQ
// feedback, a rating, or a new question after "baru".
func (c *conversation) awaited(ctx context.Context) (forceNew, done bool, err error) {
	a := c.citizen.Awaiting
	if a.Kind == "" {
		return false, false, nil
	}
	// Whatever the answer, the question is settled now.
	if err := c.tx.SetAwaiting(ctx, c.citizen.ID, sigap.Awaiting{}); err != nil {
		return false, true, err
	}
	answer := strings.Trim(strings.TrimSpace(c.in.Text), ".!")
	switch a.Kind {
	case awaitNew:
		return true, false, nil
	case sigap.AwaitFAQFeedback:
		switch answer {
		case "1":
			if err := c.tx.SetFAQHelpful(ctx, a.AnswerID, 1); err != nil {
				return false, true, err
			}
			if err := c.store(ctx, c.openID()); err != nil {
				return false, true, err
			}
			return false, true, c.say(ctx, c.openID(), c.bot.texts.FAQHelpful())
		case "2":
			if err := c.tx.SetFAQHelpful(ctx, a.AnswerID, 2); err != nil {
				return false, true, err
			}
			kb := c.bot.cfg.Desk.KB()
			opd := kb.TriageOPD
			if f, ok := kb.FAQ(a.Ref); ok {
				opd = f.OPD
			}
			return false, true, c.openTicket(ctx, opd, a.Text, a.Ref, false)
		}
	case sigap.AwaitRating:
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= 5 {
			if _, err := c.bot.cfg.Desk.Rate(ctx, c.tx, c.citizen, a.Ref, n); err != nil {
				return false, true, err
			}
			if err := c.store(ctx, 0); err != nil {
				return false, true, err
			}
			return false, true, c.say(ctx, 0, c.bot.texts.RatingThanks())
		}
	}
	return false, false, nil
}

// followUp adds the message to the open ticket.
func (c *conversation) followUp(ctx context.Context) error {
	t := c.open
	if err := c.store(ctx, t.ID); err != nil {
		return err
	}
	if err := c.bot.cfg.Desk.CitizenWrote(ctx, c.tx, c.citizen, t); err != nil {
		return err
	}
	c.changed = append(c.changed, *t)
	switch {
	case c.in.Kind == sigap.KindDocument || c.in.Kind == sigap.KindAudio || c.in.Kind == sigap.KindVideo:
		return c.say(ctx, t.ID, c.bot.texts.MediaHint())
	case c.bot.acks.due(c.in.From, c.in.At):
		c.acked = true
		return c.say(ctx, t.ID, c.bot.texts.Appended(t.Code))
	}
	return nil
}

// question triages a message from a citizen with no open ticket.
func (c *conversation) question(ctx context.Context) error {
	t := c.bot.texts
	text := strings.TrimSpace(c.in.Text)
	if text == "" {
		if err := c.store(ctx, 0); err != nil {
			return err
		}
		switch c.in.Kind {
		case sigap.KindDocument, sigap.KindAudio, sigap.KindVideo:
			return c.say(ctx, 0, t.MediaHint())
		default:
			return c.say(ctx, 0, t.LocationHint())
		}
	}
	d := c.bot.cfg.Router.Decide(text)
	c.decision = &d
	kb := c.bot.cfg.Desk.KB()
	switch d.Action {
	case sigap.ActionFAQ:
		f, ok := kb.FAQ(d.FAQ)
		if !ok {
			return c.openTicket(ctx, kb.TriageOPD, text, "", true)
		}
		if err := c.store(ctx, 0); err != nil {
			return err
		}
		ans := &sigap.FAQAnswer{CitizenID: c.citizen.ID, FAQ: f.ID, OPD: f.OPD, At: c.in.At}
		if err := c.tx.AddFAQAnswer(ctx, ans); err != nil {
			return err
		}
		wait := sigap.Awaiting{Kind: sigap.AwaitFAQFeedback, Ref: f.ID, Text: text, AnswerID: ans.ID}
		if err := c.tx.SetAwaiting(ctx, c.citizen.ID, wait); err != nil {
			return err
		}
		return c.say(ctx, 0, t.FAQAnswer(f.Answer))
	case sigap.ActionRoute:
		if _, ok := kb.OPD(d.OPD); ok {
			return c.openTicket(ctx, d.OPD, text, "", false)
		}
		return c.openTicket(ctx, kb.TriageOPD, text, "", true)
	case sigap.ActionTriage:
		return c.openTicket(ctx, kb.TriageOPD, text, "", true)
	default: // clarify: no question yet, no ticket
		if err := c.store(ctx, 0); err != nil {
			return err
		}
		if c.welcomed {
			return nil // the welcome already asks for the question
		}
		return c.say(ctx, 0, t.AskQuestion())
	}
}

// openTicket opens a ticket with the citizen's recent loose messages and
// this one, and acknowledges it.
func (c *conversation) openTicket(ctx context.Context, opd, question, faq string, triage bool) error {
	d := c.bot.cfg.Desk
	tk, err := d.Open(ctx, c.tx, c.citizen, opd, question, faq)
	if err != nil {
		return err
	}
	if err := c.tx.AttachMessages(ctx, c.citizen.ID, tk.ID, c.in.At.Add(-attachWindow)); err != nil {
		return err
	}
	if err := c.store(ctx, tk.ID); err != nil {
		return err
	}
	c.open = tk
	c.opened = append(c.opened, *tk)
	c.changed = append(c.changed, *tk)
	clock := d.Calendar().NextOpen(tk.CreatedAt)
	return c.say(ctx, tk.ID, c.bot.texts.Opened(tk, d.OPDName(opd), clock, triage))
}

// linkStaff links this Telegram chat to the staff account holding code, so
// SLA alerts reach it.
func (c *conversation) linkStaff(ctx context.Context, code string) (string, error) {
	staff, err := c.tx.ListStaff(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range staff {
		if s.LinkCode != "" && s.LinkCode == code && !s.Disabled {
			s.TelegramChatID, s.LinkCode = c.in.From.ID, ""
			if err := c.tx.UpdateStaff(ctx, &s); err != nil {
				return "", err
			}
			e := &sigap.AuditEntry{At: c.in.At, Actor: "staff:" + s.Username, Action: "telegram_link", Detail: c.in.From.String()}
			return c.bot.texts.StaffLinked(s.Name), c.tx.AddAudit(ctx, e)
		}
	}
	return c.bot.texts.StaffLinkFailed(), nil
}

// store records the inbound message; a redelivery aborts the transaction.
func (c *conversation) store(ctx context.Context, ticketID int64) error {
	in := c.in
	m := &sigap.Message{CitizenID: c.citizen.ID, TicketID: ticketID, Channel: in.From.Channel,
		PlatformID: in.PlatformID, Author: sigap.AuthorCitizen, Kind: in.Kind, Text: in.Text,
		MediaRef: in.MediaRef, Lat: in.Lat, Lon: in.Lon, RefID: in.RefID, At: in.At}
	dup, err := c.tx.AddMessage(ctx, m)
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	if dup {
		return errDuplicate
	}
	return nil
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
