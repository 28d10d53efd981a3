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
	if !s.serveFile(w, r, r.PathValue("path")) {
		s.fail(w, r, a, sigap.Errorf(sigap.ENOTFOUND, "Berkas tidak ditemukan."))
	}
}

// serveMedia serves the file of a message's MediaRef, when it lies in
// DataDir.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request, ref string) {
	for _, rel := range s.mediaCandidates(ref) {
		if s.serveFile(w, r, rel) {
			return
		}
	}
	http.NotFound(w, r)
}

// serveFile serves name, relative to DataDir, and reports false when there
// is no such file.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	if s.media == nil {
		return false
	}
	f, err := s.media.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		return false
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
	return true
}
