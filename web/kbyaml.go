package web

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
)

// The yaml* types write a KB in the import format package kb reads, so an
// admin's edit is validated by the same rules as a file.
type yamlKB struct {
	Prefix    string            `yaml:"prefix"`
	TriageOPD string            `yaml:"triage_opd"`
	Calendar  yamlCalendar      `yaml:"calendar"`
	SLA       yamlSLA           `yaml:"sla"`
	OPDs      []yamlOPD         `yaml:"opds"`
	FAQs      []yamlFAQ         `yaml:"faqs"`
	Synonyms  map[string]string `yaml:"synonyms,omitempty"`
}

type yamlCalendar struct {
	Timezone string            `yaml:"timezone"`
	Hours    map[string]string `yaml:"hours"`
	Holidays []string          `yaml:"holidays,omitempty"`
}

type yamlSLA struct {
	FirstResponse string `yaml:"first_response,omitempty"`
	Resolution    string `yaml:"resolution,omitempty"`
}

type yamlOPD struct {
	Code        string   `yaml:"code"`
	Name        string   `yaml:"name"`
	Description string   `yaml:"description,omitempty"`
	Keywords    []string `yaml:"keywords,omitempty"`
	Examples    []string `yaml:"examples,omitempty"`
	SLA         *yamlSLA `yaml:"sla,omitempty"`
}

type yamlFAQ struct {
	ID        string   `yaml:"id"`
	OPD       string   `yaml:"opd"`
	Questions []string `yaml:"questions"`
	Answer    string   `yaml:"answer"`
}

var weekdayKeys = map[time.Weekday]string{
	time.Monday: "mon", time.Tuesday: "tue", time.Wednesday: "wed", time.Thursday: "thu",
	time.Friday: "fri", time.Saturday: "sat", time.Sunday: "sun",
}

// formatDuration writes a duration the way people write targets: 4h, 90m,
// 1h30m.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func formatSpans(spans []sigap.Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
	}
	return strings.Join(parts, ",")
}

// marshalKB writes k in the knowledge-base YAML format.
func marshalKB(k *sigap.KB) ([]byte, error) {
	y := yamlKB{
		Prefix:    k.Prefix,
		TriageOPD: k.TriageOPD,
		Calendar:  yamlCalendar{Timezone: k.Calendar.Timezone, Hours: map[string]string{}, Holidays: k.Calendar.Holidays},
		SLA:       yamlSLA{FirstResponse: formatDuration(k.SLA.FirstResponse), Resolution: formatDuration(k.SLA.Resolution)},
		Synonyms:  k.Synonyms,
	}
	for wd, spans := range k.Calendar.Hours {
		if len(spans) > 0 {
			y.Calendar.Hours[weekdayKeys[wd]] = formatSpans(spans)
		}
	}
	for _, o := range k.OPDs {
		yo := yamlOPD{Code: o.Code, Name: o.Name, Description: o.Description, Keywords: o.Keywords, Examples: o.Examples}
		if o.SLA != (sigap.SLAPolicy{}) {
			yo.SLA = &yamlSLA{FirstResponse: formatDuration(o.SLA.FirstResponse), Resolution: formatDuration(o.SLA.Resolution)}
		}
		y.OPDs = append(y.OPDs, yo)
	}
	for _, f := range k.FAQs {
		y.FAQs = append(y.FAQs, yamlFAQ{ID: f.ID, OPD: f.OPD, Questions: f.Questions, Answer: f.Answer})
	}
	data, err := yaml.Marshal(y)
	if err != nil {
		return nil, fmt.Errorf("web: marshal KB: %w", err)
	}
	return data, nil
}

// validKB checks an edited KB with package kb's rules and returns the KB
// as kb reads it back. Line numbers of the generated YAML mean nothing to
// the admin, so problems are reported by field.
func validKB(k *sigap.KB) (*sigap.KB, error) {
	data, err := marshalKB(k)
	if err != nil {
		return nil, err
	}
	out, err := kb.Parse("admin", data)
	var problems kb.Errors
	if errors.As(err, &problems) {
		lines := make([]string, 0, len(problems))
		for _, p := range problems {
			lines = append(lines, strings.TrimPrefix(p.Field+": ", ": ")+p.Msg)
		}
		sort.Strings(lines)
		return nil, sigap.Errorf(sigap.EINVALID, "Perubahan tidak disimpan karena data tidak sah: %s", strings.Join(lines, "; "))
	} else if err != nil {
		return nil, fmt.Errorf("web: check KB: %w", err)
	}
	return out, nil
}

// cloneKB copies the parts of k an admin edits, so the KB in force is never
// changed in place.
func cloneKB(k *sigap.KB) *sigap.KB {
	c := *k
	c.OPDs = append([]sigap.OPD(nil), k.OPDs...)
	c.FAQs = append([]sigap.FAQ(nil), k.FAQs...)
	return &c
}
