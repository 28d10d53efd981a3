package meta

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/mediafile"
)

// SignatureHeader carries Meta's HMAC-SHA256 of the raw body, keyed with
// the app secret, on every webhook call.
const SignatureHeader = "X-Hub-Signature-256"

// maxWebhookBytes bounds a webhook body; Meta batches events, but a batch
// is far below this.
const maxWebhookBytes = 4 << 20

// Photos citizens send are fetched within photoTimeout, up to maxPhoto.
const (
	photoTimeout = 15 * time.Second
	maxPhoto     = 20 << 20
)

// verify answers Meta's subscription check: hub.mode=subscribe with the
// verify token gets hub.challenge back; anything else 403.
func (a *Adapter) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || subtle.ConstantTimeCompare([]byte(token), []byte(a.verifyToken)) != 1 {
		a.log.Warn("meta: webhook verification with a wrong verify token", "remote", r.RemoteAddr)
		http.Error(w, "wrong verify token", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, q.Get("hub.challenge"))
}

// WebhookHandler serves Meta's event posts. A post without a valid
// signature is refused with 401 and nothing stored. Otherwise each event
// is stored (deduplicated on its message or comment id) and handed to
// recv, and only then is the post answered 200; a failure answers 500,
// and Meta posts the batch again, whose stored events are recognised.
func (a *Adapter) WebhookHandler(recv sigap.Receiver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
		if err != nil {
			http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		if err := a.checkSignature(r.Header.Get(SignatureHeader), raw); err != nil {
			a.log.Warn("meta: webhook call refused", "remote", r.RemoteAddr, "err", err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var p payload
		var events []event
		if err = json.Unmarshal(raw, &p); err == nil {
			events, err = p.events(a.opd, a.now())
		}
		if err != nil {
			a.log.Warn("meta: webhook body is not a Meta event", "err", err)
			http.Error(w, "not a Meta webhook event: "+err.Error(), http.StatusBadRequest)
			return
		}
		for _, ev := range events {
			if err := a.receive(r.Context(), recv, ev); err != nil {
				a.log.Error("meta: event not stored; Meta will post it again", "from", ev.in.From.String(), "id", ev.in.PlatformID, "err", err)
				http.Error(w, "not stored, please retry", http.StatusInternalServerError)
				return
			}
		}
		io.WriteString(w, "EVENT_RECEIVED")
	})
}

// checkSignature compares the signature Meta sent with the body's, in
// constant time. An empty app secret refuses every call.
func (a *Adapter) checkSignature(header string, body []byte) error {
	sig, ok := strings.CutPrefix(header, "sha256=")
	if header == "" {
		return fmt.Errorf("meta: no %s header", SignatureHeader)
	}
	got, err := hex.DecodeString(sig)
	if !ok || err != nil {
		return fmt.Errorf("meta: %s is not sha256=<hex>", SignatureHeader)
	}
	m := hmac.New(sha256.New, []byte(a.appSecret))
	m.Write(body)
	if a.appSecret == "" || !hmac.Equal(got, m.Sum(nil)) {
		return fmt.Errorf("meta: %s does not match the body signed with the app secret", SignatureHeader)
	}
	return nil
}

// opd is the OPD an account belongs to, "" for the regency's own.
func (a *Adapter) opd(account string) string {
	if acc := a.account(account); acc != nil {
		return acc.opd
	}
	return ""
}

// receive stores what the channel must remember of an event, then hands
// it to the conversation. An event for an account Sigap has no token for
// is logged and dropped: nothing could answer it.
func (a *Adapter) receive(ctx context.Context, recv sigap.Receiver, ev event) error {
	account := ev.contact.Account
	if a.account(account) == nil {
		a.log.Warn("meta: event for an account SIGAP_META_PAGES does not list; add it to answer there", "account", account)
		return nil
	}
	a.learn(account, ev.in.From.Channel)
	err := a.store.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.PutMetaContact(ctx, &ev.contact); err != nil {
			return err
		}
		if ev.comment != nil {
			return tx.AddMetaComment(ctx, ev.comment)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("meta: record %s: %w", ev.in.From, err)
	}
	if ev.media != "" && a.dataDir != "" {
		a.savePhoto(ctx, &ev)
	}
	return recv.Receive(ctx, ev.in)
}

// savePhoto downloads a photo into the data folder, since Meta's links
// expire; a failed download keeps the link.
func (a *Adapter) savePhoto(ctx context.Context, ev *event) {
	ctx, cancel := context.WithTimeout(ctx, photoTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ev.media, nil)
	var resp *http.Response
	if err == nil {
		resp, err = a.client.Do(req)
	}
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
	}
	var path string
	if err == nil {
		folder := map[sigap.Channel]string{sigap.Facebook: "facebook", sigap.Instagram: "instagram"}[ev.in.From.Channel]
		path, err = mediafile.Save(a.dataDir, folder, a.now(), ev.in.PlatformID, ".jpg", resp.Body, maxPhoto)
	}
	if err != nil {
		a.log.Warn("meta: photo not downloaded; the ticket keeps Meta's link", "id", ev.in.PlatformID, "err", err)
		return
	}
	ev.in.MediaRef = path
}
