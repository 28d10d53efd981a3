package sigap

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // check time zones on hosts without a zoneinfo database
)

// Problem is one rule a value breaks, at a field path such as
// "faqs[3].opd".
type Problem struct {
	Field string
	Msg   string
	// First is the field of the earlier value a duplicate repeats.
	First string
}

func (p Problem) String() string {
	s := p.Field + ": " + p.Msg
	if p.First != "" {
		s += " (first at " + p.First + ")"
	}
	return s
}

// Problems lists every problem found, so that one round of editing can fix
// them all. It is an EINVALID error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// As lets ErrorCode and ErrorMessage see Problems as invalid input.
func (ps Problems) As(target any) bool {
	if t, ok := target.(**Error); ok {
		*t = &Error{Code: EINVALID, Message: ps.Error()}
		return true
	}
	return false
}

var (
	prefixPattern = regexp.MustCompile(`^[A-Z0-9]{2,6}$`)
	opdPattern    = regexp.MustCompile(`^[A-Z0-9]{2,20}$`)
	faqPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// weekdayKeys are the short weekday names of a calendar's hours, Monday
// first, as the KB file writes them.
var weekdayKeys = []struct {
	key string
	day time.Weekday
}{
	{"mon", time.Monday}, {"tue", time.Tuesday}, {"wed", time.Wednesday}, {"thu", time.Thursday},
	{"fri", time.Friday}, {"sat", time.Saturday}, {"sun", time.Sunday},
}

// WeekdayByKey returns the weekday of a short name: "mon" is Monday.
func WeekdayByKey(key string) (time.Weekday, bool) {
	for _, w := range weekdayKeys {
		if w.key == key {
			return w.day, true
		}
	}
	return 0, false
}

// validation collects problems.
type validation struct{ problems Problems }

func (v *validation) add(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// nonEmpty reports an empty text field.
func (v *validation) nonEmpty(field, s string) bool {
	if strings.TrimSpace(s) == "" {
		v.add(field, "must not be empty")
		return false
	}
	return true
}

// key checks an identifier that must be unique in its list and match rule;
// seen holds the field of each valid identifier so far.
func (v *validation) key(field, id, kind string, rule *regexp.Regexp, want string, seen map[string]string) {
	first, dup := seen[id]
	switch {
	case !v.nonEmpty(field, id):
	case dup:
		v.problems = append(v.problems, Problem{Field: field, Msg: fmt.Sprintf("duplicate %s %q", kind, id), First: first})
	case !rule.MatchString(id):
		v.add(field, "%q must be %s", id, want)
	default:
		seen[id] = field
	}
}

// Validate checks the knowledge base: every rule a KB file must meet, on
// the domain values, so that an edit made in the dashboard is checked
// exactly as a file is. It returns Problems listing every mistake.
func (k *KB) Validate() error {
	v := &validation{}
	if v.nonEmpty("prefix", k.Prefix) && !prefixPattern.MatchString(k.Prefix) {
		v.add("prefix", "%q must be 2 to 6 uppercase letters or digits", k.Prefix)
	}
	v.calendar(k.Calendar)
	v.policy("sla", k.SLA, true)
	opds := v.opds(k.OPDs)
	if v.nonEmpty("triage_opd", k.TriageOPD) && opds[k.TriageOPD] == "" {
		v.add("triage_opd", "unknown OPD %q", k.TriageOPD)
	}
	v.faqs(k.FAQs, opds)
	v.synonyms(k.Synonyms)
	if len(v.problems) > 0 {
		return v.problems
	}
	return nil
}

func (v *validation) calendar(c CalendarSpec) {
	if v.nonEmpty("calendar.timezone", c.Timezone) {
		if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "Local" {
			v.add("calendar.timezone", "unknown time zone %q (want a name such as Asia/Jakarta)", c.Timezone)
		}
	}
	open := false
	for _, wd := range weekdayKeys {
		spans := slices.Clone(c.Hours[wd.day])
		open = open || len(spans) > 0
		field := "calendar.hours." + wd.key
		slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
		for i, s := range spans {
			if s.Start < 0 || s.End > 24*60 || s.End <= s.Start {
				v.add(field, "bad span %s: not a span within one day", s)
			} else if i > 0 && s.Start < spans[i-1].End {
				v.add(field, "spans %s and %s overlap", spans[i-1], s)
			}
		}
	}
	if !open {
		v.add("calendar.hours", "no working hours on any day")
	}
	seen := map[string]bool{}
	for i, h := range c.Holidays {
		field := fmt.Sprintf("calendar.holidays[%d]", i)
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			v.add(field, "bad date %q: want YYYY-MM-DD", h)
		} else if seen[h] {
			v.add(field, "date %s given twice", h)
		}
		seen[h] = true
	}
}

// policy checks SLA targets: the default needs both, an OPD's override may
// leave either at zero.
func (v *validation) policy(path string, p SLAPolicy, both bool) {
	for _, t := range []struct {
		key string
		d   time.Duration
	}{{"first_response", p.FirstResponse}, {"resolution", p.Resolution}} {
		if t.d < 0 || (both && t.d == 0) {
			v.add(path+"."+t.key, "must be a positive working time such as 4h or 90m")
		}
	}
}

// opds checks the OPDs and returns the field of each valid code.
func (v *validation) opds(opds []OPD) map[string]string {
	if len(opds) == 0 {
		v.add("opds", "no OPDs")
	}
	codes := map[string]string{}
	for i, o := range opds {
		path := fmt.Sprintf("opds[%d]", i)
		v.key(path+".code", o.Code, "OPD", opdPattern, "2 to 20 uppercase letters or digits", codes)
		v.nonEmpty(path+".name", o.Name)
		v.texts(path+".keywords", o.Keywords)
		v.texts(path+".examples", o.Examples)
		v.policy(path+".sla", o.SLA, false)
	}
	return codes
}

func (v *validation) faqs(faqs []FAQ, opds map[string]string) {
	ids := map[string]string{}
	for i, f := range faqs {
		path := fmt.Sprintf("faqs[%d]", i)
		v.key(path+".id", f.ID, "FAQ id", faqPattern, "lowercase letters, digits, '-' or '_'", ids)
		if v.nonEmpty(path+".opd", f.OPD) && opds[f.OPD] == "" {
			v.add(path+".opd", "unknown OPD %q", f.OPD)
		}
		if len(f.Questions) == 0 {
			v.add(path+".questions", "needs at least one question")
		}
		v.texts(path+".questions", f.Questions)
		v.nonEmpty(path+".answer", f.Answer)
	}
}

// texts reports the empty items of a list of texts.
func (v *validation) texts(path string, list []string) {
	for i, s := range list {
		v.nonEmpty(fmt.Sprintf("%s[%d]", path, i), s)
	}
}

func (v *validation) synonyms(syn map[string]string) {
	words := make([]string, 0, len(syn))
	for w := range syn {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		if strings.TrimSpace(w) == "" {
			v.add("synonyms", "empty word")
			continue
		}
		v.nonEmpty("synonyms."+w, syn[w])
	}
}

// String writes a span as the KB file does, "07:30-16:00".
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}
