package bot

import (
	"context"
	"regexp"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// onlyThanks reports whether a follow-up asks nothing and only thanks, as
// triage reads it, so that it gets a "sama-sama" and not the appended
// notice.
func (c *conversation) onlyThanks(text string) bool {
	d := c.bot.cfg.Router.Decide(text)
	return d.Action == sigap.ActionClarify && d.Gesture == sigap.GestureThanks
}

// staffAnswer recognises a staff member answering a ticket from Telegram:
// a reply, in a chat linked to a staff account, to a message of Sigap's
// that names one ticket (a new ticket, an assignment, an SLA warning about
// one). A reply to a message that names several (a digest) is a staff
// answer without a code: answerTicket says which message to reply to.
func (c *conversation) staffAnswer(ctx context.Context) (step, error) {
	if c.in.From.Channel != sigap.Telegram || c.in.Quoted == "" {
		return step{}, nil
	}
	codes := c.bot.ticketCodes(c.bot.cfg.Desk.KB().Prefix).FindAllString(c.in.Quoted, -1)
	if len(codes) == 0 {
		return step{}, nil
	}
	code := codes[0]
	for _, other := range codes[1:] {
		if other != code {
			code = ""
		}
	}
	staff, err := c.tx.ListStaff(ctx)
	if err != nil {
		return step{}, err
	}
	for i := range staff {
		if s := &staff[i]; s.TelegramChatID == c.in.From.ID && !s.Disabled {
			return step{move: moveStaffAnswer, staff: s, code: code}, nil
		}
	}
	return step{}, nil
}

// codePattern is a compiled pattern of ticket codes and the prefix it is
// for.
type codePattern struct {
	prefix string
	re     *regexp.Regexp
}

// ticketCodes finds ticket codes with prefix in a text. It is compiled once
// for each prefix the KB in force takes, not for every message.
func (b *Bot) ticketCodes(prefix string) *regexp.Regexp {
	if p := b.codes.Load(); p != nil && p.prefix == prefix {
		return p.re
	}
	p := &codePattern{prefix: prefix, re: regexp.MustCompile(`\b` + regexp.QuoteMeta(prefix) + `-[0-9A-Z]{5}\b`)}
	b.codes.Store(p)
	return p.re
}

// answerTicket sends a staff member's Telegram reply to the citizen, or
// resolves the ticket on /selesai, through the desk as the dashboard
// would, and tells the staff member how it went.
func (c *conversation) answerTicket(ctx context.Context, s step) error {
	d, t := c.bot.cfg.Desk, c.bot.texts
	if s.code == "" {
		return c.say(ctx, 0, t.StaffHowToAnswer())
	}
	var err error
	done := t.StaffReplySent(s.code)
	if isDone(c.in.Text) {
		err = d.ResolveIn(ctx, c.tx, s.staff, s.code, "Telegram")
		done = t.StaffResolved(s.code)
	} else {
		err = d.ReplyIn(ctx, c.tx, s.staff, s.code, desk.Answer{Text: c.in.Text, Via: "Telegram"})
	}
	switch sigap.ErrorCode(err) {
	case "":
	case sigap.EINVALID, sigap.ENOTFOUND, sigap.EFORBIDDEN:
		done = t.StaffActionFailed(s.code, sigap.ErrorMessage(err))
	default:
		return err
	}
	return c.say(ctx, 0, done)
}

// isDone reports whether text is the /selesai command, also addressed to
// the bot by name (/selesai@sigap_bot).
func isDone(text string) bool {
	cmd, _, _ := strings.Cut(strings.TrimSpace(text), "@")
	return strings.EqualFold(cmd, "/selesai")
}
