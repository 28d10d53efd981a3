package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/mediafile"
)

// photoDir is the folder of the media folder that holds Telegram photos.
const photoDir = "telegram"

// maxPhotoBytes is the most the Bot API lets a bot download.
const maxPhotoBytes = 20 << 20

// photoTimeout bounds a download, so a slow file does not hold up the
// messages behind it.
const photoTimeout = 30 * time.Second

// savePhoto downloads a photo message's file into the data folder and
// points in.MediaRef at it, so staff see the photo on the ticket page. A
// photo that cannot be fetched keeps its file id: the message is stored
// all the same, and staff can still find the photo in Telegram.
func (a *Adapter) savePhoto(ctx context.Context, in *sigap.Inbound) {
	if in.Kind != sigap.KindPhoto || a.dataDir == "" || in.MediaRef == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, photoTimeout)
	defer cancel()
	p, err := a.download(ctx, in.MediaRef, in.At)
	if err != nil {
		a.log.Warn("telegram: photo not downloaded; keeping its file id", "message", in.PlatformID, "err", err)
		return
	}
	in.MediaRef = p
}

func (a *Adapter) download(ctx context.Context, fileID string, at time.Time) (string, error) {
	file, err := a.api(ctx).GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return "", a.callError("getFile", err)
	}
	// Files live beside the methods: /file/bot<token>/<path> where the
	// methods are /bot<token>/<method>, also on a self-hosted Bot API.
	pattern := strings.Replace(a.endpoint, "/bot%s/%s", "/file/bot%s/%s", 1)
	if pattern == a.endpoint {
		return "", errors.New("telegram: the Bot API endpoint has no /bot%s/%s to derive the file address from")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(pattern, a.token, file.FilePath), nil)
	if err != nil {
		return "", a.callError("download", err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return "", a.callError("download", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("telegram: download %s: HTTP %d", file.FilePath, resp.StatusCode)
	}
	ext := path.Ext(file.FilePath)
	if ext == "" {
		ext = ".jpg"
	}
	id := file.FileUniqueID
	if id == "" {
		id = fileID
	}
	p, err := mediafile.Save(a.dataDir, photoDir, at, id, ext, resp.Body, maxPhotoBytes)
	if err != nil {
		return "", fmt.Errorf("telegram: %w", err)
	}
	return p, nil
}
