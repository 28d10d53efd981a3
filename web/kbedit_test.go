package web

import (
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
)

func TestValidateAnEditedKB(t *testing.T) {
	base, err := kb.Parse("test.yaml", []byte(testKB))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		edit   func(k *sigap.KB)
		errHas string
	}{
		{"unchanged", func(*sigap.KB) {}, ""},
		{"FAQ of an unknown OPD", func(k *sigap.KB) { k.FAQs[0].OPD = "NOPE" }, `faqs[0].opd: unknown OPD "NOPE"`},
		{"empty answer", func(k *sigap.KB) { k.FAQs[0].Answer = "" }, "faqs[0].answer"},
		{"duplicate OPD code", func(k *sigap.KB) { k.OPDs[1].Code = "DISDUKCAPIL" }, "DISDUKCAPIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := cloneKB(base)
			tt.edit(k)
			err := k.Validate()
			if tt.errHas == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(k.FAQs) != len(base.FAQs) || k.Policy("DISDUKCAPIL").FirstResponse != 2*time.Hour {
					t.Errorf("the clone lost data: %+v", k)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %v, want one naming %q", err, tt.errHas)
			}
			if base.FAQs[0].OPD != "DISDUKCAPIL" || base.OPDs[1].Code != "DINKES" || base.FAQs[0].Answer == "" {
				t.Error("the edit changed the KB it was cloned from")
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "", 4 * time.Hour: "4h", 90 * time.Minute: "1h30m", 45 * time.Minute: "45m"} {
		if got := kb.DurationText(d); got != want {
			t.Errorf("kb.DurationText(%s) = %q, want %q", d, got, want)
		}
	}
}
