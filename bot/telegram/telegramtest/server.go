// Package telegramtest is a fake Telegram Bot API server on 127.0.0.1 for
// tests: it queues updates for getUpdates with Telegram's offset
// semantics, records what sendMessage, sendPhoto and sendDocument sent,
// and fails calls on demand. It
// runs in the test process, so tests of the real binary can point
// SIGAP_TELEGRAM_API at Endpoint() and inspect what the binary did.
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Token is the only bot token the Server accepts.
const Token = "123456:sigap-test-token"

// Bot is the user getMe answers with.
var Bot = tgbotapi.User{ID: 123456, IsBot: true, FirstName: "Sigap Kebumen", UserName: "sigap_kebumen_bot"}

// Sent is a message the bot sent with sendMessage, or a file it sent
// with sendPhoto or sendDocument.
type Sent struct {
	ChatID                int64
	Text                  string
	ParseMode             string
	DisableWebPagePreview bool
	ReplyMarkup           string // the reply_markup JSON, "" for none
	// Photo or Document is the name of the file uploaded (one of them,
	// for sendPhoto or sendDocument), File its content, Caption its text.
	Photo, Document, File, Caption string
}

// Failure is an error answer for the next call of a method. Code is the
// HTTP status and the Bot API error_code; Raw, when set, is sent as the
// body instead of the Bot API's JSON, like a proxy's error page.
type Failure struct {
	Code        int
	Description string
	RetryAfter  int // seconds, sent as parameters.retry_after
	Raw         string
	// After is how many calls of the method succeed before this failure.
	After int
}

// Server is the fake Bot API. Its methods are safe for concurrent use.
type Server struct {
	srv    *httptest.Server
	closed chan struct{}

	mu            sync.Mutex
	changed       chan struct{} // closed and replaced on every change
	pending       []queued
	nextUpdateID  int
	nextMessageID int
	confirmed     int // every update below it was confirmed
	offsets       []int
	sent          []Sent
	failures      map[string][]Failure
	webhookURL    string
	webhookSecret string
	webhookForm   url.Values        // the parameters of the last setWebhook
	files         map[string][]byte // file id → content, for getFile
}

// NewServer starts a Server. Close it when done.
func NewServer() *Server {
	s := &Server{
		closed:        make(chan struct{}),
		changed:       make(chan struct{}),
		nextUpdateID:  1000,
		nextMessageID: 1,
		failures:      make(map[string][]Failure),
		files:         make(map[string][]byte),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close ends pending long polls and stops the server.
func (s *Server) Close() {
	close(s.closed)
	s.srv.Close()
}

// Endpoint is the API endpoint pattern for SIGAP_TELEGRAM_API.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// queued is an update waiting to be confirmed, as getUpdates sends it.
type queued struct {
	id  int
	raw json.RawMessage
}

// AddUpdate queues u for getUpdates, giving it the next update id, and
// returns it as queued.
func (s *Server) AddUpdate(u tgbotapi.Update) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.UpdateID = s.nextUpdateID
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: update %d: %v", u.UpdateID, err))
	}
	s.queue(raw)
	return u
}

// AddRawUpdate queues the update whose fields (all but update_id) are the
// JSON object fields, as a newer Bot API than the library's may send it,
// and returns its update id.
func (s *Server) AddRawUpdate(fields string) int {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(fields), &obj); err != nil {
		panic(fmt.Sprintf("telegramtest: AddRawUpdate: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	obj["update_id"] = json.RawMessage(strconv.Itoa(s.nextUpdateID))
	raw, err := json.Marshal(obj)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: AddRawUpdate: %v", err))
	}
	return s.queue(raw)
}

// queue appends an update with the next id; the caller holds s.mu.
func (s *Server) queue(raw json.RawMessage) int {
	id := s.nextUpdateID
	s.nextUpdateID++
	s.pending = append(s.pending, queued{id: id, raw: raw})
	s.notify()
	return id
}

// NewMessage returns a private-chat message from chatID with the next
// message id, for AddUpdate; fill in its content.
func (s *Server) NewMessage(chatID int64, name string) *tgbotapi.Message {
	s.mu.Lock()
	id := s.nextMessageID
	s.nextMessageID++
	s.mu.Unlock()
	return &tgbotapi.Message{
		MessageID: id,
		From:      &tgbotapi.User{ID: chatID, FirstName: name},
		Chat:      &tgbotapi.Chat{ID: chatID, Type: "private", FirstName: name},
		Date:      int(time.Now().Unix()),
	}
}

// AddText queues a text message from chatID and returns its update.
func (s *Server) AddText(chatID int64, text string) tgbotapi.Update {
	m := s.NewMessage(chatID, "Warga")
	m.Text = text
	return s.AddUpdate(tgbotapi.Update{Message: m})
}

// Fail makes the next call of method (e.g. "sendMessage") answer f.
// Several calls queue several failures.
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f)
}

// Sent returns the messages sent so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Offsets returns the offset of every getUpdates call so far, in order.
func (s *Server) Offsets() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.offsets...)
}

// Confirmed returns the offset below which every update was confirmed.
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// Pending returns how many queued updates are not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Webhook returns the URL and secret of the webhook set, or "" for none.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// WebhookParam returns a parameter of the last setWebhook call, such as
// "max_connections".
func (s *Server) WebhookParam(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookForm.Get(name)
}

// WaitSent waits until at least n messages were sent and returns them all.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Sent, error) {
	err := s.waitFor(ctx, func() bool { return len(s.sent) >= n })
	if err != nil {
		return s.Sent(), fmt.Errorf("telegramtest: waiting for %d sent messages, got %d: %w", n, len(s.Sent()), err)
	}
	return s.Sent(), nil
}

// WaitConfirmed waits until the update updateID is confirmed, that is
// until getUpdates was called with an offset above it.
func (s *Server) WaitConfirmed(ctx context.Context, updateID int) error {
	if err := s.waitFor(ctx, func() bool { return s.confirmed > updateID }); err != nil {
		return fmt.Errorf("telegramtest: waiting for update %d to be confirmed, confirmed below %d: %w", updateID, s.Confirmed(), err)
	}
	return nil
}

// waitFor waits until cond, called with s.mu held, is true.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notify wakes every waiter. The caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// AddFile makes a file available to getFile and its download address.
func (s *Server) AddFile(fileID string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = content
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if path, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+Token+"/"); ok {
		s.download(w, path)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, Failure{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != Token {
		writeError(w, Failure{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	if f, ok := s.takeFailure(method); ok {
		writeError(w, f)
		return
	}
	switch method {
	case "getMe":
		writeResult(w, Bot)
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendMessage":
		s.sendMessage(w, r)
	case "sendPhoto":
		s.sendFile(w, r, "photo")
	case "sendDocument":
		s.sendFile(w, r, "document")
	case "setWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookSecret, s.webhookForm = r.Form.Get("url"), r.Form.Get("secret_token"), r.Form
		s.mu.Unlock()
		writeResult(w, true)
	case "getFile":
		s.getFile(w, r.Form.Get("file_id"))
	case "deleteWebhook":
		s.mu.Lock()
		s.webhookURL, s.webhookSecret = "", ""
		s.mu.Unlock()
		writeResult(w, true)
	default:
		writeError(w, Failure{Code: http.StatusNotFound, Description: "Not Found: method not found"})
	}
}

func (s *Server) takeFailure(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return Failure{}, false
	}
	if q[0].After > 0 {
		q[0].After--
		return Failure{}, false
	}
	s.failures[method] = q[1:]
	return q[0], true
}

// getUpdates confirms the updates below offset, then answers the rest, or
// waits up to timeout seconds for one to arrive, as Telegram does.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.Form.Get("offset"))
	limit, _ := strconv.Atoi(r.Form.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.Form.Get("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()

	s.mu.Lock()
	if s.webhookURL != "" {
		s.mu.Unlock()
		writeError(w, Failure{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
		return
	}
	s.offsets = append(s.offsets, offset)
	if offset > s.confirmed {
		s.confirmed = offset
		kept := s.pending[:0]
		for _, u := range s.pending {
			if u.id >= offset {
				kept = append(kept, u)
			}
		}
		s.pending = kept
	}
	s.notify()
	s.mu.Unlock()

	for {
		s.mu.Lock()
		out := []json.RawMessage{}
		for _, u := range s.pending {
			if u.id >= offset && len(out) < limit {
				out = append(out, u.raw)
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			writeResult(w, out)
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	chatID, err := strconv.ParseInt(r.Form.Get("chat_id"), 10, 64)
	if err != nil {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: chat not found"})
		return
	}
	text := r.Form.Get("text")
	if strings.TrimSpace(text) == "" {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: message text is empty"})
		return
	}
	if units := utf16Units(text); units > 4096 {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: message is too long"})
		return
	}
	s.mu.Lock()
	s.sent = append(s.sent, Sent{
		ChatID:                chatID,
		Text:                  text,
		ParseMode:             r.Form.Get("parse_mode"),
		DisableWebPagePreview: r.Form.Get("disable_web_page_preview") == "true",
		ReplyMarkup:           r.Form.Get("reply_markup"),
	})
	id := s.nextMessageID
	s.nextMessageID++
	s.notify()
	s.mu.Unlock()
	writeResult(w, tgbotapi.Message{
		MessageID: id,
		From:      &Bot,
		Chat:      &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date:      int(time.Now().Unix()),
		Text:      text,
	})
}

// sendFile records a photo or document uploaded as multipart/form-data
// in field, as the library sends a local file.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, field string) {
	if err := r.ParseMultipartForm(50 << 20); err != nil {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: chat not found"})
		return
	}
	f, h, err := r.FormFile(field)
	if err != nil {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: there is no " + field + " in the request"})
		return
	}
	defer f.Close()
	content, err := io.ReadAll(f)
	if err != nil {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	caption := r.FormValue("caption")
	if utf16Units(caption) > 1024 {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: message caption is too long"})
		return
	}
	sent := Sent{ChatID: chatID, Caption: caption, File: string(content), ReplyMarkup: r.FormValue("reply_markup")}
	if field == "photo" {
		sent.Photo = h.Filename
	} else {
		sent.Document = h.Filename
	}
	s.mu.Lock()
	s.sent = append(s.sent, sent)
	id := s.nextMessageID
	s.nextMessageID++
	s.notify()
	s.mu.Unlock()
	writeResult(w, tgbotapi.Message{MessageID: id, From: &Bot, Chat: &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date: int(time.Now().Unix()), Caption: caption})
}

func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

func writeResult(w http.ResponseWriter, result any) {
	raw, err := json.Marshal(result)
	if err != nil {
		writeError(w, Failure{Code: http.StatusInternalServerError, Description: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(tgbotapi.APIResponse{Ok: true, Result: raw})
}

func writeError(w http.ResponseWriter, f Failure) {
	if f.Raw != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		fmt.Fprint(w, f.Raw)
		return
	}
	resp := tgbotapi.APIResponse{Ok: false, ErrorCode: f.Code, Description: f.Description}
	if f.RetryAfter > 0 {
		resp.Parameters = &tgbotapi.ResponseParameters{RetryAfter: f.RetryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Code)
	json.NewEncoder(w).Encode(resp)
}

// getFile answers with the file's download path, files/<file id>.
func (s *Server) getFile(w http.ResponseWriter, fileID string) {
	s.mu.Lock()
	content, ok := s.files[fileID]
	s.mu.Unlock()
	if !ok {
		writeError(w, Failure{Code: http.StatusBadRequest, Description: "Bad Request: invalid file_id"})
		return
	}
	writeResult(w, tgbotapi.File{FileID: fileID, FileUniqueID: "u" + fileID, FileSize: len(content), FilePath: "files/" + fileID + ".jpg"})
}

// download serves a file at the path getFile gave.
func (s *Server) download(w http.ResponseWriter, path string) {
	id := strings.TrimSuffix(strings.TrimPrefix(path, "files/"), ".jpg")
	s.mu.Lock()
	content, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Write(content)
}
