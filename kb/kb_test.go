package kb_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
)

// minimal is a valid KB; the line numbers in the cases below refer to it.
const minimal = `prefix: KBM
triage_opd: KOMINFO
calendar:
  timezone: Asia/Jakarta
  hours:
    mon: "07:30-16:00"
    fri: "07:30-11:00"
  holidays: [2024-04-10]
sla:
  first_response: 4h
  resolution: 24h
opds:
  - code: KOMINFO
    name: Dinas Komunikasi dan Informatika
  - code: DINKES
    name: Dinas Kesehatan
    sla:
      first_response: 2h
faqs:
  - id: imunisasi
    opd: DINKES
    questions: ["Jadwal imunisasi kapan?"]
    answer: Setiap bulan di posyandu.
`

func TestParseMinimal(t *testing.T) {
	k, err := kb.Parse("kb.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if k.Prefix != "KBM" || k.TriageOPD != "KOMINFO" {
		t.Errorf("prefix, triage = %q, %q", k.Prefix, k.TriageOPD)
	}
	wantHours := map[time.Weekday][]sigap.Span{
		time.Monday: {{Start: 450, End: 960}},
		time.Friday: {{Start: 450, End: 660}},
	}
	if len(k.Calendar.Hours) != len(wantHours) ||
		!slices.Equal(k.Calendar.Hours[time.Monday], wantHours[time.Monday]) ||
		!slices.Equal(k.Calendar.Hours[time.Friday], wantHours[time.Friday]) {
		t.Errorf("hours = %v, want %v", k.Calendar.Hours, wantHours)
	}
	if k.Calendar.Timezone != "Asia/Jakarta" || !slices.Equal(k.Calendar.Holidays, []string{"2024-04-10"}) {
		t.Errorf("calendar = %+v", k.Calendar)
	}
	if got := k.Policy("DINKES"); got != (sigap.SLAPolicy{FirstResponse: 2 * time.Hour, Resolution: 24 * time.Hour}) {
		t.Errorf("DINKES policy = %+v", got)
	}
	if got := k.Policy("KOMINFO"); got != (sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour}) {
		t.Errorf("KOMINFO policy = %+v", got)
	}
	f, ok := k.FAQ("imunisasi")
	if !ok || f.OPD != "DINKES" || !slices.Equal(f.Questions, []string{"Jadwal imunisasi kapan?"}) || f.Answer != "Setiap bulan di posyandu." {
		t.Errorf("faq = %+v, %v", f, ok)
	}
}

func TestParseSeveralSpansAndSynonyms(t *testing.T) {
	src := strings.Replace(minimal, `mon: "07:30-16:00"`, `mon: "13:00-16:00, 07:30-12:00"`, 1) +
		"synonyms:\n  Kepriwe: bagaimana\n  KTP  El: ktp\n"
	k, err := kb.Parse("kb.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []sigap.Span{{Start: 450, End: 720}, {Start: 780, End: 960}}
	if got := k.Calendar.Hours[time.Monday]; !slices.Equal(got, want) {
		t.Errorf("monday = %v, want %v (sorted)", got, want)
	}
	if k.Synonyms["kepriwe"] != "bagaimana" || k.Synonyms["ktp el"] != "ktp" || len(k.Synonyms) != 2 {
		t.Errorf("synonyms = %v", k.Synonyms)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace the first old in minimal by new
		add      string // appended to minimal (starts at line 24)
		want     string
	}{
		{name: "yaml syntax", old: "  first_response: 4h\n", new: "  first_response: 4h: x\n",
			want: "kb.yaml:10: syntax error: mapping values are not allowed in this context"},
		{name: "unknown field", old: "    questions: [", new: "    qustions: [",
			want: "kb.yaml:22: faqs[0].qustions: unknown field (want one of id, opd, questions, answer)"},
		{name: "unknown top-level field", add: "prefx: KB\n",
			want: "kb.yaml:24: prefx: unknown field"},
		{name: "field twice", add: "prefix: KBM\n",
			want: "kb.yaml:24: prefix: field given twice"},
		{name: "unknown OPD in FAQ", old: "    opd: DINKES", new: "    opd: DISDUKCAPL",
			want: `kb.yaml:21: faqs[0].opd: unknown OPD "DISDUKCAPL"`},
		{name: "duplicate OPD code", old: "  - code: DINKES", new: "  - code: KOMINFO",
			want: `kb.yaml:15: opds[1].code: duplicate OPD "KOMINFO" (first at line 13)`},
		{name: "duplicate FAQ id", add: "  - id: imunisasi\n    opd: DINKES\n    questions: [\"Vaksin anak?\"]\n    answer: Di puskesmas.\n",
			want: `kb.yaml:24: faqs[1].id: duplicate FAQ id "imunisasi" (first at line 20)`},
		{name: "bad duration", old: "  resolution: 24h", new: "  resolution: 24 jam",
			want: `kb.yaml:11: sla.resolution: bad duration "24 jam"`},
		{name: "negative OPD duration", old: "      first_response: 2h", new: "      first_response: -2h",
			want: `kb.yaml:18: opds[1].sla.first_response: bad duration "-2h"`},
		{name: "duration without unit", old: "  first_response: 4h", new: "  first_response: 4",
			want: `kb.yaml:10: sla.first_response: bad duration "4"`},
		{name: "missing default target", old: "  resolution: 24h\n", new: "",
			want: "kb.yaml:10: sla.resolution: missing"},
		{name: "bad span format", old: `mon: "07:30-16:00"`, new: `mon: "7.30-16.00"`,
			want: `kb.yaml:6: calendar.hours.mon: bad span "7.30-16.00"`},
		{name: "bad minutes", old: `mon: "07:30-16:00"`, new: `mon: "07:30-16:75"`,
			want: `kb.yaml:6: calendar.hours.mon: bad span "07:30-16:75": "16:75" is not a time of day`},
		{name: "span ends before start", old: `mon: "07:30-16:00"`, new: `mon: "16:00-07:30"`,
			want: `kb.yaml:6: calendar.hours.mon: bad span "16:00-07:30": ends at 07:30, not after it starts`},
		{name: "overlapping spans", old: `mon: "07:30-16:00"`, new: `mon: "07:30-12:00,11:00-16:00"`,
			want: "kb.yaml:6: calendar.hours.mon: spans 07:30-12:00 and 11:00-16:00 overlap"},
		{name: "unknown weekday", old: `    fri: "07:30-11:00"`, new: `    jum: "07:30-11:00"`,
			want: "kb.yaml:7: calendar.hours.jum: unknown weekday (want mon, tue, wed, thu, fri, sat or sun)"},
		{name: "no working hours", old: "    mon: \"07:30-16:00\"\n    fri: \"07:30-11:00\"\n", new: "    mon: \"\"\n    fri: \"\"\n",
			want: "kb.yaml:6: calendar.hours: no working hours on any day"},
		{name: "missing triage OPD", old: "triage_opd: KOMINFO\n", new: "# no triage desk\n",
			want: "kb.yaml:1: triage_opd: missing"},
		{name: "unknown triage OPD", old: "triage_opd: KOMINFO", new: "triage_opd: TRIASE",
			want: `kb.yaml:2: triage_opd: unknown OPD "TRIASE"`},
		{name: "empty answer", old: "    answer: Setiap bulan di posyandu.", new: `    answer: ""`,
			want: "kb.yaml:23: faqs[0].answer: must not be empty"},
		{name: "missing answer", old: "    answer: Setiap bulan di posyandu.\n", new: "",
			want: "kb.yaml:20: faqs[0].answer: missing"},
		{name: "FAQ without questions", old: `    questions: ["Jadwal imunisasi kapan?"]`, new: "    questions: []",
			want: "kb.yaml:22: faqs[0].questions: needs at least one question"},
		{name: "empty question", old: `    questions: ["Jadwal imunisasi kapan?"]`, new: `    questions: ["Jadwal imunisasi kapan?", ""]`,
			want: "kb.yaml:22: faqs[0].questions[1]: must not be empty"},
		{name: "missing prefix", old: "prefix: KBM\n", new: "# no prefix\n",
			want: "kb.yaml:2: prefix: missing"},
		{name: "lowercase prefix", old: "prefix: KBM", new: "prefix: kbm",
			want: `kb.yaml:1: prefix: "kbm" must be 2 to 6 uppercase letters or digits`},
		{name: "long prefix", old: "prefix: KBM", new: "prefix: KEBUMEN",
			want: `kb.yaml:1: prefix: "KEBUMEN" must be 2 to 6 uppercase letters or digits`},
		{name: "bad time zone", old: "timezone: Asia/Jakarta", new: "timezone: Asia/Jakrta",
			want: `kb.yaml:4: calendar.timezone: unknown time zone "Asia/Jakrta"`},
		{name: "bad holiday date", old: "[2024-04-10]", new: "[2024-02-30]",
			want: `kb.yaml:8: calendar.holidays[0]: bad date "2024-02-30": want YYYY-MM-DD`},
		{name: "holiday twice", old: "[2024-04-10]", new: "[2024-04-10, 2024-04-10]",
			want: "kb.yaml:8: calendar.holidays[1]: date 2024-04-10 given twice"},
		{name: "lowercase OPD code", old: "  - code: DINKES", new: "  - code: dinkes",
			want: `kb.yaml:15: opds[1].code: "dinkes" must be 2 to 20 uppercase letters or digits`},
		{name: "OPD code with space", old: "  - code: DINKES", new: "  - code: DIN KES",
			want: `kb.yaml:15: opds[1].code: "DIN KES" must be 2 to 20 uppercase letters or digits`},
		{name: "OPD without name", old: "    name: Dinas Kesehatan\n", new: "",
			want: "kb.yaml:15: opds[1].name: missing"},
		{name: "opds not a list", old: "opds:\n  - code: KOMINFO\n    name: Dinas Komunikasi dan Informatika\n  - code: DINKES\n    name: Dinas Kesehatan\n    sla:\n      first_response: 2h\n",
			new:  "opds: KOMINFO\n",
			want: `kb.yaml:12: opds: want a list, got "KOMINFO"`},
		{name: "bad FAQ id", old: "  - id: imunisasi", new: "  - id: Imunisasi Anak",
			want: `kb.yaml:20: faqs[0].id: "Imunisasi Anak" must be lowercase letters, digits, '-' or '_'`},
		{name: "empty synonym", add: "synonyms:\n  kepriwe: \"\"\n",
			want: "kb.yaml:25: synonyms.kepriwe: must not be empty"},
		{name: "invalid UTF-8", old: "    name: Dinas Kesehatan", new: "    name: Dinas Kes\xffhatan",
			want: "kb.yaml:16: invalid UTF-8 text"},
		{name: "empty file", old: minimal, new: "",
			want: "kb.yaml: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("test bug: %q not in minimal", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			src += tt.add
			k, err := kb.Parse("kb.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error, want %q; got KB %+v", tt.want, k)
			}
			if k != nil {
				t.Errorf("got a KB along with the error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant a line containing:\n%s", err, tt.want)
			}
		})
	}
}

func TestParseCollectsAllProblems(t *testing.T) {
	src := strings.NewReplacer(
		"prefix: KBM", "prefix: kbm",
		"timezone: Asia/Jakarta", "timezone: Mars/Olympus",
		"    opd: DINKES", "    opd: DINKESS",
		"  resolution: 24h", "  resolution: sehari",
	).Replace(minimal)
	_, err := kb.Parse("kb.yaml", []byte(src))
	var list kb.Errors
	if !errors.As(err, &list) {
		t.Fatalf("error %v is not kb.Errors", err)
	}
	var got []string
	for _, p := range list {
		got = append(got, p.Field)
	}
	want := []string{"prefix", "calendar.timezone", "sla.resolution", "faqs[0].opd"}
	if !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v in line order", got, want)
	}
	if list[3].Line != 21 || list[3].File != "kb.yaml" {
		t.Errorf("last problem at %s:%d, want kb.yaml:21", list[3].File, list[3].Line)
	}
	if code := sigap.ErrorCode(err); code != sigap.EINVALID {
		t.Errorf("ErrorCode = %q, want %q", code, sigap.EINVALID)
	}
	if msg := sigap.ErrorMessage(err); strings.Count(msg, "\n") != 3 {
		t.Errorf("ErrorMessage should list all 4 problems, got:\n%s", msg)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kb.yaml")
	bad := strings.Replace(minimal, "opd: DINKES", "opd: NOPE", 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := kb.Load(path)
	if want := path + `:21: faqs[0].opd: unknown OPD "NOPE"`; err == nil || err.Error() != want {
		t.Errorf("Load error = %v, want %s", err, want)
	}
	if _, err := kb.Load(filepath.Join(dir, "missing.yaml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want a not-exist error", err)
	}
}

func TestDefault(t *testing.T) {
	k := kb.Default()
	if k.Prefix != "KBM" || k.TriageOPD != "DISKOMINFO" {
		t.Errorf("prefix, triage = %q, %q", k.Prefix, k.TriageOPD)
	}
	if _, ok := k.OPD(k.TriageOPD); !ok {
		t.Errorf("triage OPD %s is not among the OPDs", k.TriageOPD)
	}
	if len(k.OPDs) < 20 || len(k.FAQs) < 40 {
		t.Errorf("%d OPDs and %d FAQs, want the full regency", len(k.OPDs), len(k.FAQs))
	}
	for _, o := range k.OPDs {
		if o.Description == "" || len(o.Keywords) == 0 || len(o.Examples) < 3 || len(o.Examples) > 5 {
			t.Errorf("OPD %s needs a description, keywords and 3-5 examples", o.Code)
		}
	}
	if p := k.Policy("BPBD"); p.FirstResponse != time.Hour {
		t.Errorf("BPBD first response = %v, want 1h", p.FirstResponse)
	}
	fri := k.Calendar.Hours[time.Friday]
	if len(fri) != 1 || fri[0] != (sigap.Span{Start: 7*60 + 30, End: 11 * 60}) {
		t.Errorf("friday = %v, want 07:30-11:00", fri)
	}

	// Each call is a fresh copy: one caller's change is not another's.
	k.OPDs[0].Name = "changed"
	if kb.Default().OPDs[0].Name == "changed" {
		t.Error("Default shares its KB between callers")
	}
	again, err := kb.Parse("kebumen.yaml", kb.DefaultYAML())
	if err != nil || len(again.FAQs) != len(k.FAQs) {
		t.Errorf("DefaultYAML does not parse to the default KB: %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for name, k := range map[string]*sigap.KB{"default": kb.Default(), "minimal": mustParse(t, minimal)} {
		data, err := kb.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		again, err := kb.Parse("marshalled.yaml", data)
		if err != nil {
			t.Fatalf("%s: the marshalled KB does not parse: %v\n%s", name, err, data)
		}
		if !reflect.DeepEqual(again, k) {
			t.Errorf("%s: round trip changed the KB:\n got %+v\nwant %+v", name, again, k)
		}
	}
	data, _ := kb.Marshal(mustParse(t, minimal))
	for _, want := range []string{"first_response: 4h\n", "resolution: 24h\n", `mon: 07:30-16:00`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("marshalled KB lacks %q:\n%s", want, data)
		}
	}
}

func mustParse(t *testing.T, src string) *sigap.KB {
	t.Helper()
	k, err := kb.Parse("kb.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
