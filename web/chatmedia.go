package web

import (
	"net/http"
	"strconv"

	"github.com/pemkab-kebumen/sigap"
)

// chatMedia serves a photo or file of the citizen's own conversation, the
// one their signed chat cookie names: a staff reply's attachment or a
// photo they sent. Any other message is not found.
func (s *Server) chatMedia(w http.ResponseWriter, r *http.Request) {
	_, addr, ok := s.signedChat(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	ref, err := sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (string, error) {
		c, err := tx.CitizenByAddress(ctx, addr)
		if err != nil {
			return "", err
		}
		msgs, err := tx.CitizenMessages(ctx, c.ID, chatHistory)
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
	if err != nil {
		http.NotFound(w, r)
		return
	}
	name, f, fi, found := s.openMedia(ref)
	if !found {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	serveMedia(w, r, name, fi, f)
}
