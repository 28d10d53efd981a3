package meta

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// payload is a webhook call: a batch of entries, one account each.
type payload struct {
	Object string  `json:"object"` // "page" or "instagram"
	Entry  []entry `json:"entry"`
}

type entry struct {
	ID        string      `json:"id"` // the Page or Instagram account
	Time      metaTime    `json:"time"`
	Messaging []messaging `json:"messaging"`
	Changes   []change    `json:"changes"`
}

// messaging is one Messenger or Instagram messaging event.
type messaging struct {
	Sender    idOnly      `json:"sender"`
	Recipient idOnly      `json:"recipient"`
	Timestamp metaTime    `json:"timestamp"`
	Message   *dmMessage  `json:"message"`
	Postback  *dmPostback `json:"postback"`
}

type idOnly struct {
	ID string `json:"id"`
}

type dmMessage struct {
	MID         string         `json:"mid"`
	Text        string         `json:"text"`
	IsEcho      bool           `json:"is_echo"`
	IsDeleted   bool           `json:"is_deleted"`
	Attachments []dmAttachment `json:"attachments"`
}

type dmAttachment struct {
	Type    string `json:"type"` // image, video, audio, file, location, sticker, share, story_mention…
	Payload struct {
		URL         string `json:"url"`
		Coordinates *struct {
			Lat  float64 `json:"lat"`
			Long float64 `json:"long"`
		} `json:"coordinates"`
	} `json:"payload"`
}

// dmPostback is a button the citizen pressed, such as "Get Started".
type dmPostback struct {
	MID     string `json:"mid"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

type change struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

// igComment is the value of an Instagram "comments" change.
type igComment struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	From struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"from"`
	Media struct {
		ID string `json:"id"`
	} `json:"media"`
}

// fbFeed is the value of a Facebook Page "feed" change.
type fbFeed struct {
	Item        string   `json:"item"` // comment, status, reaction…
	Verb        string   `json:"verb"` // add, edited, remove…
	CommentID   string   `json:"comment_id"`
	PostID      string   `json:"post_id"`
	Message     string   `json:"message"`
	CreatedTime metaTime `json:"created_time"`
	From        struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"from"`
}

// metaTime reads Meta's times: Unix seconds or milliseconds, as a number
// or a string, or an RFC 3339 date.
type metaTime struct{ time.Time }

func (t *metaTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 {
			t.Time = time.UnixMilli(n)
		} else {
			t.Time = time.Unix(n, 0)
		}
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("meta: time %s: want Unix seconds, milliseconds or a date", b)
}

// event is one thing a citizen did, ready to store and hand on.
type event struct {
	in      sigap.Inbound
	contact sigap.MetaContact
	comment *sigap.MetaComment // comments only
	media   string             // a photo to download into MediaRef
}

// events turns a webhook call into events, in order, skipping what asks
// nothing of Sigap: echoes of the accounts' own sends, reads, deliveries,
// reactions, the accounts' own comments, edits and removals.
func (p payload) events(opd func(account string) string, now time.Time) ([]event, error) {
	var ch sigap.Channel
	switch p.Object {
	case "page":
		ch = sigap.Facebook
	case "instagram":
		ch = sigap.Instagram
	default:
		return nil, fmt.Errorf("meta: webhook object %q: want page or instagram", p.Object)
	}
	var out []event
	for _, e := range p.Entry {
		if e.ID == "" {
			return nil, fmt.Errorf("meta: webhook entry without an account id")
		}
		for _, m := range e.Messaging {
			out = append(out, directMessages(ch, e.ID, m, opd(e.ID), now)...)
		}
		for _, c := range e.Changes {
			ev, ok, err := comment(ch, e, c, now)
			if err != nil {
				return nil, err
			}
			if ok {
				ev.in.OPDHint = opd(e.ID)
				out = append(out, ev)
			}
		}
	}
	return out, nil
}

// at is when the citizen wrote, as Meta says, but never after now: the
// reply windows run from it.
func at(t metaTime, fallback time.Time, now time.Time) time.Time {
	switch {
	case !t.IsZero() && !t.After(now):
		return t.Time
	case !fallback.IsZero() && !fallback.After(now):
		return fallback
	}
	return now
}

// directMessages turns one messaging event into inbound messages: the
// text, then each attachment as a message of its own.
func directMessages(ch sigap.Channel, account string, m messaging, opd string, now time.Time) []event {
	if m.Sender.ID == "" || m.Sender.ID == account {
		return nil // the account's own send echoed back
	}
	from := sigap.Address{Channel: ch, ID: m.Sender.ID}
	when := at(m.Timestamp, time.Time{}, now)
	base := event{contact: sigap.MetaContact{Address: from, Account: account, LastIn: when},
		in: sigap.Inbound{From: from, At: when, OPDHint: opd}}
	switch {
	case m.Postback != nil:
		ev := base
		ev.in.PlatformID, ev.in.Text = m.Postback.MID, m.Postback.Title
		if ev.in.PlatformID == "" {
			ev.in.PlatformID = "postback:" + strconv.FormatInt(when.UnixMilli(), 10)
		}
		return []event{ev}
	case m.Message == nil || m.Message.IsEcho || m.Message.MID == "":
		return nil // reads, deliveries, reactions, echoes
	case m.Message.IsDeleted:
		ev := base
		ev.in.PlatformID, ev.in.Kind, ev.in.RefID = m.Message.MID+"#deleted", sigap.KindDelete, m.Message.MID
		return []event{ev}
	}
	var out []event
	if strings.TrimSpace(m.Message.Text) != "" {
		ev := base
		ev.in.PlatformID, ev.in.Kind, ev.in.Text = m.Message.MID, sigap.KindText, m.Message.Text
		out = append(out, ev)
	}
	for i, att := range m.Message.Attachments {
		ev := base
		ev.in.PlatformID = m.Message.MID
		if len(out) > 0 {
			ev.in.PlatformID = fmt.Sprintf("%s#%d", m.Message.MID, i+1)
		}
		attach(&ev, att)
		out = append(out, ev)
	}
	return out
}

// attach fills an attachment's kind and reference.
func attach(ev *event, att dmAttachment) {
	ev.in.MediaRef = att.Payload.URL
	switch att.Type {
	case "image":
		ev.in.Kind, ev.media = sigap.KindPhoto, att.Payload.URL
	case "video", "reel", "ig_reel":
		ev.in.Kind = sigap.KindVideo
	case "audio":
		ev.in.Kind = sigap.KindAudio
	case "location":
		ev.in.Kind, ev.in.MediaRef = sigap.KindLocation, ""
		if c := att.Payload.Coordinates; c != nil {
			ev.in.Lat, ev.in.Lon = c.Lat, c.Long
		}
	case "sticker", "animated_image":
		ev.in.Kind = sigap.KindSticker
	default:
		// A file, a shared post, a story mention: staff open it in Meta.
		ev.in.Kind = sigap.KindDocument
		if ev.in.MediaRef == "" {
			ev.in.MediaRef = "meta-" + att.Type
		}
	}
}

// comment turns a change into a comment event, when it is a new comment
// by someone other than the account itself.
func comment(ch sigap.Channel, e entry, c change, now time.Time) (event, bool, error) {
	var id, text, from, name, post string
	var written metaTime
	switch {
	case ch == sigap.Instagram && c.Field == "comments":
		var v igComment
		if err := json.Unmarshal(c.Value, &v); err != nil {
			return event{}, false, fmt.Errorf("meta: Instagram comment: %w", err)
		}
		id, text, from, name, post = v.ID, v.Text, v.From.ID, v.From.Username, v.Media.ID
		if name != "" {
			name = "@" + name
		}
	case ch == sigap.Facebook && c.Field == "feed":
		var v fbFeed
		if err := json.Unmarshal(c.Value, &v); err != nil {
			return event{}, false, fmt.Errorf("meta: Facebook feed change: %w", err)
		}
		if v.Item != "comment" || v.Verb != "add" {
			return event{}, false, nil
		}
		id, text, from, name, post, written = v.CommentID, v.Message, v.From.ID, v.From.Name, v.PostID, v.CreatedTime
	default:
		return event{}, false, nil
	}
	if id == "" || post == "" || from == e.ID {
		return event{}, false, nil // the account's own reply, or not a comment Sigap can answer
	}
	if from == "" {
		from = id // Meta withheld the author: the comment is a thread of its own
	}
	thread := sigap.Address{Channel: ch, ID: from + "@" + post}
	when := at(written, e.Time.Time, now)
	return event{
		in: sigap.Inbound{From: thread, Name: name, PlatformID: id, Kind: sigap.KindText, Text: text,
			At: when, Public: true},
		contact: sigap.MetaContact{Address: thread, Account: e.ID, LastIn: when, Post: post},
		comment: &sigap.MetaComment{ID: id, Thread: thread, At: when},
	}, true, nil
}

// isThread reports whether an address is a thread of comments.
func isThread(a sigap.Address) bool { return strings.Contains(a.ID, "@") }
