package outpart

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestPartsPutTheFileFirstWithTheTextAsCaptionWhenItFits(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "media"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "media", "a.pdf"), []byte("pdf"), 0o600); err != nil {
		t.Fatal(err)
	}
	short := func(s string) bool { return len(s) <= 5 }
	file := filepath.Join(dir, "media", "a.pdf")
	msg := sigap.Outbound{MediaRef: "media/a.pdf", MediaKind: sigap.KindDocument}
	tests := []struct {
		texts []string
		want  []Part
	}{
		{[]string{"halo"}, []Part{{Text: "halo", File: file, Document: true, Size: 3}}},
		{[]string{"panjang sekali"}, []Part{{File: file, Document: true, Size: 3}, {Text: "panjang sekali"}}},
		{[]string{"a", "b"}, []Part{{File: file, Document: true, Size: 3}, {Text: "a"}, {Text: "b"}}},
		{nil, []Part{{File: file, Document: true, Size: 3}}},
	}
	for _, tt := range tests {
		got, err := Parts(msg, dir, tt.texts, short)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parts(%q) = %+v, %v; want %+v", tt.texts, got, err, tt.want)
		}
	}
	if got, err := Parts(sigap.Outbound{}, dir, []string{"a", "b"}, short); err != nil || !reflect.DeepEqual(got, []Part{{Text: "a"}, {Text: "b"}}) {
		t.Errorf("Parts without a file = %+v, %v", got, err)
	}
	photo := sigap.Outbound{MediaRef: "media/a.pdf", MediaKind: sigap.KindPhoto}
	if got, _ := Parts(photo, dir, nil, short); len(got) != 1 || got[0].Document {
		t.Errorf("a photo goes as a document: %+v", got)
	}
	gone := sigap.Outbound{MediaRef: "media/gone.jpg", MediaKind: sigap.KindPhoto}
	if _, err := Parts(gone, dir, []string{"a"}, short); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Parts of a file that is gone = %v, want fs.ErrNotExist", err)
	}
}
