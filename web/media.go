package web

import (
	"context"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// inlineTypes are the media types shown in the browser; anything else a
// citizen sent is downloaded, so a file cannot run as a page of this site.
var inlineTypes = map[string]string{
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".webp": "image/webp",
	".gif":  "image/gif",
}

// A citizen's file is served by the id of the message that brought it,
// never by its path: the message says whose ticket it belongs to, and so
// who may see it.

// mediaURL returns the /media/ link of a message's file, or "" when it has
// none in the media folder (a platform file id, a path outside it).
func (s *Server) mediaURL(m sigap.Message) string {
	if _, ok := s.mediaPath(m.MediaRef); !ok {
		return ""
	}
	return "/media/" + strconv.FormatInt(m.ID, 10)
}

// mediaPath finds a message's file in the media folder. A media reference
// is the file's path relative to the data folder, MediaDir's parent
// (media/telegram/2026-05/….jpg), as the adapters store it; anything else
// (a platform's file id, an absolute path, a path out of the media folder)
// names no file here.
func (s *Server) mediaPath(ref string) (string, bool) {
	name := filepath.FromSlash(ref)
	if s.media == nil || !filepath.IsLocal(name) {
		return "", false
	}
	rel, err := filepath.Rel(s.mediaDir, filepath.Join(filepath.Dir(s.mediaDir), name))
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	if fi, err := s.media.Stat(rel); err != nil || fi.IsDir() {
		return "", false
	}
	return rel, true
}

// openMedia opens the file of a media reference (see mediaPath) to serve
// it; ok is false when there is no such file. The caller closes f.
func (s *Server) openMedia(ref string) (name string, f *os.File, fi os.FileInfo, ok bool) {
	name, ok = s.mediaPath(ref)
	if !ok {
		return "", nil, nil, false
	}
	f, err := s.media.Open(name)
	if err != nil {
		return "", nil, nil, false
	}
	if fi, err = f.Stat(); err != nil || fi.IsDir() {
		f.Close()
		return "", nil, nil, false
	}
	return name, f, fi, true
}

// mediaFile serves a citizen's photo or file to the staff who may see the
// ticket of its message, and audits it. os.Root keeps every path,
// symlinks included, inside MediaDir.
func (s *Server) mediaFile(w http.ResponseWriter, r *http.Request, a *auth) {
	notFound := sigap.Errorf(sigap.ENOTFOUND, "Berkas tidak ditemukan.")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, a, notFound)
		return
	}
	m, t, err := s.mediaMessage(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	name, f, fi, ok := s.openMedia(m.MediaRef)
	if !ok {
		s.fail(w, r, a, notFound)
		return
	}
	defer f.Close()
	if err := s.auditView(r.Context(), a, sigap.ActionMediaDownload, t.ID, "pesan "+strconv.FormatInt(m.ID, 10)); err != nil {
		s.fail(w, r, a, err)
		return
	}
	serveMedia(w, r, name, fi, f)
}

// mediaMessage returns message id with its ticket if a may see them. A
// message filed under no ticket is for supervisors and admins only.
func (s *Server) mediaMessage(ctx context.Context, a *auth, id int64) (*sigap.Message, sigap.Ticket, error) {
	notFound := sigap.Errorf(sigap.ENOTFOUND, "Berkas tidak ditemukan.")
	var t sigap.Ticket
	m, err := sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (*sigap.Message, error) {
		m, err := tx.MessageByID(ctx, id)
		if err != nil || m.TicketID == 0 {
			return m, err
		}
		tk, err := tx.TicketByID(ctx, m.TicketID)
		if err == nil {
			t = *tk
		}
		return m, err
	})
	switch {
	case sigap.ErrorCode(err) == sigap.ENOTFOUND:
		return nil, t, notFound
	case err != nil:
		return nil, t, err
	case m.MediaRef == "":
		return nil, t, notFound
	case m.TicketID == 0 && a.staff.Role == sigap.RoleAgent, m.TicketID != 0 && !a.staff.CanSee(t.OPD):
		// As for a ticket of another OPD: nothing says the file exists.
		return nil, t, notFound
	}
	return m, t, nil
}

func serveMedia(w http.ResponseWriter, r *http.Request, name string, fi os.FileInfo, f *os.File) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if ct, ok := inlineTypes[strings.ToLower(path.Ext(name))]; ok {
		h.Set("Content-Type", ct)
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", "attachment")
	}
	http.ServeContent(w, r, "", fi.ModTime(), f)
}
