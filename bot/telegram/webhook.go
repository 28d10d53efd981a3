package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
)

// secretHeader carries the secret given to setWebhook on every webhook
// request, so that only Telegram can post updates.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// WebhookHandler serves the POSTs Telegram makes in webhook mode. A request
// without the right secret gets 401. It answers 200 only once the update is
// done with (committed by recv, ignored, or set aside as Poll does), and
// 500 when Receive failed, so that Telegram delivers the update again. An
// empty secret rejects every request, so a missing setting never leaves
// the endpoint open.
func (a *Adapter) WebhookHandler(secret string, recv sigap.Receiver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			a.log.Warn("telegram: webhook request with a wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "wrong secret token", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		var head struct {
			UpdateID int `json:"update_id"`
		}
		if err == nil {
			err = json.Unmarshal(raw, &head)
		}
		if err != nil {
			a.log.Warn("telegram: webhook body is not an update", "err", err)
			http.Error(w, "body is not a Telegram update: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := a.handleUpdate(r.Context(), recv, rawUpdate{id: head.UpdateID, raw: raw}); err != nil {
			a.log.Error("telegram: webhook update not stored; Telegram will resend", "update", head.UpdateID, "err", err)
			http.Error(w, "not stored, please retry", http.StatusInternalServerError)
			return
		}
		a.setState(StateConnected, nil)
	})
}

// SetWebhook asks Telegram to post updates to webhookURL with secret in
// the secret-token header, instead of answering getUpdates. Telegram
// accepts a secret of 1 to 256 letters, digits, '_' and '-'.
func (a *Adapter) SetWebhook(ctx context.Context, webhookURL, secret string) error {
	if u, err := url.Parse(webhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return sigap.Errorf(sigap.EINVALID, "telegram: webhook URL %q: Telegram posts only to an https URL", webhookURL)
	}
	if !validSecret(secret) {
		return sigap.Errorf(sigap.EINVALID, "telegram: webhook secret: want 1 to 256 letters, digits, '_' or '-'")
	}
	// One connection at a time keeps each chat's updates in order.
	params := tgbotapi.Params{"url": webhookURL, "secret_token": secret, "max_connections": "1"}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	if _, err := a.api(ctx).MakeRequest("setWebhook", params); err != nil {
		return a.callError("setWebhook", err)
	}
	return nil
}

// DeleteWebhook switches the bot back to getUpdates, which Telegram refuses
// while a webhook is set. Pending updates are kept.
func (a *Adapter) DeleteWebhook(ctx context.Context) error {
	if _, err := a.api(ctx).Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		return a.callError("deleteWebhook", err)
	}
	return nil
}

func validSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}
