package kb

import (
	"fmt"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"gopkg.in/yaml.v3"
)

// The file layout, for writing a KB back in the format Parse reads.
type (
	file struct {
		Prefix    string            `yaml:"prefix"`
		TriageOPD string            `yaml:"triage_opd"`
		Calendar  calendarFile      `yaml:"calendar"`
		SLA       policyFile        `yaml:"sla"`
		OPDs      []opdFile         `yaml:"opds"`
		FAQs      []faqFile         `yaml:"faqs,omitempty"`
		Synonyms  map[string]string `yaml:"synonyms,omitempty"`
	}
	calendarFile struct {
		Timezone string    `yaml:"timezone"`
		Hours    hoursFile `yaml:"hours"`
		Holidays []string  `yaml:"holidays,omitempty"`
	}
	// hoursFile keeps the weekdays in calendar order, not alphabetical.
	hoursFile struct {
		Mon string `yaml:"mon,omitempty"`
		Tue string `yaml:"tue,omitempty"`
		Wed string `yaml:"wed,omitempty"`
		Thu string `yaml:"thu,omitempty"`
		Fri string `yaml:"fri,omitempty"`
		Sat string `yaml:"sat,omitempty"`
		Sun string `yaml:"sun,omitempty"`
	}
	policyFile struct {
		FirstResponse string `yaml:"first_response,omitempty" json:"first_response,omitempty"`
		Resolution    string `yaml:"resolution,omitempty" json:"resolution,omitempty"`
	}
	opdFile struct {
		Code        string      `yaml:"code" json:"code"`
		Name        string      `yaml:"name" json:"name"`
		Description string      `yaml:"description,omitempty" json:"description,omitempty"`
		Keywords    []string    `yaml:"keywords,omitempty,flow" json:"keywords,omitempty"`
		Examples    []string    `yaml:"examples,omitempty" json:"examples,omitempty"`
		SLA         *policyFile `yaml:"sla,omitempty" json:"sla,omitempty"`
	}
	faqFile struct {
		ID        string   `yaml:"id" json:"id"`
		OPD       string   `yaml:"opd" json:"opd"`
		Questions []string `yaml:"questions" json:"questions"`
		Answer    string   `yaml:"answer" json:"answer"`
	}
)

// Marshal writes k in the YAML format Parse reads, so that a KB edited in
// the dashboard can be stored and loaded again.
func Marshal(k *sigap.KB) ([]byte, error) {
	f := file{
		Prefix:    k.Prefix,
		TriageOPD: k.TriageOPD,
		Calendar: calendarFile{
			Timezone: k.Calendar.Timezone,
			Holidays: k.Calendar.Holidays,
			Hours: hoursFile{
				Mon: spansText(k.Calendar.Hours[time.Monday]), Tue: spansText(k.Calendar.Hours[time.Tuesday]),
				Wed: spansText(k.Calendar.Hours[time.Wednesday]), Thu: spansText(k.Calendar.Hours[time.Thursday]),
				Fri: spansText(k.Calendar.Hours[time.Friday]), Sat: spansText(k.Calendar.Hours[time.Saturday]),
				Sun: spansText(k.Calendar.Hours[time.Sunday]),
			},
		},
		SLA:      policyText(k.SLA),
		Synonyms: k.Synonyms,
	}
	for _, o := range k.OPDs {
		f.OPDs = append(f.OPDs, opdEntry(o))
	}
	for _, q := range k.FAQs {
		f.FAQs = append(f.FAQs, faqEntry(q))
	}
	data, err := yaml.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("kb: marshal: %w", err)
	}
	return data, nil
}

func opdEntry(o sigap.OPD) opdFile {
	of := opdFile{Code: o.Code, Name: o.Name, Description: o.Description, Keywords: o.Keywords, Examples: o.Examples}
	if o.SLA != (sigap.SLAPolicy{}) {
		p := policyText(o.SLA)
		of.SLA = &p
	}
	return of
}

func faqEntry(q sigap.FAQ) faqFile {
	return faqFile{ID: q.ID, OPD: q.OPD, Questions: q.Questions, Answer: q.Answer}
}

func spansText(spans []sigap.Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

func policyText(p sigap.SLAPolicy) policyFile {
	return policyFile{FirstResponse: DurationText(p.FirstResponse), Resolution: DurationText(p.Resolution)}
}

// DurationText writes a target as the KB file does: 4h rather than Go's
// 4h0m0s; 0 is left out.
func DurationText(d time.Duration) string {
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
