package outpart

import (
	"fmt"
	"os"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/mediafile"
)

// Part is one platform message of a reply: a text, or a file with the
// text as its caption.
type Part struct {
	Text     string
	File     string // the path of the file to send; "" for a text
	Document bool   // the file goes as a document, not as a photo
	Size     int64  // the file's size in bytes
}

// Parts lays out a reply as the platform messages that deliver it: msg's
// file first (msg.MediaRef taken in dataDir, see mediafile.Path), with the
// text as its caption when the text is one part and caption accepts it,
// then texts, the text's parts. A file that is gone is an error.
func Parts(msg sigap.Outbound, dataDir string, texts []string, caption func(string) bool) ([]Part, error) {
	var out []Part
	if msg.MediaRef != "" {
		file := mediafile.Path(dataDir, msg.MediaRef)
		fi, err := os.Stat(file)
		if err != nil {
			return nil, fmt.Errorf("file %s: %w", msg.MediaRef, err)
		}
		p := Part{File: file, Document: msg.MediaKind != sigap.KindPhoto, Size: fi.Size()}
		if len(texts) == 1 && caption(texts[0]) {
			p.Text, texts = texts[0], nil
		}
		out = append(out, p)
	}
	for _, t := range texts {
		out = append(out, Part{Text: t})
	}
	return out, nil
}
