package whatsapp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.mau.fi/whatsmeow/types/events"
)

// photoDir is the folder under DataDir that holds WhatsApp photos, one
// subfolder per month so no folder grows without bound.
const photoDir = "whatsapp"

// savePhoto downloads the photo of evt into DataDir and returns its path:
// DataDir joined with whatsapp/<year-month>/<message id>.<ext>, the form the
// dashboard resolves against its data folder. The file is written under a temporary name and
// renamed, so a crash never leaves half a photo behind a valid name; a
// redelivered message overwrites its own file.
func (a *Adapter) savePhoto(ctx context.Context, wa waClient, evt *events.Message) (string, error) {
	img := evt.Message.GetImageMessage()
	data, err := wa.Download(ctx, img)
	if err != nil {
		return "", fmt.Errorf("whatsapp: download %s: %w", evt.Info.ID, err)
	}
	at := evt.Info.Timestamp
	if at.IsZero() {
		at = a.cfg.Now()
	}
	rel := filepath.Join(photoDir, at.Format("2006-01"), safeName(evt.Info.ID)+photoExt(img.GetMimetype()))
	path := filepath.Join(a.cfg.DataDir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("whatsapp: save photo: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return "", fmt.Errorf("whatsapp: save photo: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("whatsapp: save photo %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("whatsapp: save photo %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("whatsapp: save photo %s: %w", path, err)
	}
	return path, nil
}

// safeName keeps the characters of a message id that are safe in a file
// name; WhatsApp ids are hex, but the id comes from the network.
func safeName(id string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, id)
	if name == "" {
		return "photo"
	}
	return name
}

func photoExt(mime string) string {
	switch strings.TrimSpace(strings.SplitN(mime, ";", 2)[0]) {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	default:
		return ".jpg" // WhatsApp sends photos as JPEG
	}
}
