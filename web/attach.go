package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"path/filepath"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// What a reply or a citizen's web chat message may carry: photos every
// channel shows inline, and PDF documents. The limits stay under what the
// channels accept (Telegram: photos 10 MB, documents 50 MB; WhatsApp:
// images 16 MB).
const (
	maxPhotoBytes    = 5 << 20
	maxDocumentBytes = 10 << 20
	// maxUploadBody bounds a multipart request: the largest file and its
	// form fields.
	maxUploadBody = maxDocumentBytes + 256<<10
)

// attachment is a type of file accepted, by its sniffed content type.
type attachment struct {
	kind sigap.MessageKind
	ext  string
	max  int64
}

var attachments = map[string]attachment{
	"image/jpeg":      {sigap.KindPhoto, ".jpg", maxPhotoBytes},
	"image/png":       {sigap.KindPhoto, ".png", maxPhotoBytes},
	"image/webp":      {sigap.KindPhoto, ".webp", maxPhotoBytes},
	"application/pdf": {sigap.KindDocument, ".pdf", maxDocumentBytes},
}

// Where uploads go under the media folder: staff attachments, and photos
// citizens send from the web chat (beside the other channels' folders).
const (
	outboxFolder  = "outbox"
	webChatFolder = "web"
)

func isMultipart(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "multipart/form-data"
}

// bodyLimit bounds a request's body: a form or JSON, or an upload.
func bodyLimit(r *http.Request) int64 {
	if isMultipart(r) {
		return maxUploadBody
	}
	return maxFormBytes
}

// tooLargeUpload is the answer to a form whose file is over every limit:
// what the limits are, and that nothing was sent.
var tooLargeUpload = sigap.Errorf(sigap.ETOOLARGE, "Berkas terlalu besar: foto paling besar %s, dokumen PDF %s. Pesan belum terkirim.",
	megabytes(maxPhotoBytes), megabytes(maxDocumentBytes))

// answerForm reads a reply, note or other action sent as a form: its
// fields and, for a reply, the file in "file".
func (s *Server) answerForm(r *http.Request, action string) (actionRequest, error) {
	req := actionRequest{
		Text:        r.PostFormValue("text"),
		WaitCitizen: r.PostFormValue("wait") == "1" || r.PostFormValue("wait_citizen") == "true",
		OPD:         r.PostFormValue("opd"),
		Reason:      r.PostFormValue("reason"),
		Username:    r.PostFormValue("username"),
	}
	if t := r.PostFormValue("tickets"); t != "" {
		req.Tickets = []string{t}
	}
	if action != "reply" || !isMultipart(r) {
		return req, nil
	}
	var err error
	req.media, err = s.saveUpload(r, "file", outboxFolder, "", false)
	return req, err
}

// saveUpload checks the file in field (none: nil) and saves it under the
// media folder in folder/<year-month>/<id, or random>/, keeping its own
// name, which a document shows its reader. photosOnly refuses documents.
func (s *Server) saveUpload(r *http.Request, field, folder, id string, photosOnly bool) (*desk.Media, error) {
	file, header, err := r.FormFile(field)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, http.ErrMissingFile):
		return nil, nil
	case errors.As(err, &tooBig):
		return nil, tooLargeUpload
	case err != nil:
		s.cfg.Logger.Info("web: unreadable upload", "err", err)
		return nil, sigap.Errorf(sigap.EINVALID, "Berkas tidak terbaca. Silakan pilih berkasnya lagi, lalu kirim ulang.")
	}
	defer file.Close()
	if header.Size == 0 {
		return nil, nil // an empty file input
	}
	if s.media == nil {
		// The server was started without a data folder: its operator's
		// mistake, logged as one, not the sender's.
		return nil, errors.New("web: attachment: serve has no media folder (--data)")
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(file, head)
	kind, ok := attachments[http.DetectContentType(head[:n])]
	switch {
	case !ok || (photosOnly && kind.kind != sigap.KindPhoto):
		if photosOnly {
			return nil, sigap.Errorf(sigap.EINVALID, "Hanya foto JPG, PNG atau WebP yang dapat dikirim.")
		}
		return nil, sigap.Errorf(sigap.EINVALID, "Jenis berkas %q tidak didukung: lampirkan foto (JPG, PNG, WebP) atau dokumen PDF.", header.Filename)
	case header.Size > kind.max:
		return nil, sigap.Errorf(sigap.EINVALID, "Berkas %q terlalu besar (%s); batasnya %s.", header.Filename, megabytes(header.Size), megabytes(kind.max))
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("web: read upload: %w", err)
	}
	if id == "" {
		id = randomHex(8)
	}
	dir := path.Join(folder, s.cfg.Now().In(s.cfg.Calendar.Location()).Format("2006-01"), id)
	rel := path.Join(dir, uploadName(header.Filename, kind.ext))
	if err := s.writeMedia(dir, rel, file); err != nil {
		return nil, err
	}
	// A reference is relative to the data folder, the media folder's
	// parent, as the adapters make theirs.
	return &desk.Media{Ref: path.Join(filepath.Base(s.mediaDir), rel), Kind: kind.kind}, nil
}

// writeMedia writes r to rel under the media folder, through a temporary
// file renamed at the end, so a failed upload leaves no half file.
func (s *Server) writeMedia(dir, rel string, r io.Reader) error {
	if err := s.media.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("web: save upload: %w", err)
	}
	tmp := rel + ".part"
	f, err := s.media.Create(tmp)
	if err != nil {
		return fmt.Errorf("web: save upload: %w", err)
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.media.Rename(tmp, rel)
	}
	if err != nil {
		s.media.Remove(tmp)
		return fmt.Errorf("web: save upload: %w", err)
	}
	return nil
}

// uploadName keeps the letters, digits, dots, dashes and underscores of a
// file's own name, ending in the extension of what it holds.
func uploadName(name, ext string) string {
	base := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(name, `\`, "/")), filepath.Ext(name))
	base = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r == ' ' || r == '.':
			return '-'
		}
		return -1
	}, base)
	if len(base) > 60 {
		base = base[:60]
	}
	if strings.Trim(base, "-") == "" {
		base = "lampiran"
	}
	return base + ext
}

// discard removes an upload whose action failed, so no file stays that no
// message refers to.
func (s *Server) discard(m *desk.Media) {
	if m == nil {
		return
	}
	if rel, ok := s.mediaPath(m.Ref); ok {
		s.media.Remove(rel)
		s.media.Remove(filepath.Dir(rel))
	}
}

// megabytes writes a size for people: "5 MB", "12,3 MB".
func megabytes(n int64) string {
	return strings.TrimSuffix(decimal(float64(n)/(1<<20), 1), ",0") + " MB"
}
