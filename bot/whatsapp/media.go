package whatsapp

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/pemkab-kebumen/sigap/bot/mediafile"
)

// photoDir is the folder of the media folder that holds WhatsApp photos.
const photoDir = "whatsapp"

// maxPhotoBytes bounds a photo kept for staff; WhatsApp compresses photos
// far below it.
const maxPhotoBytes = 64 << 20

// savePhoto downloads the photo of evt into the data folder and returns
// its reference, media/whatsapp/<year-month>/<message id>.<ext>, relative
// to the data folder as the dashboard and anonymize resolve it.
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
	path, err := mediafile.Save(a.cfg.DataDir, photoDir, at, evt.Info.ID, photoExt(img.GetMimetype()), bytes.NewReader(data), maxPhotoBytes)
	if err != nil {
		return "", fmt.Errorf("whatsapp: photo %s: %w", evt.Info.ID, err)
	}
	return path, nil
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
