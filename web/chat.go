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

// validChatID accepts only ids this server could have made, so a cookie
// cannot smuggle arbitrary text into an address.
func validChatID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// chatID returns the browser's anonymous chat identity, creating it when
// the browser has none.
func (s *Server) chatID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(chatCookie); err == nil && validChatID(c.Value) {
		return c.Value
	}
	id := randomHex(16)
	http.SetCookie(w, &http.Cookie{
		Name: chatCookie, Value: id, Path: "/chat", MaxAge: int(chatCookieAge / time.Second),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	return id
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
	// MediaURL shows a photo or file of the message (chatMedia).
	MediaURL string
	IsPhoto  bool
}

func (s *Server) chatPage(w http.ResponseWriter, r *http.Request) {
	s.showChat(w, r, http.StatusOK, "", "")
}

func (s *Server) showChat(w http.ResponseWriter, r *http.Request, status int, errText, draft string) {
	id := s.chatID(w, r)
	v := chatView{MsgID: randomHex(16), Draft: draft}
	ctx := r.Context()
	err := s.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Web, ID: id})
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		v.Name = c.Name
		msgs, err := tx.CitizenMessages(ctx, c.ID, chatHistory)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			v.Messages = append(v.Messages, s.chatMessage(m))
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, nil, fmt.Errorf("web: chat %s: %w", id, err))
		return
	}
	d := &pageData{Title: "Tanya Pemkab Kebumen", CSRF: s.anonCSRF(w, r), Error: errText, Body: v}
	s.render(w, r, status, "chat", d)
}

func (s *Server) chatMessage(m sigap.Message) chatMessage {
	cm := chatMessage{Text: m.Text, At: s.formatTime(m.At)}
	switch m.Author {
	case sigap.AuthorCitizen:
		cm.Mine, cm.Author = true, "Anda"
	case sigap.AuthorStaff:
		cm.Author = "Petugas"
	default:
		cm.Author = "Sigap"
	}
	if m.MediaRef != "" && s.mediaURL(m.MediaRef) != "" {
		cm.MediaURL, cm.IsPhoto = "/chat/media/"+strconv.FormatInt(m.ID, 10), m.Kind == sigap.KindPhoto
	}
	if cm.Text == "" && cm.MediaURL == "" {
		cm.Text = "(" + kindName(m.Kind) + ")"
	}
	return cm
}

// chatSend hands a citizen's message, and the photo it may carry, to the
// bot, then redirects back to the conversation (post/redirect/get, so a
// reload does not resend).
func (s *Server) chatSend(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
	if err := parseUpload(r); err != nil {
		s.showChat(w, r, http.StatusBadRequest, sigap.ErrorMessage(err), "")
		return
	}
	text := strings.TrimSpace(strings.ToValidUTF8(r.PostFormValue("text"), "\uFFFD"))
	hasPhoto := false
	if f, h, err := r.FormFile("photo"); err == nil {
		f.Close()
		hasPhoto = h.Size > 0
	}
	switch {
	case !validAnonCSRF(r):
		s.showChat(w, r, http.StatusForbidden, "Formulir kedaluwarsa. Silakan kirim pesan Bapak/Ibu sekali lagi.", text)
		return
	case text == "" && !hasPhoto:
		s.showChat(w, r, http.StatusBadRequest, "Pesan masih kosong. Silakan tulis pertanyaan Bapak/Ibu.", "")
		return
	case utf8.RuneCountInString(text) > maxChatText:
		s.showChat(w, r, http.StatusBadRequest, fmt.Sprintf("Pesan terlalu panjang (maksimal %d karakter). Silakan dipersingkat.", maxChatText), text)
		return
	}
	id := s.chatID(w, r)
	msgID := r.PostFormValue("msgid")
	if !validChatID(msgID) {
		msgID = randomHex(16)
	}
	in := sigap.Inbound{
		From:       sigap.Address{Channel: sigap.Web, ID: id},
		Name:       strings.TrimSpace(r.PostFormValue("name")),
		PlatformID: msgID,
		Kind:       sigap.KindText,
		Text:       text,
		At:         s.cfg.Now(),
	}
	if hasPhoto {
		// Named after the message, so a double submit keeps one file.
		photo, err := s.saveUpload(r, "photo", webChatFolder, msgID, true)
		if err != nil {
			s.showChat(w, r, httpStatus(sigap.ErrorCode(err)), sigap.ErrorMessage(err), text)
			return
		}
		in.Kind, in.MediaRef = sigap.KindPhoto, photo.Ref
	}
	if utf8.RuneCountInString(in.Name) > 80 {
		in.Name = string([]rune(in.Name)[:80])
	}
	if err := s.cfg.WebChat.Receive(r.Context(), in); err != nil {
		s.cfg.Logger.Error("web: chat receive", "chat", id, "err", err)
		s.showChat(w, r, http.StatusInternalServerError, "Maaf, pesan belum terkirim karena gangguan sistem. Silakan coba lagi.", text)
		return
	}
	http.Redirect(w, r, "/chat#akhir", http.StatusSeeOther)
}

// chatEvents tells an open chat page to reload when its thread grows.
func (s *Server) chatEvents(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(chatCookie)
	if err != nil || !validChatID(c.Value) {
		http.Error(w, "no chat", http.StatusUnauthorized)
		return
	}
	wake, stop := s.cfg.WebChat.Subscribe(c.Value)
	defer stop()
	streamSSE(w, r, wake, func(struct{}) (string, bool) { return "event: message\ndata: {}\n\n", true })
}
