package web

import (
	"net/http"
	"strconv"

	"github.com/pemkab-kebumen/sigap"
)

// chatMedia serves a photo or file of the citizen's own conversation, the
// one their chat cookie names: a staff reply's attachment or a photo they
// sent. Any other message is not found.
func (s *Server) chatMedia(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(chatCookie)
	id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !validChatID(c.Value) || perr != nil || s.media == nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	ref, err := sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (string, error) {
		cz, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Web, ID: c.Value})
		if err != nil {
			return "", err
		}
		msgs, err := tx.CitizenMessages(ctx, cz.ID, chatHistory)
		if err != nil {
			return "", err
		}
		for _, m := range msgs {
			if m.ID == id {
				return m.MediaRef, nil
			}
		}
		return "", nil
	})
	if err != nil || ref == "" {
		http.NotFound(w, r)
		return
	}
	s.serveMedia(w, r, ref)
}
