package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// secretSetting is the setting that holds the server's signing secret. It
// lives in the database so that every restart, and every instance on the
// same database, signs alike.
const secretSetting = "web.secret"

// The purposes a signature is made for; one purpose's signature is no
// good for another.
const (
	purposeLoginCSRF   = "login-csrf"
	purposeChatID      = "chat-id"
	purposeChatAddress = "chat-address"
	purposeChatCSRF    = "chat-csrf"
)

// keys signs what the server hands out and must recognise later.
type keys struct{ secret []byte }

// loadKeys reads the signing secret, creating it on first use.
func loadKeys(ctx context.Context, store sigap.Store) (*keys, error) {
	var secret []byte
	err := store.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.Setting(ctx, secretSetting)
		switch {
		case err == nil:
			secret, err = base64.StdEncoding.DecodeString(s.Value)
			if err != nil || len(secret) < 32 {
				return fmt.Errorf("setting %s is not a base64 secret of 32 bytes or more", secretSetting)
			}
			return nil
		case sigap.ErrorCode(err) != sigap.ENOTFOUND:
			return err
		}
		secret = make([]byte, 32)
		rand.Read(secret)
		return tx.PutSetting(ctx, &sigap.Setting{Key: secretSetting, Value: base64.StdEncoding.EncodeToString(secret)})
	})
	if err != nil {
		return nil, fmt.Errorf("web: signing secret: %w", err)
	}
	return &keys{secret: secret}, nil
}

// mac is the HMAC-SHA256 of value for purpose, cut to 16 bytes.
func (k *keys) mac(purpose, value string) []byte {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)[:16]
}

// sign returns value's signature for purpose, URL-safe.
func (k *keys) sign(purpose, value string) string {
	return base64.RawURLEncoding.EncodeToString(k.mac(purpose, value))
}

// A web chat conversation has a secret id, which only its browser holds:
// the cookie carries it with the server's signature, so only ids the
// server issued are conversations. Staff, the API, the audit log and the
// logs see the conversation's address instead, web:<public id>, derived
// from the secret id one way: knowing it gives no access to the chat.

// newChatToken issues a conversation: its cookie value.
func (k *keys) newChatToken() string {
	id := randomToken(16)
	return id + "." + k.sign(purposeChatID, id)
}

// chatSecret returns the secret id of a cookie value the server issued.
func (k *keys) chatSecret(token string) (string, bool) {
	id, sig, ok := strings.Cut(token, ".")
	return id, ok && len(id) == 22 && equalTokens(k.sign(purposeChatID, id), sig)
}

// chatAddress is the address of the conversation whose secret id is id.
func (k *keys) chatAddress(id string) sigap.Address {
	return sigap.Address{Channel: sigap.Web, ID: hex.EncodeToString(k.mac(purposeChatAddress, id))}
}

// chatCSRF is the chat form's token of the conversation whose secret id
// is id.
func (k *keys) chatCSRF(id string) string { return k.sign(purposeChatCSRF, id) }
