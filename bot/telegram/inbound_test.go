package telegram

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
)

const testDate = 1712190600 // 2024-04-04 00:30:00 UTC

// private returns a message from Budi Santoso in his private chat.
func private(edit func(m *tgbotapi.Message)) *tgbotapi.Message {
	m := &tgbotapi.Message{
		MessageID: 77,
		From:      &tgbotapi.User{ID: 5001, FirstName: "Budi", LastName: "Santoso"},
		Chat:      &tgbotapi.Chat{ID: 5001, Type: "private"},
		Date:      testDate,
	}
	edit(m)
	return m
}

func TestToInbound(t *testing.T) {
	from := sigap.Address{Channel: sigap.Telegram, ID: "5001"}
	at := time.Unix(testDate, 0).UTC()
	base := sigap.Inbound{From: from, Name: "Budi Santoso", PlatformID: "5001:77", At: at}
	with := func(f func(in *sigap.Inbound)) sigap.Inbound {
		in := base
		f(&in)
		return in
	}

	tests := []struct {
		name        string
		update      tgbotapi.Update
		allowGroups bool
		want        sigap.Inbound
		wantOK      bool
	}{
		{
			name:   "text",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Text = "jalan di Petanahan rusak" })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Text = sigap.KindText, "jalan di Petanahan rusak" }),
			wantOK: true,
		},
		{
			name: "a reply keeps the text it quotes",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Text = "Sudah kami jadwalkan besok."
				m.ReplyToMessage = &tgbotapi.Message{MessageID: 70, Text: "🆕 Tiket baru KBM-7K3QX · DPUPR"}
			})},
			want: with(func(in *sigap.Inbound) {
				in.Kind, in.Text, in.Quoted = sigap.KindText, "Sudah kami jadwalkan besok.", "🆕 Tiket baru KBM-7K3QX · DPUPR"
			}),
			wantOK: true,
		},
		{
			name: "photo with caption keeps the largest size",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Caption = "lubang di depan SD"
				m.Photo = []tgbotapi.PhotoSize{
					{FileID: "small", Width: 90, Height: 60},
					{FileID: "large", Width: 1280, Height: 960},
					{FileID: "medium", Width: 320, Height: 240},
				}
			})},
			want: with(func(in *sigap.Inbound) {
				in.Kind, in.Text, in.MediaRef = sigap.KindPhoto, "lubang di depan SD", "large"
			}),
			wantOK: true,
		},
		{
			name: "location",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Location = &tgbotapi.Location{Latitude: -7.6681, Longitude: 109.6525}
			})},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Lat, in.Lon = sigap.KindLocation, -7.6681, 109.6525 }),
			wantOK: true,
		},
		{
			name: "venue is a location with its name",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Location = &tgbotapi.Location{Latitude: -7.67, Longitude: 109.65}
				m.Venue = &tgbotapi.Venue{Location: *m.Location, Title: "Alun-alun Kebumen", Address: "Jl. Pahlawan"}
			})},
			want: with(func(in *sigap.Inbound) {
				in.Kind, in.Lat, in.Lon, in.Text = sigap.KindLocation, -7.67, 109.65, "Alun-alun Kebumen\nJl. Pahlawan"
			}),
			wantOK: true,
		},
		{
			name: "own contact fills the phone",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Contact = &tgbotapi.Contact{PhoneNumber: "+62 812-2700-1234", FirstName: "Budi", UserID: 5001}
			})},
			want: with(func(in *sigap.Inbound) {
				in.Kind, in.Text, in.Phone = sigap.KindContact, "6281227001234", "6281227001234"
			}),
			wantOK: true,
		},
		{
			name: "someone else's contact is only content",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Contact = &tgbotapi.Contact{PhoneNumber: "0287381234", FirstName: "Kantor Desa", UserID: 9}
			})},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Text = sigap.KindContact, "0287381234" }),
			wantOK: true,
		},
		{
			name: "edited message is its own message referring to the original",
			update: tgbotapi.Update{EditedMessage: private(func(m *tgbotapi.Message) {
				m.Text = "jalan di Petanahan rusak parah"
				m.EditDate = testDate + 60
			})},
			want: with(func(in *sigap.Inbound) {
				in.Kind, in.Text, in.RefID = sigap.KindEdit, "jalan di Petanahan rusak parah", "5001:77"
				in.PlatformID = "5001:77:1712190660"
				in.At = at.Add(time.Minute)
			}),
			wantOK: true,
		},
		{
			name:   "document",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Document = &tgbotapi.Document{FileID: "doc1"}; m.Caption = "KK saya" })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef, in.Text = sigap.KindDocument, "doc1", "KK saya" }),
			wantOK: true,
		},
		{
			name:   "audio",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Audio = &tgbotapi.Audio{FileID: "aud1"} })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindAudio, "aud1" }),
			wantOK: true,
		},
		{
			name:   "voice note",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Voice = &tgbotapi.Voice{FileID: "voice1"} })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindAudio, "voice1" }),
			wantOK: true,
		},
		{
			name:   "video",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Video = &tgbotapi.Video{FileID: "vid1"} })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindVideo, "vid1" }),
			wantOK: true,
		},
		{
			name:   "video note",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.VideoNote = &tgbotapi.VideoNote{FileID: "round1"} })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindVideo, "round1" }),
			wantOK: true,
		},
		{
			name: "animation is a video, not its document twin",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Animation = &tgbotapi.Animation{FileID: "gif1"}
				m.Document = &tgbotapi.Document{FileID: "gif1-doc"}
			})},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindVideo, "gif1" }),
			wantOK: true,
		},
		{
			name:   "sticker",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Sticker = &tgbotapi.Sticker{FileID: "stk1", Emoji: "🙏"} })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindSticker, "stk1" }),
			wantOK: true,
		},
		{
			name: "group message allowed",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Chat = &tgbotapi.Chat{ID: -100200, Type: "supergroup"}
				m.Text = "info vaksin"
			})},
			allowGroups: true,
			want: with(func(in *sigap.Inbound) {
				in.From.ID, in.PlatformID, in.Kind, in.Text = "-100200", "-100200:77", sigap.KindText, "info vaksin"
			}),
			wantOK: true,
		},
		{
			name: "group message ignored by default",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Chat = &tgbotapi.Chat{ID: -100200, Type: "group"}
				m.Text = "info vaksin"
			})},
		},
		{
			name: "channel post ignored",
			update: tgbotapi.Update{ChannelPost: &tgbotapi.Message{
				MessageID: 1, Chat: &tgbotapi.Chat{ID: -100300, Type: "channel"}, Text: "pengumuman", Date: testDate,
			}},
		},
		{
			name: "channel chat ignored even with groups allowed",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Chat = &tgbotapi.Chat{ID: -100300, Type: "channel"}
				m.Text = "pengumuman"
			})},
			allowGroups: true,
		},
		{
			name: "message from a bot ignored",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.From.IsBot = true
				m.Text = "halo"
			})},
		},
		{
			name:   "message without sender ignored",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.From = nil; m.Text = "halo" })},
		},
		{
			name:   "service message ignored",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.PinnedMessage = &tgbotapi.Message{MessageID: 1} })},
		},
		{
			name:   "dice is a placeholder",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Dice = &tgbotapi.Dice{Emoji: "🎲", Value: 3} })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindDocument, "tg-unsupported:dice" }),
			wantOK: true,
		},
		{
			name: "poll is a placeholder",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Poll = &tgbotapi.Poll{ID: "p1", Question: "Jalan mana yang paling rusak?"}
			})},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.MediaRef = sigap.KindDocument, "tg-unsupported:poll" }),
			wantOK: true,
		},
		{
			name: "an edit that only moves a live location is ignored",
			update: tgbotapi.Update{EditedMessage: private(func(m *tgbotapi.Message) {
				m.Location = &tgbotapi.Location{Latitude: -7.6690, Longitude: 109.6530, LivePeriod: 900}
				m.EditDate = testDate + 30
			})},
		},
		{
			name: "the live location itself is kept",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) {
				m.Location = &tgbotapi.Location{Latitude: -7.6681, Longitude: 109.6525, LivePeriod: 900}
			})},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Lat, in.Lon = sigap.KindLocation, -7.6681, 109.6525 }),
			wantOK: true,
		},
		{
			name:   "/start with a deep-link payload is the start command",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Text = "/start poster-dinkes" })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Text = sigap.KindText, "/start" }),
			wantOK: true,
		},
		{
			name:   "/start addressed to the bot",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Text = "/start@sigap_kebumen_bot" })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Text = sigap.KindText, "/start" }),
			wantOK: true,
		},
		{
			name:   "a word starting with /start is text",
			update: tgbotapi.Update{Message: private(func(m *tgbotapi.Message) { m.Text = "/startup desa" })},
			want:   with(func(in *sigap.Inbound) { in.Kind, in.Text = sigap.KindText, "/startup desa" }),
			wantOK: true,
		},
		{
			name:   "update without a message ignored",
			update: tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{ID: "cb", Data: "1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := ToInbound(marshal(t, tt.update), tt.allowGroups)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v (got %+v)", ok, tt.wantOK, got)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// Content the Bot API added after v5.5.1 becomes a placeholder naming
// it; service messages newer than the library stay out; an update the
// library cannot decode is an error naming the update.
func TestToInboundNewerThanTheLibrary(t *testing.T) {
	const head = `"message_id":77,"from":{"id":5001,"is_bot":false,"first_name":"Budi"},"chat":{"id":5001,"type":"private"},"date":1712190600`
	tests := []struct {
		name    string
		raw     string
		wantRef string // "" for ignored
		wantErr string
	}{
		{"story", `{"update_id":9,"message":{` + head + `,"story":{"chat":{"id":7,"type":"private"},"id":3}}}`, "tg-unsupported:story", ""},
		{"checklist with newer metadata", `{"update_id":9,"message":{` + head + `,"is_from_offline":true,"checklist":{"title":"Syarat KTP","tasks":[]}}}`, "tg-unsupported:checklist", ""},
		{"paid media", `{"update_id":9,"message":{` + head + `,"paid_media":{"star_count":5,"paid_media":[]}}}`, "tg-unsupported:paid_media", ""},
		{"newer service message", `{"update_id":9,"message":{` + head + `,"chat_background_set":{"type":{"type":"fill"}}}}`, "", ""},
		{"newer metadata on a text", `{"update_id":9,"message":{` + head + `,"text":"halo","link_preview_options":{"is_disabled":true}}}`, "", ""},
		{"field of a type the library does not expect", `{"update_id":9,"message":{` + head + `,"text":"halo","forward_date":"kemarin"}}`, "", "update 9 is not one Bot API v5.5.1 can read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, ok, err := ToInbound([]byte(tt.raw), false)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.wantRef == "" && ok && in.Kind != sigap.KindText:
				t.Errorf("got %+v, want it ignored or read as text", in)
			case tt.wantRef != "" && (!ok || in.Kind != sigap.KindDocument || in.MediaRef != tt.wantRef || in.PlatformID != "5001:77"):
				t.Errorf("got %+v, %v; want a placeholder %q", in, ok, tt.wantRef)
			}
		})
	}
}

func marshal(t testing.TB, u tgbotapi.Update) []byte {
	t.Helper()
	raw, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func BenchmarkToInbound(b *testing.B) {
	raw := marshal(b, tgbotapi.Update{UpdateID: 1, Message: private(func(m *tgbotapi.Message) { m.Text = "bagaimana cara membuat KTP elektronik?" })})
	for b.Loop() {
		if _, ok, err := ToInbound(raw, false); !ok || err != nil {
			b.Fatal("ignored", err)
		}
	}
}
