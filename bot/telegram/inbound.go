package telegram

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
)

// ToInbound converts an update into the message a citizen sent. It reports
// false for updates that carry nothing from a citizen: channel posts,
// messages from bots, service messages (members joining, pinned messages),
// kinds Sigap does not handle (polls, dice, games), updates without a
// message, and messages in groups unless allowGroups.
//
// PlatformID is "<chat id>:<message id>", the same each time Telegram
// delivers the update again. An edit is a message of its own,
// "<chat id>:<message id>:<edit date>", whose RefID is the original's.
func ToInbound(u tgbotapi.Update, allowGroups bool) (sigap.Inbound, bool) {
	m, edited := u.Message, false
	if m == nil {
		m, edited = u.EditedMessage, true
	}
	if m == nil || m.Chat == nil || m.From == nil || m.From.IsBot {
		return sigap.Inbound{}, false
	}
	switch m.Chat.Type {
	case "private":
	case "group", "supergroup":
		if !allowGroups {
			return sigap.Inbound{}, false
		}
	default:
		return sigap.Inbound{}, false
	}

	chat := strconv.FormatInt(m.Chat.ID, 10)
	id := chat + ":" + strconv.Itoa(m.MessageID)
	in := sigap.Inbound{
		From:       sigap.Address{Channel: sigap.Telegram, ID: chat},
		Name:       strings.TrimSpace(m.From.FirstName + " " + m.From.LastName),
		PlatformID: id,
		At:         time.Unix(int64(m.Date), 0).UTC(),
	}
	if !fillContent(&in, m) {
		return sigap.Inbound{}, false
	}
	if edited {
		in.Kind = sigap.KindEdit
		in.RefID = id
		in.PlatformID = id + ":" + strconv.Itoa(m.EditDate)
		if m.EditDate != 0 {
			in.At = time.Unix(int64(m.EditDate), 0).UTC()
		}
	}
	return in, true
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
	default:
		return false
	}
	return true
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
