package whatsapp

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	sigap "github.com/pemkab-kebumen/sigap"
)

var (
	citizenPN  = types.NewJID("6281234567890", types.DefaultUserServer)
	citizenLID = types.NewJID("123456789012345", types.HiddenUserServer)
	// The regency's own number, and its phone as the sending device.
	regencyPN     = types.NewJID("6287700000001", types.DefaultUserServer)
	regencyDevice = types.NewADJID("6287700000001", 0, 0)
	sentAt        = time.Date(2024, 4, 3, 9, 15, 0, 0, time.FixedZone("WIB", 7*3600))
)

// directMessage returns a message the citizen sent to the regency's number,
// wrapped the way whatsmeow delivers it.
func directMessage(id string, m *waE2E.Message) *events.Message {
	evt := &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: citizenPN, Sender: citizenPN},
			ID:            id,
			PushName:      "Budi",
			Timestamp:     sentAt,
		},
		RawMessage: m,
	}
	return evt.UnwrapRaw()
}

func citizen(kind sigap.MessageKind, id string) sigap.Inbound {
	return sigap.Inbound{
		From:       sigap.Address{Channel: sigap.WhatsApp, ID: "6281234567890"},
		Phone:      "6281234567890",
		Name:       "Budi",
		PlatformID: id,
		Kind:       kind,
		At:         sentAt,
	}
}

func TestToInbound(t *testing.T) {
	with := func(in sigap.Inbound, f func(*sigap.Inbound)) sigap.Inbound { f(&in); return in }
	tests := []struct {
		name string
		evt  *events.Message
		want sigap.Inbound
	}{
		{
			name: "conversation",
			evt:  directMessage("A1", &waE2E.Message{Conversation: proto.String("syarat bikin ktp gimana")}),
			want: with(citizen(sigap.KindText, "A1"), func(in *sigap.Inbound) { in.Text = "syarat bikin ktp gimana" }),
		},
		{
			name: "extended text, as a reply or with a link",
			evt: directMessage("A2", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
				Text: proto.String("jalan rusak https://maps.app/x"),
			}}),
			want: with(citizen(sigap.KindText, "A2"), func(in *sigap.Inbound) { in.Text = "jalan rusak https://maps.app/x" }),
		},
		{
			name: "ephemeral chat wrapper",
			evt: directMessage("A3", &waE2E.Message{EphemeralMessage: &waE2E.FutureProofMessage{
				Message: &waE2E.Message{Conversation: proto.String("halo")},
			}}),
			want: with(citizen(sigap.KindText, "A3"), func(in *sigap.Inbound) { in.Text = "halo" }),
		},
		{
			name: "photo with caption",
			evt: directMessage("A4", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
				Caption: proto.String("lubang di jalan desa"), Mimetype: proto.String("image/jpeg"),
			}}),
			want: with(citizen(sigap.KindPhoto, "A4"), func(in *sigap.Inbound) {
				in.Text, in.MediaRef = "lubang di jalan desa", "wa-media:A4"
			}),
		},
		{
			name: "location",
			evt: directMessage("A5", &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
				DegreesLatitude: proto.Float64(-7.6681), DegreesLongitude: proto.Float64(109.6525),
				Name: proto.String("Alun-alun Kebumen"),
			}}),
			want: with(citizen(sigap.KindLocation, "A5"), func(in *sigap.Inbound) {
				in.Lat, in.Lon, in.Text = -7.6681, 109.6525, "Alun-alun Kebumen"
			}),
		},
		{
			name: "live location",
			evt: directMessage("A6", &waE2E.Message{LiveLocationMessage: &waE2E.LiveLocationMessage{
				DegreesLatitude: proto.Float64(-7.7), DegreesLongitude: proto.Float64(109.6),
			}}),
			want: with(citizen(sigap.KindLocation, "A6"), func(in *sigap.Inbound) { in.Lat, in.Lon = -7.7, 109.6 }),
		},
		{
			name: "document keeps a reference with its file name",
			evt: directMessage("A7", &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
				FileName: proto.String("surat-pengantar.pdf"), Caption: proto.String("ini suratnya"),
			}}),
			want: with(citizen(sigap.KindDocument, "A7"), func(in *sigap.Inbound) {
				in.Text, in.MediaRef = "ini suratnya", "wa-media:A7/surat-pengantar.pdf"
			}),
		},
		{
			name: "voice note",
			evt:  directMessage("A8", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true)}}),
			want: with(citizen(sigap.KindAudio, "A8"), func(in *sigap.Inbound) { in.MediaRef = "wa-media:A8" }),
		},
		{
			name: "video with caption",
			evt:  directMessage("A9", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{Caption: proto.String("banjir")}}),
			want: with(citizen(sigap.KindVideo, "A9"), func(in *sigap.Inbound) { in.Text, in.MediaRef = "banjir", "wa-media:A9" }),
		},
		{
			name: "sticker",
			evt:  directMessage("A10", &waE2E.Message{StickerMessage: &waE2E.StickerMessage{}}),
			want: citizen(sigap.KindSticker, "A10"),
		},
		{
			name: "contact card",
			evt:  directMessage("A11", &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("Pak RT")}}),
			want: with(citizen(sigap.KindContact, "A11"), func(in *sigap.Inbound) { in.Text = "Pak RT" }),
		},
		{
			name: "edit, as whatsmeow unwraps it",
			evt: directMessage("E1", &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
				ProtocolMessage: &waE2E.ProtocolMessage{
					Type:          waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
					Key:           &waCommon.MessageKey{ID: proto.String("A1")},
					EditedMessage: &waE2E.Message{Conversation: proto.String("syarat bikin KTP-el gimana")},
				},
			}}}),
			want: with(citizen(sigap.KindEdit, "E1"), func(in *sigap.Inbound) {
				in.RefID, in.Text = "A1", "syarat bikin KTP-el gimana"
			}),
		},
		{
			name: "edited photo caption",
			evt: directMessage("E2", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
				Type:          waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(),
				Key:           &waCommon.MessageKey{ID: proto.String("A4")},
				EditedMessage: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("lubang besar")}},
			}}),
			want: with(citizen(sigap.KindEdit, "E2"), func(in *sigap.Inbound) { in.RefID, in.Text = "A4", "lubang besar" }),
		},
		{
			name: "delete for everyone",
			evt: directMessage("D1", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
				Type: waE2E.ProtocolMessage_REVOKE.Enum(),
				Key:  &waCommon.MessageKey{ID: proto.String("A1")},
			}}),
			want: with(citizen(sigap.KindDelete, "D1"), func(in *sigap.Inbound) { in.RefID = "A1" }),
		},
		{
			name: "LID sender with its phone number as alternate",
			evt: func() *events.Message {
				evt := directMessage("L1", &waE2E.Message{Conversation: proto.String("halo")})
				evt.Info.Chat, evt.Info.Sender, evt.Info.SenderAlt = citizenLID, citizenLID, citizenPN
				return evt
			}(),
			want: with(citizen(sigap.KindText, "L1"), func(in *sigap.Inbound) { in.Text = "halo" }),
		},
		{
			name: "LID sender without phone number",
			evt: func() *events.Message {
				evt := directMessage("L2", &waE2E.Message{Conversation: proto.String("halo")})
				evt.Info.Chat, evt.Info.Sender = citizenLID, citizenLID
				return evt
			}(),
			want: with(citizen(sigap.KindText, "L2"), func(in *sigap.Inbound) {
				in.From.ID, in.Phone, in.Text = "123456789012345@lid", "", "halo"
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ToInbound(tt.evt)
			if !ok {
				t.Fatalf("ToInbound ignored the message, want %+v", tt.want)
			}
			if got != tt.want {
				t.Errorf("ToInbound\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestToInboundIgnores(t *testing.T) {
	text := &waE2E.Message{Conversation: proto.String("halo")}
	tests := []struct {
		name string
		edit func(*events.Message)
		msg  *waE2E.Message
	}{
		{"Sigap's own send", func(e *events.Message) {
			e.Info.IsFromMe, e.Info.Sender, e.Info.Chat = true, regencyPN, citizenPN
			e.Info.ID = partMessageID(sigap.Outbound{ID: 12, Created: sentAt}, 0)
		}, text},
		{"the account's chat with itself", func(e *events.Message) {
			e.Info.IsFromMe, e.Info.Sender, e.Info.Chat = true, regencyDevice, regencyPN
		}, text},
		{"group", func(e *events.Message) {
			e.Info.Chat, e.Info.IsGroup = types.NewJID("120363000000000000", types.GroupServer), true
		}, text},
		{"status broadcast", func(e *events.Message) { e.Info.Chat = types.StatusBroadcastJID }, text},
		{"broadcast list", func(e *events.Message) {
			e.Info.Chat, e.Info.IsGroup = types.NewJID("1712345678", types.BroadcastServer), true
		}, text},
		{"newsletter", func(e *events.Message) { e.Info.Chat = types.NewJID("120363000000000001", types.NewsletterServer) }, text},
		{"reaction", nil, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}},
		{"empty", nil, &waE2E.Message{}},
		{"disappearing-messages setting", nil, &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum(),
		}}},
		{"revoke without target", nil, &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_REVOKE.Enum(),
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evt := directMessage("X1", tt.msg)
			if tt.edit != nil {
				tt.edit(evt)
			}
			if in, ok := ToInbound(evt); ok {
				t.Errorf("ToInbound accepted it: %+v", in)
			}
		})
	}
}

func TestRecipientJID(t *testing.T) {
	tests := []struct {
		id      string
		want    types.JID
		wantErr bool
	}{
		{id: "6281234567890", want: citizenPN},
		{id: "123456789012345@lid", want: citizenLID},
		{id: "+6281234567890", wantErr: true},
		{id: "62812abc", wantErr: true},
		{id: "120363000000000000@g.us", wantErr: true},
		{id: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := recipientJID(sigap.Address{Channel: sigap.WhatsApp, ID: tt.id})
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("recipientJID(%q) = %v, %v; want %v, error %v", tt.id, got, err, tt.want, tt.wantErr)
		}
	}
	// Every address ToInbound hands out must lead back to the sender.
	for _, src := range []types.MessageSource{
		{Chat: citizenPN, Sender: citizenPN},
		{Chat: citizenLID, Sender: citizenLID, SenderAlt: citizenPN},
		{Chat: citizenLID, Sender: citizenLID},
	} {
		addr, _ := address(src.Sender, src.SenderAlt)
		jid, err := recipientJID(addr)
		if err != nil {
			t.Errorf("recipientJID(%s): %v", addr, err)
		} else if want := src.SenderAlt; !want.IsEmpty() && jid != want || want.IsEmpty() && jid != src.Sender {
			t.Errorf("reply to %s goes to %s", addr, jid)
		}
	}
}

func BenchmarkToInbound(b *testing.B) {
	evt := directMessage("B1", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text: proto.String("permisi mau tanya syarat bikin akta kelahiran anak"),
	}})
	for b.Loop() {
		if _, ok := ToInbound(evt); !ok {
			b.Fatal("ignored")
		}
	}
}

// A message typed on the regency's phone in a citizen's chat arrives as
// the account's own message; it is handed on as such, addressed to the
// citizen, and told apart from Sigap's own sends by its id.
func TestToInboundFromOwnAccount(t *testing.T) {
	fromPhone := func(id string, chat, recipientAlt types.JID, m *waE2E.Message) *events.Message {
		evt := &events.Message{
			Info: types.MessageInfo{
				MessageSource: types.MessageSource{Chat: chat, Sender: regencyDevice, IsFromMe: true, RecipientAlt: recipientAlt},
				ID:            id,
				PushName:      "Pemkab Kebumen",
				Timestamp:     sentAt,
			},
			// The phone's own sends reach linked devices wrapped like this.
			RawMessage: &waE2E.Message{DeviceSentMessage: &waE2E.DeviceSentMessage{
				DestinationJID: proto.String(chat.String()), Message: m,
			}},
		}
		return evt.UnwrapRaw()
	}
	reply := &waE2E.Message{Conversation: proto.String("Baik Bapak, besok petugas kami datang.")}
	staff := func(id, from, phone string) sigap.Inbound {
		return sigap.Inbound{
			From: sigap.Address{Channel: sigap.WhatsApp, ID: from}, Phone: phone, PlatformID: id,
			Kind: sigap.KindText, Text: "Baik Bapak, besok petugas kami datang.", At: sentAt, FromOwnAccount: true,
		}
	}
	tests := []struct {
		name string
		evt  *events.Message
		want sigap.Inbound
	}{
		{"typed on the phone", fromPhone("3A1F5C0E9B2D4A6C8E01", citizenPN, types.EmptyJID, reply),
			staff("3A1F5C0E9B2D4A6C8E01", "6281234567890", "6281234567890")},
		{"chat by LID with the phone number as alternate", fromPhone("3A1F5C0E9B2D4A6C8E02", citizenLID, citizenPN, reply),
			staff("3A1F5C0E9B2D4A6C8E02", "6281234567890", "6281234567890")},
		{"chat by LID only", fromPhone("3A1F5C0E9B2D4A6C8E03", citizenLID, types.EmptyJID, reply),
			staff("3A1F5C0E9B2D4A6C8E03", "123456789012345@lid", "")},
		// WhatsApp Web on an office computer uses ids of the shape Sigap's have.
		{"typed on WhatsApp Web", fromPhone("3EB0C431C26A1916E07E", citizenPN, types.EmptyJID, reply),
			staff("3EB0C431C26A1916E07E", "6281234567890", "6281234567890")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ToInbound(tt.evt)
			if !ok || got != tt.want {
				t.Errorf("ToInbound = %+v, %v\nwant %+v", got, ok, tt.want)
			}
		})
	}
}

func TestUnreadablePlaceholder(t *testing.T) {
	info := directMessage("3EB0AB12", &waE2E.Message{}).Info
	tests := []struct {
		name    string
		evt     *events.UndecryptableMessage
		wantRef string
	}{
		{"could not decrypt", &events.UndecryptableMessage{Info: info}, "wa-unreadable:3EB0AB12"},
		{"view once", &events.UndecryptableMessage{Info: info, IsUnavailable: true, UnavailableType: events.UnavailableTypeViewOnce},
			"wa-unreadable:3EB0AB12/view-once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := unreadable(tt.evt)
			want := citizen(sigap.KindDocument, "3EB0AB12:unreadable")
			want.MediaRef = tt.wantRef
			if !ok || got != want {
				t.Errorf("unreadable = %+v, %v\nwant %+v", got, ok, want)
			}
		})
	}
	group := &events.UndecryptableMessage{Info: info}
	group.Info.Chat, group.Info.IsGroup = types.NewJID("120363000000000000", types.GroupServer), true
	if in, ok := unreadable(group); ok {
		t.Errorf("a group message gave a placeholder: %+v", in)
	}
}
