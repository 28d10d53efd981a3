// Package metatest is a fake Graph API on 127.0.0.1 for tests of the
// Instagram and Facebook channel: it checks each call's access token and
// appsecret_proof, records the messages sent (direct messages and private
// replies) and the public replies under comments, answers a private reply
// with the commenter's id, fails calls on demand, and signs webhook
// payloads the way Meta does.
package metatest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Version is the Graph API version the fake serves under.
const Version = "v26.0"

// Message is a call of POST /{account}/messages: a direct message when
// RecipientID is set, a private reply when CommentID is.
type Message struct {
	Account       string
	RecipientID   string
	CommentID     string
	MessagingType string
	Tag           string
	Text          string
	QuickReplies  []string
}

// Public is a public reply under a comment: POST /{comment}/replies
// (Instagram) or /{comment}/comments (Facebook).
type Public struct {
	CommentID string
	Edge      string
	Text      string
}

// Failure is the Graph API error answer for the next call of a kind
// ("messages", "replies", "comments", "node").
type Failure struct {
	Status  int // HTTP status [400]
	Code    int
	Subcode int
	Message string
	// Usage, when set, is sent as the X-Business-Use-Case-Usage header.
	Usage string
}

// Server is the fake Graph API. Its methods are safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	appSecret string

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every call recorded
	tokens    map[string]string
	expired   map[string]bool
	names     map[string]string
	commenter map[string]string // comment id → the commenter's messaging id
	failures  map[string][]Failure
	messages  []Message
	public    []Public
	nextID    int
}

// NewServer starts a fake Graph API that accepts, for each account id,
// its token (appsecret_proof made with appSecret). Close it when done.
func NewServer(appSecret string, tokens map[string]string) *Server {
	s := &Server{appSecret: appSecret, changed: make(chan struct{}), tokens: tokens,
		expired: map[string]bool{}, names: map[string]string{}, commenter: map[string]string{},
		failures: map[string][]Failure{}, nextID: 1}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the API base to configure, such as http://127.0.0.1:4321/v26.0.
func (s *Server) URL() string { return s.srv.URL + "/" + Version }

// Name sets the name GET /{id} answers for an account.
func (s *Server) Name(account, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[account] = name
}

// Expire makes the server refuse token with error 190 from now on.
func (s *Server) Expire(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired[token] = true
}

// Commenter tells the server who wrote a comment, so that a private reply
// to it answers with that recipient_id.
func (s *Server) Commenter(commentID, messagingID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commenter[commentID] = messagingID
}

// Fail makes the next call of kind fail with f.
func (s *Server) Fail(kind string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[kind] = append(s.failures[kind], f)
}

// Messages returns the messages sent so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// PublicReplies returns the public replies posted so far, oldest first.
func (s *Server) PublicReplies() []Public {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Public(nil), s.public...)
}

// Wait waits until done holds for what the server recorded, or ctx ends.
func (s *Server) Wait(ctx context.Context, done func(msgs []Message, public []Public) bool) error {
	for {
		s.mu.Lock()
		ok, changed := done(s.messages, s.public), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("metatest: waited in vain: %w", ctx.Err())
		case <-changed:
		}
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, "/"+Version+"/")
	if !ok {
		graphError(w, Failure{Status: http.StatusNotFound, Code: 2500, Message: "Unknown path components: " + r.URL.Path})
		return
	}
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch known := s.knownToken(token); {
	case !known || s.expired[token]:
		graphError(w, Failure{Status: http.StatusUnauthorized, Code: 190, Subcode: 463,
			Message: "Error validating access token: Session has expired"})
		return
	case r.URL.Query().Get("appsecret_proof") != Proof(s.appSecret, token):
		graphError(w, Failure{Code: 100, Message: "Invalid appsecret_proof provided in the API argument"})
		return
	}
	node, edge, _ := strings.Cut(path, "/")
	kind := edge
	if edge == "" {
		kind = "node"
	}
	if fs := s.failures[kind]; len(fs) > 0 {
		s.failures[kind] = fs[1:]
		graphError(w, fs[0])
		return
	}
	switch {
	case r.Method == http.MethodGet && edge == "":
		writeJSON(w, map[string]string{"id": node, "name": s.names[node]})
	case r.Method == http.MethodPost && edge == "messages":
		s.message(w, r, node)
	case r.Method == http.MethodPost && (edge == "replies" || edge == "comments"):
		var body struct{ Message string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Message == "" {
			graphError(w, Failure{Code: 100, Message: "(#100) The parameter message is required"})
			return
		}
		s.public = append(s.public, Public{CommentID: node, Edge: edge, Text: body.Message})
		s.record()
		writeJSON(w, map[string]string{"id": s.id("reply")})
	default:
		graphError(w, Failure{Status: http.StatusBadRequest, Code: 100, Message: "Unsupported request: " + r.Method + " " + path})
	}
}

// message records a Send API call; the caller holds s.mu.
func (s *Server) message(w http.ResponseWriter, r *http.Request, account string) {
	var body struct {
		Recipient struct {
			ID        string `json:"id"`
			CommentID string `json:"comment_id"`
		} `json:"recipient"`
		MessagingType string `json:"messaging_type"`
		Tag           string `json:"tag"`
		Message       struct {
			Text         string `json:"text"`
			QuickReplies []struct {
				Title string `json:"title"`
			} `json:"quick_replies"`
		} `json:"message"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Message.Text == "" ||
		(body.Recipient.ID == "") == (body.Recipient.CommentID == "") {
		graphError(w, Failure{Code: 100, Message: "(#100) Invalid recipient or message"})
		return
	}
	m := Message{Account: account, RecipientID: body.Recipient.ID, CommentID: body.Recipient.CommentID,
		MessagingType: body.MessagingType, Tag: body.Tag, Text: body.Message.Text}
	for _, q := range body.Message.QuickReplies {
		m.QuickReplies = append(m.QuickReplies, q.Title)
	}
	to := m.RecipientID
	if m.CommentID != "" {
		if to = s.commenter[m.CommentID]; to == "" {
			to = "commenter-of-" + m.CommentID
		}
	}
	s.messages = append(s.messages, m)
	s.record()
	writeJSON(w, map[string]string{"recipient_id": to, "message_id": s.id("m")})
}

func (s *Server) knownToken(token string) bool {
	for _, t := range s.tokens {
		if t == token && token != "" {
			return true
		}
	}
	return false
}

// record tells the waiters; the caller holds s.mu.
func (s *Server) record() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) id(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s_%d", prefix, s.nextID)
}

func graphError(w http.ResponseWriter, f Failure) {
	if f.Status == 0 {
		f.Status = http.StatusBadRequest
	}
	if f.Usage != "" {
		w.Header().Set("X-Business-Use-Case-Usage", f.Usage)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": f.Message, "type": "OAuthException", "code": f.Code, "error_subcode": f.Subcode, "fbtrace_id": "AbCdEf"}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// Proof is the appsecret_proof of a token.
func Proof(appSecret, token string) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// Sign is the X-Hub-Signature-256 header Meta sends with body.
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
