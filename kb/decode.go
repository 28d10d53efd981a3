package kb

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // validate time zones on hosts without a zoneinfo database
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"gopkg.in/yaml.v3"
)

// yaml.v3 reports syntax errors as "yaml: line N: message".
var yamlLinePattern = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decoder walks the YAML node tree instead of unmarshalling into structs,
// so that each problem carries its line and field path, and one mistake does
// not hide the next. It reports what is wrong with the file's form (syntax,
// unknown fields, values that do not parse); the rules of a valid KB are
// sigap.KB.Validate's, which it locates by the line of each field it read.
type decoder struct {
	file     string
	problems Errors
	lines    map[string]int // field path → line of its value
}

// at records the line of a field's value.
func (d *decoder) at(path string, n *yaml.Node) {
	if n != nil && d.lines[path] == 0 {
		d.lines[path] = n.Line
	}
}

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, &Problem{File: d.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) document(data []byte) *sigap.KB {
	if !utf8.Valid(data) {
		for i, line := range bytes.Split(data, []byte("\n")) {
			if !utf8.Valid(line) {
				d.errorf(&yaml.Node{Line: i + 1}, "", "invalid UTF-8 text (save the file as UTF-8)")
			}
		}
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLinePattern.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			d.errorf(&yaml.Node{Line: line}, "", "syntax error: %s", m[2])
		} else {
			d.errorf(nil, "", "syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
		}
		return nil
	}
	if len(doc.Content) == 0 {
		d.errorf(nil, "", "the file is empty")
		return nil
	}
	return d.kb(doc.Content[0])
}

func (d *decoder) kb(root *yaml.Node) *sigap.KB {
	kb := &sigap.KB{}
	f, ok := d.fields(root, "", "prefix", "triage_opd", "calendar", "sla", "opds", "faqs", "synonyms")
	if !ok {
		return kb
	}
	kb.Prefix = d.required(f, root, "", "prefix")
	if c := f["calendar"]; c != nil {
		kb.Calendar = d.calendar(c)
	} else {
		d.errorf(root, "calendar", "missing")
	}
	if s := f["sla"]; s != nil {
		kb.SLA = d.policy(s, "sla", true)
	} else {
		d.errorf(root, "sla", "missing")
	}
	kb.OPDs = d.opds(f["opds"], root)
	kb.TriageOPD = d.required(f, root, "", "triage_opd")
	kb.FAQs = d.faqs(f["faqs"])
	kb.Synonyms = d.synonyms(f["synonyms"])
	return kb
}

func (d *decoder) calendar(n *yaml.Node) sigap.CalendarSpec {
	spec := sigap.CalendarSpec{Hours: map[time.Weekday][]sigap.Span{}}
	f, ok := d.fields(n, "calendar", "timezone", "hours", "holidays")
	if !ok {
		return spec
	}
	spec.Timezone = d.required(f, n, "calendar", "timezone")
	if h := f["hours"]; h != nil {
		spec.Hours = d.hours(h)
	} else {
		d.errorf(n, "calendar.hours", "missing")
	}
	spec.Holidays = d.holidays(f["holidays"])
	return spec
}

func (d *decoder) hours(n *yaml.Node) map[time.Weekday][]sigap.Span {
	out := map[time.Weekday][]sigap.Span{}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "calendar.hours", `want weekdays with their spans, such as mon: "07:30-16:00"; got %s`, describe(n))
		return out
	}
	seen := map[time.Weekday]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "calendar.hours." + k.Value
		wd, ok := sigap.WeekdayByKey(k.Value)
		switch {
		case !ok:
			d.errorf(k, path, "unknown weekday (want mon, tue, wed, thu, fri, sat or sun)")
		case seen[wd]:
			d.errorf(k, path, "weekday given twice")
		default:
			seen[wd] = true
			if spans := d.spans(v, path); len(spans) > 0 {
				out[wd] = spans
			}
		}
	}
	return out
}

// spans parses "07:30-12:00,13:00-16:00"; an empty value is a closed day.
func (d *decoder) spans(n *yaml.Node, path string) []sigap.Span {
	s := d.str(n, path)
	if s == "" {
		return nil
	}
	var spans []sigap.Span
	for part := range strings.SplitSeq(s, ",") {
		sp, err := parseSpan(strings.TrimSpace(part))
		if err != nil {
			d.errorf(n, path, "bad span %q: %v", strings.TrimSpace(part), err)
			continue
		}
		spans = append(spans, sp)
	}
	slices.SortFunc(spans, func(a, b sigap.Span) int { return a.Start - b.Start })
	return spans
}

func parseSpan(s string) (sigap.Span, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return sigap.Span{}, fmt.Errorf("want HH:MM-HH:MM")
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return sigap.Span{}, err
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return sigap.Span{}, err
	}
	if end <= start {
		return sigap.Span{}, fmt.Errorf("ends at %s, not after it starts", strings.TrimSpace(b))
	}
	return sigap.Span{Start: start, End: end}, nil
}

// parseClock parses "HH:MM" into minutes from midnight; "24:00" closes a
// span at midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, fmt.Errorf("%q is not a time HH:MM", s)
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (d *decoder) holidays(n *yaml.Node) []string {
	var out []string
	for i, item := range d.list(n, "calendar.holidays") {
		out = append(out, d.str(item, index("calendar.holidays", i)))
	}
	return out
}

// policy reads SLA targets; the default policy needs both, an OPD's
// override may set either.
func (d *decoder) policy(n *yaml.Node, path string, both bool) sigap.SLAPolicy {
	var p sigap.SLAPolicy
	f, ok := d.fields(n, path, "first_response", "resolution")
	if !ok {
		return p
	}
	targets := []struct {
		key string
		dst *time.Duration
	}{{"first_response", &p.FirstResponse}, {"resolution", &p.Resolution}}
	for _, t := range targets {
		key, dst := t.key, t.dst
		v := f[key]
		if v == nil {
			if both {
				d.errorf(n, join(path, key), "missing")
			}
			continue
		}
		s := d.str(v, join(path, key))
		dur, err := time.ParseDuration(s)
		if err != nil || dur <= 0 {
			d.errorf(v, join(path, key), "bad duration %q: want working time such as 4h or 90m", s)
			continue
		}
		*dst = dur
	}
	return p
}

// opds reads the OPDs. An item that is not an OPD still takes its place,
// so that the fields of the next ones keep their index.
func (d *decoder) opds(n, root *yaml.Node) []sigap.OPD {
	if n == nil {
		d.errorf(root, "opds", "missing")
		return nil
	}
	var out []sigap.OPD
	for i, item := range d.list(n, "opds") {
		path := index("opds", i)
		var o sigap.OPD
		f, ok := d.fields(item, path, "code", "name", "description", "keywords", "examples", "sla")
		if !ok {
			out = append(out, o)
			continue
		}
		o.Code = d.required(f, item, path, "code")
		o.Name = d.required(f, item, path, "name")
		o.Description = d.str(f["description"], join(path, "description"))
		o.Keywords = d.strs(f["keywords"], join(path, "keywords"))
		o.Examples = d.strs(f["examples"], join(path, "examples"))
		if s := f["sla"]; s != nil {
			o.SLA = d.policy(s, join(path, "sla"), false)
		}
		out = append(out, o)
	}
	return out
}

func (d *decoder) faqs(n *yaml.Node) []sigap.FAQ {
	var out []sigap.FAQ
	for i, item := range d.list(n, "faqs") {
		path := index("faqs", i)
		var q sigap.FAQ
		f, ok := d.fields(item, path, "id", "opd", "questions", "answer")
		if !ok {
			out = append(out, q)
			continue
		}
		q.ID = d.required(f, item, path, "id")
		q.OPD = d.required(f, item, path, "opd")
		if qs := f["questions"]; qs == nil {
			d.errorf(item, join(path, "questions"), "missing")
		} else {
			q.Questions = d.strs(qs, join(path, "questions"))
		}
		q.Answer = d.required(f, item, path, "answer")
		out = append(out, q)
	}
	return out
}

// synonyms reads the admin's word → canonical word map; keys are folded to
// lower case and single spaces, as citizens' text is before lookup.
func (d *decoder) synonyms(n *yaml.Node) map[string]string {
	if n == nil || isNull(n) {
		return nil
	}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "synonyms", "want words with their canonical word, such as kepriwe: bagaimana; got %s", describe(n))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		word := fold(d.str(k, "synonyms"))
		path := join("synonyms", word)
		if _, twice := out[word]; twice {
			d.errorf(k, path, "word given twice")
			continue
		}
		out[word] = fold(d.str(v, path))
	}
	return out
}

func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// fields returns the value of each key of mapping n, reporting unknown keys
// (typos) and keys given twice. ok is false when n is not a mapping.
func (d *decoder) fields(n *yaml.Node, path string, known ...string) (map[string]*yaml.Node, bool) {
	n = resolve(n)
	if isNull(n) {
		return map[string]*yaml.Node{}, true
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want fields (%s), got %s", strings.Join(known, ", "), describe(n))
		return nil, false
	}
	d.at(path, n)
	out := make(map[string]*yaml.Node, len(known))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		d.at(join(path, k.Value), v)
		switch {
		case !slices.Contains(known, k.Value):
			d.errorf(k, join(path, k.Value), "unknown field (want one of %s)", strings.Join(known, ", "))
		case out[k.Value] != nil:
			d.errorf(k, join(path, k.Value), "field given twice")
		default:
			out[k.Value] = v
		}
	}
	return out, true
}

// required returns a text field, reporting it when missing; whether its
// value is acceptable is for Validate.
func (d *decoder) required(f map[string]*yaml.Node, parent *yaml.Node, path, key string) string {
	v := f[key]
	if v == nil {
		d.errorf(parent, join(path, key), "missing")
		return ""
	}
	return d.str(v, join(path, key))
}

// str returns a text value; nil (absent) and null give "".
func (d *decoder) str(n *yaml.Node, path string) string {
	n = resolve(n)
	d.at(path, n)
	if n == nil || isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "want text, got %s", describe(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (d *decoder) strs(n *yaml.Node, path string) []string {
	var out []string
	for i, item := range d.list(n, path) {
		out = append(out, d.str(item, index(path, i)))
	}
	return out
}

// list returns the items of a sequence; nil (absent) and null give none.
func (d *decoder) list(n *yaml.Node, path string) []*yaml.Node {
	n = resolve(n)
	d.at(path, n)
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list, got %s", describe(n))
		return nil
	}
	return n.Content
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "fields"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
