package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// pageNames are the templates in templates/, each rendered inside
// layout.html.
var pageNames = []string{"login", "queue", "ticket", "overview", "admin", "admin_opd", "admin_faq", "profile", "chat", "held", "usulan", "error"}

var templateFuncs = template.FuncMap{"duration": durationText, "auditLabel": auditLabel, "thousands": thousands,
	// The upload limits, for the file inputs' checks and labels.
	"megabytes": megabytes, "maxPhoto": func() int64 { return maxPhotoBytes }, "maxDocument": func() int64 { return maxDocumentBytes }}

// parsePages parses each page inside the layout, with the partials
// (rows.html) that a live update renders on their own too.
func parsePages() (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(assets, "templates/layout.html", "templates/rows.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// pageData is what every page template receives; Body holds the page's own
// view.
type pageData struct {
	Title string
	Nav   string // the highlighted menu entry
	Staff *sigap.Staff
	CSRF  string
	Flash string
	Error string
	// Outages are banners for channels that are down.
	Outages []string
	Body    any
}

// render writes a page. It renders into a buffer first so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d *pageData) {
	if d.Staff != nil {
		d.Outages = s.outages()
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		s.cfg.Logger.Error("web: render", "page", name, "err", err)
		http.Error(w, "Terjadi kesalahan pada server.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// newPage starts the page data of a signed-in staff member.
func newPage(a *auth, title, nav string) *pageData {
	d := &pageData{Title: title, Nav: nav}
	if a != nil {
		d.Staff, d.CSRF = a.staff, a.session.CSRF
	}
	return d
}

// httpStatus maps an application error code to its HTTP status.
func httpStatus(code string) int {
	switch code {
	case sigap.ENOTFOUND:
		return http.StatusNotFound
	case sigap.EINVALID:
		return http.StatusBadRequest
	case sigap.EFORBIDDEN:
		return http.StatusForbidden
	case sigap.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case sigap.ECONFLICT:
		return http.StatusConflict
	case sigap.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	default:
		return http.StatusInternalServerError
	}
}

const internalErrorText = "Terjadi kesalahan pada server. Silakan coba lagi sebentar lagi."

// fail answers r with err: JSON for the API, an error page otherwise.
// Internal errors are logged and shown as a generic text.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, a *auth, err error) {
	code := sigap.ErrorCode(err)
	status := httpStatus(code)
	msg := sigap.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = internalErrorText
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, map[string]string{"error": msg, "code": code})
		return
	}
	d := newPage(a, "Galat", "")
	d.Error = msg
	d.Body = errorBack(r.URL.Path)
	s.render(w, r, status, "error", d)
}

// errorView is where the error page leads back to.
type errorView struct{ Href, Label string }

// errorBack leads a citizen on the web chat back to their conversation,
// and staff to the queue.
func errorBack(path string) errorView {
	if path == "/chat" || strings.HasPrefix(path, "/chat/") {
		return errorView{Href: "/chat", Label: "Kembali ke percakapan"}
	}
	return errorView{Href: "/queue", Label: "Kembali ke antrean"}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// staffHandler is a handler for a signed-in staff member.
type staffHandler func(w http.ResponseWriter, r *http.Request, a *auth)

// maxFormBytes bounds a form or JSON body; the largest legitimate one is
// an FAQ answer.
const maxFormBytes = 1 << 20

// tooLarge is the answer to a body beyond maxFormBytes: a clear reason,
// not a form that seems to have expired because it could not be read.
var tooLarge = sigap.Errorf(sigap.ETOOLARGE, "Isi yang dikirim terlalu besar (maksimal %d MB). Persingkat teksnya lalu coba lagi.", maxFormBytes>>20)

// readForm reads a POST form of at most maxFormBytes, or a form with a
// file (multipart) of at most maxUploadBody; a bigger body gives tooLarge,
// or tooLargeUpload for a file.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
	var err error
	upload := isMultipart(r)
	if upload {
		err = r.ParseMultipartForm(maxUploadBody)
	} else {
		err = r.ParseForm()
	}
	var big *http.MaxBytesError
	switch {
	case errors.As(err, &big) && upload:
		return tooLargeUpload
	case errors.As(err, &big):
		return tooLarge
	case err != nil:
		return sigap.Errorf(sigap.EINVALID, "Formulir tidak dapat dibaca: %v", err)
	}
	return nil
}

// page serves a dashboard page: it sends anonymous visitors to the login
// page and refuses POST forms without the session's CSRF token.
func (s *Server) page(h staffHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if a == nil {
			if r.Method == http.MethodGet && r.Header.Get("Accept") != "text/event-stream" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, nil, sigap.Errorf(sigap.EUNAUTHORIZED, "Silakan masuk terlebih dahulu."))
			return
		}
		if r.Method == http.MethodPost {
			if err := readForm(w, r); err != nil {
				s.fail(w, r, a, err)
				return
			}
			if !equalTokens(a.session.CSRF, r.PostFormValue("csrf")) {
				s.fail(w, r, a, sigap.Errorf(sigap.EFORBIDDEN, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."))
				return
			}
		}
		h(w, r, a)
	})
}

// api serves a JSON endpoint: anonymous calls get 401. Cross-site
// browser requests never get here (Handler refuses them).
func (s *Server) api(h staffHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if a == nil {
			s.fail(w, r, nil, sigap.Errorf(sigap.EUNAUTHORIZED, "Silakan masuk terlebih dahulu."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		h(w, r, a)
	})
}

// supervisor lets only supervisors and admins through.
func (s *Server) supervisor(h staffHandler) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, a *auth) {
		if a.staff.Role != sigap.RoleSupervisor && a.staff.Role != sigap.RoleAdmin {
			s.fail(w, r, a, sigap.Errorf(sigap.EFORBIDDEN, "Halaman ini hanya untuk pimpinan dan admin."))
			return
		}
		h(w, r, a)
	}
}

// admin lets only admins through.
func (s *Server) admin(h staffHandler) staffHandler {
	return func(w http.ResponseWriter, r *http.Request, a *auth) {
		if a.staff.Role != sigap.RoleAdmin {
			s.fail(w, r, a, sigap.Errorf(sigap.EFORBIDDEN, "Halaman ini hanya untuk admin."))
			return
		}
		h(w, r, a)
	}
}

// decodeJSON reads a JSON request body into v; an empty body leaves v as
// it is, for actions that take no arguments.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if big := (*http.MaxBytesError)(nil); errors.As(err, &big) {
		return tooLarge
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return sigap.Errorf(sigap.EINVALID, "Isi permintaan bukan JSON yang sah: %v", err)
	}
	return nil
}
