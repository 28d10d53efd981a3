package kb

import (
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestChangesListEachEntryBeforeAndAfter(t *testing.T) {
	old := &sigap.KB{
		OPDs: []sigap.OPD{{Code: "DINKES", Name: "Dinas Kesehatan"}},
		FAQs: []sigap.FAQ{{ID: "a", OPD: "DINKES", Questions: []string{"q"}, Answer: "lama"}, {ID: "gone", OPD: "DINKES", Answer: "x"}},
	}
	edited := &sigap.KB{
		OPDs: []sigap.OPD{{Code: "DINKES", Name: "Dinas Kesehatan"}},
		FAQs: []sigap.FAQ{{ID: "a", OPD: "DINKES", Questions: []string{"q"}, Answer: "baru"}, {ID: "new", OPD: "DINKES", Answer: "y"}},
	}
	want := strings.Join([]string{
		`faq a: sebelum: {"id":"a","opd":"DINKES","questions":["q"],"answer":"lama"} sesudah: {"id":"a","opd":"DINKES","questions":["q"],"answer":"baru"}`,
		`faq new: sebelum: – sesudah: {"id":"new","opd":"DINKES","questions":null,"answer":"y"}`,
		`faq gone: sebelum: {"id":"gone","opd":"DINKES","questions":null,"answer":"x"} sesudah: –`,
	}, "\n")
	if got := Changes(old, edited); got != want {
		t.Errorf("Changes:\n%s\nwant:\n%s", got, want)
	}
	if got := Changes(old, old); got != "" {
		t.Errorf("Changes of equal KBs: %q", got)
	}
}
