package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

const (
	chatCookie = "sigap_chat"
	// chatCookieAge keeps a citizen's conversation across visits.
	chatCookieAge = 180 * 24 * time.Hour
	// chatHistory is how many messages the chat page shows.
	chatHistory = 100
	// maxChatText matches what staff may write back.
	maxChatText = 4000
)

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// validMsgID accepts only message ids shaped like those this server puts
// in its forms, so a form cannot smuggle arbitrary text into the store.
func validMsgID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// chatSecret returns the secret id of the browser's conversation, issuing
// one when the browser has none the server signed.
func (s *Server) chatSecret(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(chatCookie); err == nil {
		if id, ok := s.keys.chatSecret(c.Value); ok {
			return id
		}
	}
	token := s.keys.newChatToken()
	http.SetCookie(w, &http.Cookie{
		Name: chatCookie, Value: token, Path: "/chat", MaxAge: int(chatCookieAge / time.Second),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	id, _ := s.keys.chatSecret(token)
	return id
}

// signedChat returns the address of the conversation r's cookie holds, if
// the server issued it.
func (s *Server) signedChat(r *http.Request) (secret string, addr sigap.Address, ok bool) {
	c, err := r.Cookie(chatCookie)
	if err != nil {
		return "", addr, false
	}
	if secret, ok = s.keys.chatSecret(c.Value); !ok {
		return "", addr, false
	}
	return secret, s.keys.chatAddress(secret), true
}

type chatView struct {
	Name     string
	Messages []chatMessage
	// MsgID names this submission: a double submit of the same form is
	// the same platform message and is stored once.
	MsgID string
	Draft string
}

type chatMessage struct {
	Mine   bool
	Author string
	Text   string
	At     string
	// Held marks a message the flood limits held for an admin to check.
	Held bool
	// MediaURL shows a photo or file of the message (chatMedia).
	MediaURL string
	IsPhoto  bool
}

func (s *Server) chatPage(w http.ResponseWriter, r *http.Request) {
	flash := ""
	if r.URL.Query().Get("held") == "1" {
		flash = chatHeldText
	}
	s.showChat(w, r, http.StatusOK, flash, "", "")
}

// The chat page's own notices. The thread's messages are the bot's, in
// bot/texts.go.
const (
	chatHeldText     = "Pesan Bapak/Ibu sudah kami terima. Karena sedang banyak pesan masuk, pesan ini diperiksa petugas terlebih dahulu sebelum diteruskan."
	chatExpiredText  = "Formulir kedaluwarsa. Silakan kirim pesan Bapak/Ibu sekali lagi."
	chatTooLargeText = "Pesan terlalu besar untuk dikirim. Silakan persingkat pesan Bapak/Ibu."
)

func (s *Server) showChat(w http.ResponseWriter, r *http.Request, status int, flash, errText, draft string) {
	id := s.chatSecret(w, r)
	addr := s.keys.chatAddress(id)
	v := chatView{MsgID: randomHex(16), Draft: draft}
	ctx := r.Context()
	err := s.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		held, err := tx.HeldMessages(ctx, addr, chatHistory)
		if err != nil {
			return err
		}
		c, err := tx.CitizenByAddress(ctx, addr)
		if err == nil {
			v.Name = c.Name
			var msgs []sigap.Message
			if msgs, err = tx.CitizenMessages(ctx, c.ID, chatHistory); err != nil {
				return err
			}
			for _, m := range msgs {
				v.Messages = append(v.Messages, s.chatMessage(m))
			}
		} else if sigap.ErrorCode(err) != sigap.ENOTFOUND {
			return err
		}
		for _, m := range held {
			v.Messages = append(v.Messages, chatMessage{Mine: true, Author: "Anda", Text: neutral(m.Text), At: s.formatTime(m.At), Held: true})
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, nil, fmt.Errorf("web: chat %s: %w", addr, err))
		return
	}
	d := &pageData{Title: "Tanya Pemkab Kebumen", CSRF: s.keys.chatCSRF(id), Flash: flash, Error: errText, Body: v}
	s.render(w, r, status, "chat", d)
}

func (s *Server) chatMessage(m sigap.Message) chatMessage {
	cm := chatMessage{Text: neutral(m.Text), At: s.formatTime(m.At)}
	switch m.Author {
	case sigap.AuthorCitizen:
		cm.Mine, cm.Author = true, "Anda"
	case sigap.AuthorStaff:
		cm.Author = "Petugas"
	default:
		cm.Author = "Sigap"
	}
	if m.MediaRef != "" && s.mediaURL(m) != "" {
		cm.MediaURL, cm.IsPhoto = "/chat/media/"+strconv.FormatInt(m.ID, 10), m.Kind == sigap.KindPhoto
	}
	if cm.Text == "" && cm.MediaURL == "" {
		cm.Text = "(" + kindName(m.Kind) + ")"
	}
	return cm
}

// chatSend hands a citizen's message, and the photo it may carry, to the
// bot, or holds it when it comes beyond the limits, then redirects back to
// the conversation (post/redirect/get, so a reload does not resend).
func (s *Server) chatSend(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		status, text := http.StatusBadRequest, sigap.ErrorMessage(err)
		if sigap.ErrorCode(err) == sigap.ETOOLARGE && !isMultipart(r) {
			status, text = http.StatusRequestEntityTooLarge, chatTooLargeText
		} else if sigap.ErrorCode(err) == sigap.ETOOLARGE {
			status = http.StatusRequestEntityTooLarge
		}
		s.showChat(w, r, status, "", text, "")
		return
	}
	text := strings.TrimSpace(strings.ToValidUTF8(r.PostFormValue("text"), "\uFFFD"))
	hasPhoto := false
	if f, h, err := r.FormFile("photo"); err == nil {
		f.Close()
		hasPhoto = h.Size > 0
	}
	id, addr, signed := s.signedChat(r)
	switch {
	case !signed || !equalTokens(s.keys.chatCSRF(id), r.PostFormValue("csrf")):
		s.showChat(w, r, http.StatusForbidden, "", chatExpiredText, text)
		return
	case text == "" && !hasPhoto:
		s.showChat(w, r, http.StatusBadRequest, "", "Pesan masih kosong. Silakan tulis pertanyaan Bapak/Ibu.", "")
		return
	case utf8.RuneCountInString(text) > maxChatText:
		s.showChat(w, r, http.StatusBadRequest, "", fmt.Sprintf("Pesan terlalu panjang (maksimal %d karakter). Silakan dipersingkat.", maxChatText), text)
		return
	}
	msgID := r.PostFormValue("msgid")
	if !validMsgID(msgID) {
		msgID = randomHex(16)
	}
	in := sigap.Inbound{From: addr, Name: strings.TrimSpace(r.PostFormValue("name")), PlatformID: msgID,
		Kind: sigap.KindText, Text: text, At: s.cfg.Now()}
	if utf8.RuneCountInString(in.Name) > 80 {
		in.Name = string([]rune(in.Name)[:80])
	}
	var photo *desk.Media
	if hasPhoto {
		// Named after the message, so a double submit keeps one file.
		var err error
		if photo, err = s.saveUpload(r, "photo", webChatFolder, msgID, true); err != nil {
			s.showChat(w, r, httpStatus(sigap.ErrorCode(err)), "", sigap.ErrorMessage(err), text)
			return
		}
		in.Kind, in.MediaRef = sigap.KindPhoto, photo.Ref
	}
	held, err := s.deliverChat(r, in)
	if held || err != nil {
		// A held message keeps its text for an admin to read; its photo
		// goes, as no message refers to it.
		s.discard(photo)
	}
	if err != nil {
		s.cfg.Logger.Error("web: chat receive", "chat", addr, "err", err)
		s.showChat(w, r, http.StatusInternalServerError, "", "Maaf, pesan belum terkirim karena gangguan sistem. Silakan coba lagi.", text)
		return
	}
	next := "/chat#akhir"
	if held {
		next = "/chat?held=1#akhir"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// deliverChat hands in to the conversation if the limits allow, else
// keeps it among the held messages; held says which. Whether the
// conversation is new is asked of the store only when the gate has not
// seen it deliver lately.
func (s *Server) deliverChat(r *http.Request, in sigap.Inbound) (held bool, err error) {
	ctx := r.Context()
	known := s.chatGate.knows(in.From.ID)
	if !known {
		_, err = sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (*sigap.Citizen, error) { return tx.CitizenByAddress(ctx, in.From) })
		known = err == nil
		if err != nil && sigap.ErrorCode(err) != sigap.ENOTFOUND {
			return false, err
		}
	}
	reason := s.chatGate.admit(s.clientKey(r), in.From.ID, known)
	if reason == "" {
		if err := s.cfg.WebChat.Receive(ctx, in); err != nil {
			return false, err
		}
		s.chatGate.delivered(in.From.ID)
		return false, nil
	}
	m := &sigap.HeldMessage{From: in.From, Name: in.Name, PlatformID: in.PlatformID, Text: in.Text, Reason: reason, At: in.At}
	return true, s.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		_, err := tx.HoldMessage(ctx, m)
		return err
	})
}

// chatEvents tells an open chat page to reload when its thread grows.
// Streams are anonymous, so their number is capped per client and in all.
func (s *Server) chatEvents(w http.ResponseWriter, r *http.Request) {
	_, addr, ok := s.signedChat(r)
	if !ok {
		http.Error(w, "no chat", http.StatusUnauthorized)
		return
	}
	release, ok := s.chatGate.openStream(s.clientKey(r))
	if !ok {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "Terlalu banyak halaman obrolan terbuka. Muat ulang halaman nanti.", http.StatusServiceUnavailable)
		return
	}
	defer release()
	wake, stop := s.cfg.WebChat.Subscribe(addr.ID)
	defer stop()
	streamSSE(w, r, wake, nil, func(struct{}) (string, bool) { return "event: message\ndata: {}\n\n", true })
}
