package web

import (
	"net/http"
	"path"
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

// mediaFile serves a citizen's photo or file to signed-in staff. os.Root
// keeps every path, symlinks included, inside DataDir.
func (s *Server) mediaFile(w http.ResponseWriter, r *http.Request, a *auth) {
	notFound := sigap.Errorf(sigap.ENOTFOUND, "Berkas tidak ditemukan.")
	if s.media == nil {
		s.fail(w, r, a, notFound)
		return
	}
	name := r.PathValue("path")
	f, err := s.media.Open(name)
	if err != nil {
		s.fail(w, r, a, notFound)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		s.fail(w, r, a, notFound)
		return
	}
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
