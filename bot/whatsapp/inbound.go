package whatsapp

import (
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	sigap "github.com/pemkab-kebumen/sigap"
)

// mediaRefPrefix marks a MediaRef that names media still on WhatsApp's
// servers (documents, audio, video, or a photo whose download failed): the
// message id, and for documents the file name, so staff can find it on the
// regency's phone.
const mediaRefPrefix = "wa-media:"

// ToInbound turns a whatsmeow message event into a citizen's message. It
// reports false for what Sigap does not handle: the account's own messages,
// groups and broadcast lists, status updates, newsletters, and kinds a
// citizen cannot usefully send to a help desk (reactions, polls, calls).
//
// A photo's MediaRef is a wa-media: reference here; the adapter replaces it
// with the path of the downloaded file.
func ToInbound(evt *events.Message) (sigap.Inbound, bool) {
	info := evt.Info
	if info.IsFromMe || info.IsGroup || !isPersonalChat(info.Chat) {
		return sigap.Inbound{}, false
	}
	from, phone := senderAddress(info.MessageSource)
	if from.ID == "" {
		return sigap.Inbound{}, false
	}
	in := sigap.Inbound{
		From:       from,
		Phone:      phone,
		Name:       info.PushName,
		PlatformID: info.ID,
		At:         info.Timestamp,
	}
	m := evt.Message
	switch {
	case m.GetConversation() != "":
		in.Kind, in.Text = sigap.KindText, m.GetConversation()
	case m.GetExtendedTextMessage() != nil:
		in.Kind, in.Text = sigap.KindText, m.GetExtendedTextMessage().GetText()
	case m.GetImageMessage() != nil:
		in.Kind, in.Text = sigap.KindPhoto, m.GetImageMessage().GetCaption()
		in.MediaRef = mediaRefPrefix + info.ID
	case m.GetLocationMessage() != nil:
		loc := m.GetLocationMessage()
		in.Kind, in.Lat, in.Lon = sigap.KindLocation, loc.GetDegreesLatitude(), loc.GetDegreesLongitude()
		in.Text = strings.TrimSpace(loc.GetName() + " " + loc.GetAddress())
	case m.GetLiveLocationMessage() != nil:
		loc := m.GetLiveLocationMessage()
		in.Kind, in.Lat, in.Lon = sigap.KindLocation, loc.GetDegreesLatitude(), loc.GetDegreesLongitude()
		in.Text = loc.GetCaption()
	case m.GetDocumentMessage() != nil:
		doc := m.GetDocumentMessage()
		in.Kind, in.Text = sigap.KindDocument, doc.GetCaption()
		in.MediaRef = mediaRefPrefix + info.ID
		if name := doc.GetFileName(); name != "" {
			in.MediaRef += "/" + name
		}
	case m.GetAudioMessage() != nil:
		in.Kind, in.MediaRef = sigap.KindAudio, mediaRefPrefix+info.ID
	case m.GetVideoMessage() != nil:
		in.Kind, in.Text = sigap.KindVideo, m.GetVideoMessage().GetCaption()
		in.MediaRef = mediaRefPrefix + info.ID
	case m.GetStickerMessage() != nil:
		in.Kind = sigap.KindSticker
	case m.GetContactMessage() != nil:
		in.Kind, in.Text = sigap.KindContact, m.GetContactMessage().GetDisplayName()
	case m.GetProtocolMessage() != nil:
		pm := m.GetProtocolMessage()
		switch pm.GetType() {
		case waE2E.ProtocolMessage_MESSAGE_EDIT:
			in.Kind, in.RefID, in.Text = sigap.KindEdit, pm.GetKey().GetID(), textOf(pm.GetEditedMessage())
		case waE2E.ProtocolMessage_REVOKE:
			in.Kind, in.RefID = sigap.KindDelete, pm.GetKey().GetID()
		default:
			// Ephemeral settings, history sync notices, app state keys:
			// bookkeeping between devices, nothing the citizen said.
			return sigap.Inbound{}, false
		}
		if in.RefID == "" {
			return sigap.Inbound{}, false
		}
	default:
		return sigap.Inbound{}, false
	}
	return in, true
}

// textOf returns the text of an edited message: its body or its caption.
func textOf(m *waE2E.Message) string {
	switch {
	case m.GetConversation() != "":
		return m.GetConversation()
	case m.GetExtendedTextMessage() != nil:
		return m.GetExtendedTextMessage().GetText()
	case m.GetImageMessage() != nil:
		return m.GetImageMessage().GetCaption()
	case m.GetDocumentMessage() != nil:
		return m.GetDocumentMessage().GetCaption()
	case m.GetVideoMessage() != nil:
		return m.GetVideoMessage().GetCaption()
	}
	return ""
}

// isPersonalChat reports whether chat is a one-to-one chat with a person,
// which rules out status@broadcast, broadcast lists, groups and newsletters.
func isPersonalChat(chat types.JID) bool {
	return chat.Server == types.DefaultUserServer || chat.Server == types.HiddenUserServer
}

// senderAddress returns the citizen's address and phone digits. WhatsApp
// increasingly hides phone numbers behind LIDs (anonymous ids); the phone
// number JID is used whenever the message carries it, as sender or as
// alternate sender. A sender known only by LID gets the address
// "<lid>@lid" and no phone: the suffix keeps replies from ever going to a
// phone number that happens to share the LID's digits.
func senderAddress(src types.MessageSource) (sigap.Address, string) {
	for _, jid := range []types.JID{src.Sender, src.SenderAlt} {
		if jid.Server == types.DefaultUserServer && jid.User != "" {
			return sigap.Address{Channel: sigap.WhatsApp, ID: jid.User}, jid.User
		}
	}
	if src.Sender.Server == types.HiddenUserServer && src.Sender.User != "" {
		return sigap.Address{Channel: sigap.WhatsApp, ID: src.Sender.User + "@" + types.HiddenUserServer}, ""
	}
	return sigap.Address{}, ""
}

// recipientJID is the inverse of senderAddress: the chat to send to.
func recipientJID(a sigap.Address) (types.JID, error) {
	if a.Channel != sigap.WhatsApp {
		return types.JID{}, sigap.Errorf(sigap.EINVALID, "whatsapp: address %s is not on WhatsApp", a)
	}
	user, server, hasServer := strings.Cut(a.ID, "@")
	if !hasServer {
		server = types.DefaultUserServer
	}
	if user == "" || strings.Trim(user, "0123456789") != "" || (server != types.DefaultUserServer && server != types.HiddenUserServer) {
		return types.JID{}, sigap.Errorf(sigap.EINVALID, "whatsapp: address %s: want wa:<phone digits> or wa:<lid>@lid", a)
	}
	return types.NewJID(user, server), nil
}
