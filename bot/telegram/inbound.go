package telegram

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
)

// ToInbound converts one update, as getUpdates or a webhook gives it in
// JSON, into the message a citizen sent. It reports false for updates that
// carry nothing from a citizen: channel posts, messages from bots, service
// messages (members joining, pinned messages), edits that only move a live
// location, updates without a message, and messages in groups unless
// allowGroups. Content Sigap does not handle (polls, dice, games) or that
// the Bot API added after the library's v5.5.1 (stories, checklists, …)
// becomes a placeholder: a document without a file whose MediaRef,
// "tg-unsupported:<field>", names what the citizen sent. An update the
// library cannot decode is an error, since no retry can change that.
//
// PlatformID is "<chat id>:<message id>", the same each time Telegram
// delivers the update again. An edit is a message of its own,
// "<chat id>:<message id>:<edit date>", whose RefID is the original's.
func ToInbound(raw []byte, allowGroups bool) (sigap.Inbound, bool, error) {
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return sigap.Inbound{}, false, fmt.Errorf("telegram: update %s is not one Bot API v5.5.1 can read: %w", updateLabel(raw), err)
	}
	m, edited := u.Message, false
	if m == nil {
		m, edited = u.EditedMessage, true
	}
	if m == nil || m.Chat == nil || m.From == nil || m.From.IsBot || !chatAllowed(m.Chat, allowGroups) {
		return sigap.Inbound{}, false, nil
	}
	if edited && m.Location != nil && m.Venue == nil {
		// Only a live location can be edited, and each new position is an
		// edit: a flood of nothing new for the ticket.
		return sigap.Inbound{}, false, nil
	}
	chat := strconv.FormatInt(m.Chat.ID, 10)
	id := chat + ":" + strconv.Itoa(m.MessageID)
	in := sigap.Inbound{
		From:       sigap.Address{Channel: sigap.Telegram, ID: chat},
		Name:       strings.TrimSpace(m.From.FirstName + " " + m.From.LastName),
		PlatformID: id,
		At:         time.Unix(int64(m.Date), 0).UTC(),
	}
	if q := m.ReplyToMessage; q != nil {
		// What a staff member replied to names the ticket they answer.
		in.Quoted = q.Text
		if in.Quoted == "" {
			in.Quoted = q.Caption
		}
	}
	if !fillContent(&in, m) {
		field := unsupportedField(raw, edited)
		if field == "" || edited {
			return sigap.Inbound{}, false, nil // a service message, or an edit of the unsupported
		}
		in.Kind, in.MediaRef = sigap.KindDocument, unsupportedRefPrefix+field
	}
	if edited {
		in.Kind = sigap.KindEdit
		in.RefID = id
		in.PlatformID = id + ":" + strconv.Itoa(m.EditDate)
		if m.EditDate != 0 {
			in.At = time.Unix(int64(m.EditDate), 0).UTC()
		}
	}
	return in, true, nil
}

func chatAllowed(c *tgbotapi.Chat, allowGroups bool) bool {
	switch c.Type {
	case "private":
		return true
	case "group", "supergroup":
		return allowGroups
	}
	return false
}

// fillContent sets Kind, Text, MediaRef and the rest from what m holds. It
// reports false when m holds nothing Sigap handles.
func fillContent(in *sigap.Inbound, m *tgbotapi.Message) bool {
	in.Text = m.Text
	if m.Text == "" {
		in.Text = m.Caption
	}
	switch {
	case len(m.Photo) > 0:
		in.Kind = sigap.KindPhoto
		in.MediaRef = largestPhoto(m.Photo).FileID
	case m.Location != nil:
		in.Kind = sigap.KindLocation
		in.Lat, in.Lon = m.Location.Latitude, m.Location.Longitude
		if m.Venue != nil {
			in.Text = strings.TrimSpace(m.Venue.Title + "\n" + m.Venue.Address)
		}
	case m.Contact != nil:
		in.Kind = sigap.KindContact
		phone := digits(m.Contact.PhoneNumber)
		in.Text = phone
		// A contact the citizen shares of themselves is their own number;
		// anyone else's is only the content of the message.
		if m.Contact.UserID != 0 && m.Contact.UserID == m.From.ID {
			in.Phone = phone
		}
	case m.Animation != nil: // also carries Document, so it comes first
		in.Kind, in.MediaRef = sigap.KindVideo, m.Animation.FileID
	case m.Document != nil:
		in.Kind, in.MediaRef = sigap.KindDocument, m.Document.FileID
	case m.Audio != nil:
		in.Kind, in.MediaRef = sigap.KindAudio, m.Audio.FileID
	case m.Voice != nil:
		in.Kind, in.MediaRef = sigap.KindAudio, m.Voice.FileID
	case m.Video != nil:
		in.Kind, in.MediaRef = sigap.KindVideo, m.Video.FileID
	case m.VideoNote != nil:
		in.Kind, in.MediaRef = sigap.KindVideo, m.VideoNote.FileID
	case m.Sticker != nil:
		in.Kind, in.MediaRef = sigap.KindSticker, m.Sticker.FileID
	case m.Text != "":
		in.Kind = sigap.KindText
		if isStart(m.Text) {
			// A deep link (t.me/<bot>?start=<payload>) adds a payload;
			// Sigap greets every start the same.
			in.Text = "/start"
		}
	default:
		return false
	}
	return true
}

// isStart reports whether text is the /start command, also with a payload
// or addressed to the bot by name (/start@sigap_bot).
func isStart(text string) bool {
	cmd, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.EqualFold(cmd, "/start")
}

// largestPhoto picks the biggest of the sizes Telegram offers, the one
// staff want to look at.
func largestPhoto(sizes []tgbotapi.PhotoSize) tgbotapi.PhotoSize {
	best := sizes[0]
	for _, p := range sizes[1:] {
		if p.Width*p.Height > best.Width*best.Height {
			best = p
		}
	}
	return best
}

// digits keeps the digits of a phone number as Telegram formats it
// ("+62 812-3456-7890" → "6281234567890").
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
