// Package metrics keeps Sigap's counters and writes them in the Prometheus
// text exposition format. It is deliberately small: a few labelled
// counters and gauges read at scrape time.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Registry holds counters and gauges.
type Registry struct {
	mu       sync.Mutex
	counters map[string]*Counter
	gauges   map[string]gauge
}

type gauge struct {
	help string
	read func() float64
}

// Counter is a monotonically increasing count per label value.
type Counter struct {
	name, help, label string
	mu                sync.Mutex
	values            map[string]float64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{counters: map[string]*Counter{}, gauges: map[string]gauge{}}
}

// Counter returns the counter of that name, creating it. label names the
// one label it is split by ("" for none).
func (r *Registry) Counter(name, help, label string) *Counter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.counters[name]; ok {
		return c
	}
	c := &Counter{name: name, help: help, label: label, values: map[string]float64{}}
	r.counters[name] = c
	return c
}

// Gauge registers a value read at scrape time.
func (r *Registry) Gauge(name, help string, read func() float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gauges[name] = gauge{help: help, read: read}
}

// Inc adds one for the label value. A nil counter does nothing, so code
// that runs without metrics (tests, replay) need not check.
func (c *Counter) Inc(value string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.values[value]++
	c.mu.Unlock()
}

// WriteTo writes every metric in the text exposition format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	r.mu.Lock()
	names := make([]string, 0, len(r.counters)+len(r.gauges))
	for n := range r.counters {
		names = append(names, n)
	}
	for n := range r.gauges {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if c, ok := r.counters[n]; ok {
			c.write(&b)
			continue
		}
		g := r.gauges[n]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", n, g.help, n, n, g.read())
	}
	r.mu.Unlock()
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func (c *Counter) write(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if c.label == "" {
			fmt.Fprintf(b, "%s %g\n", c.name, c.values[k])
		} else {
			fmt.Fprintf(b, "%s{%s=%q} %g\n", c.name, c.label, k, c.values[k])
		}
	}
}

// Handler serves the registry at /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.WriteTo(w)
	})
}
