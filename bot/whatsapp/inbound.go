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
// reports false for what Sigap does not handle: groups and broadcast lists,
// status updates, newsletters, the account's chat with itself, Sigap's own
// sends, and kinds a citizen cannot usefully send to a help desk (reactions,
// polls, calls).
//
// A message someone sent by hand from the regency's number (typed on its
// phone, or on another linked device) into a citizen's chat is handed on
// with FromOwnAccount set and From the citizen's address. Sigap's own sends
// are told apart by their message ids (see partMessageID).
//
// A photo's MediaRef is a wa-media: reference here; the adapter replaces it
// with the path of the downloaded file.
func ToInbound(evt *events.Message) (sigap.Inbound, bool) {
	in, ok := envelope(evt.Info)
	if !ok {
		return sigap.Inbound{}, false
	}
	info := evt.Info
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

// unreadableRefPrefix marks the MediaRef of a placeholder for a message
// this device could not decrypt; the message itself is on the phone.
const unreadableRefPrefix = "wa-unreadable:"

// unreadable turns a message this device could not decrypt into a
// placeholder, so staff see on the ticket that the citizen wrote and look
// at the regency's phone. It is a document without a file, the kind whose
// missing content Sigap already tells the citizen to put in writing.
//
// Its PlatformID is the message id with ":unreadable" appended: whatsmeow
// asks the phone to send the message again, and when that succeeds the
// message arrives under its own id and must not be taken for a redelivery
// of the placeholder.
func unreadable(evt *events.UndecryptableMessage) (sigap.Inbound, bool) {
	in, ok := envelope(evt.Info)
	if !ok {
		return sigap.Inbound{}, false
	}
	in.PlatformID = evt.Info.ID + ":unreadable"
	in.Kind = sigap.KindDocument
	in.MediaRef = unreadableRefPrefix + evt.Info.ID
	if evt.UnavailableType == events.UnavailableTypeViewOnce {
		// WhatsApp shows view-once media only on the phone.
		in.MediaRef += "/view-once"
	}
	return in, true
}

// envelope fills in what a message's envelope tells: whose chat, which
// message, when, and whether the regency's own account sent it. It reports
// false for chats that are not a citizen's and for Sigap's own sends.
func envelope(info types.MessageInfo) (sigap.Inbound, bool) {
	if info.IsGroup || !isPersonalChat(info.Chat) {
		return sigap.Inbound{}, false
	}
	in := sigap.Inbound{PlatformID: info.ID, At: info.Timestamp}
	if info.IsFromMe {
		if isSigapMessageID(info.ID) || isOwnChat(info.MessageSource) {
			return sigap.Inbound{}, false
		}
		in.From, in.Phone = address(info.Chat, info.RecipientAlt)
		in.FromOwnAccount = true
	} else {
		in.From, in.Phone = address(info.Sender, info.SenderAlt)
		in.Name = info.PushName
	}
	if in.From.ID == "" {
		return sigap.Inbound{}, false
	}
	return in, true
}

// isOwnChat reports whether a message the account sent went to the
// account's chat with itself ("Message yourself").
func isOwnChat(src types.MessageSource) bool {
	for _, self := range []types.JID{src.Sender, src.SenderAlt} {
		if self.User != "" && self.User == src.Chat.User {
			return true
		}
	}
	return false
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

// address returns the citizen's address and phone digits from the JID of
// their side of the chat and its alternate. WhatsApp increasingly hides
// phone numbers behind LIDs (anonymous ids); the phone number JID is used
// whenever the message carries it. A citizen known only by LID gets the
// address "<lid>@lid" and no phone: the suffix keeps replies from ever going
// to a phone number that happens to share the LID's digits.
func address(jid, alt types.JID) (sigap.Address, string) {
	for _, j := range []types.JID{jid, alt} {
		if j.Server == types.DefaultUserServer && j.User != "" {
			return sigap.Address{Channel: sigap.WhatsApp, ID: j.User}, j.User
		}
	}
	if jid.Server == types.HiddenUserServer && jid.User != "" {
		return sigap.Address{Channel: sigap.WhatsApp, ID: jid.User + "@" + types.HiddenUserServer}, ""
	}
	return sigap.Address{}, ""
}

// recipientJID is the inverse of address: the chat to send to.
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
