// Package metrics holds Sigap's Prometheus series, on
// github.com/prometheus/client_golang: messages in and out, duplicates,
// triage decisions, tickets opened, updates set aside, send errors and the
// outbox backlog, beside the Go runtime's and the process's own.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pemkab-kebumen/sigap"
)

// backlogTimeout bounds the outbox query of one scrape, so that a busy
// database makes a scrape slow, never stuck.
const backlogTimeout = 2 * time.Second

// Metrics are Sigap's series. Its methods do nothing on a nil *Metrics, so
// code that runs without metrics (tests) need not check.
type Metrics struct {
	reg                                        *prometheus.Registry
	messagesIn, duplicates, messagesOut, fails *prometheus.CounterVec
	decisions, opened, setAside                *prometheus.CounterVec
}

// New returns the series, registered with the Go and process collectors.
func New() *Metrics {
	counter := func(name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
	}
	m := &Metrics{
		reg:         prometheus.NewRegistry(),
		messagesIn:  counter("sigap_messages_in_total", "Citizen messages received, by channel.", "channel"),
		duplicates:  counter("sigap_messages_duplicate_total", "Redelivered citizen messages ignored, by channel.", "channel"),
		messagesOut: counter("sigap_messages_out_total", "Messages delivered to citizens and staff, by channel.", "channel"),
		fails:       counter("sigap_send_errors_total", "Failed delivery attempts, by channel.", "channel"),
		decisions:   counter("sigap_decisions_total", "Triage decisions, by action.", "action"),
		opened:      counter("sigap_tickets_opened_total", "Tickets opened, by OPD.", "opd"),
		setAside:    counter("sigap_updates_set_aside_total", "Updates a channel could not read or handle and set aside for admins, by channel.", "channel"),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.messagesIn, m.duplicates, m.messagesOut, m.fails, m.decisions, m.opened, m.setAside)
	return m
}

// MessageIn counts a citizen message stored.
func (m *Metrics) MessageIn(ch sigap.Channel) {
	m.inc(func() *prometheus.CounterVec { return m.messagesIn }, string(ch))
}

// Duplicate counts a redelivered message recognised.
func (m *Metrics) Duplicate(ch sigap.Channel) {
	m.inc(func() *prometheus.CounterVec { return m.duplicates }, string(ch))
}

// Decision counts a triage decision.
func (m *Metrics) Decision(a sigap.Action) {
	m.inc(func() *prometheus.CounterVec { return m.decisions }, string(a))
}

// TicketOpened counts a ticket opened in an OPD's queue.
func (m *Metrics) TicketOpened(opd string) {
	m.inc(func() *prometheus.CounterVec { return m.opened }, opd)
}

// SetAside counts an update a channel set aside.
func (m *Metrics) SetAside(ch sigap.Channel) {
	m.inc(func() *prometheus.CounterVec { return m.setAside }, string(ch))
}

// Sent counts a message a channel accepted.
func (m *Metrics) Sent(ch sigap.Channel) {
	m.inc(func() *prometheus.CounterVec { return m.messagesOut }, string(ch))
}

// SendFailed counts a failed delivery attempt.
func (m *Metrics) SendFailed(ch sigap.Channel, _ error) {
	m.inc(func() *prometheus.CounterVec { return m.fails }, string(ch))
}

// inc adds one to the series of the counter vec picks, on a Metrics that
// is not nil; vec is a function so that it is not read from a nil one.
func (m *Metrics) inc(vec func() *prometheus.CounterVec, label string) {
	if m != nil {
		vec().WithLabelValues(label).Inc()
	}
}

// WatchBacklog adds the sigap_outbox_backlog gauge, read from store at
// each scrape within backlogTimeout; a failed read is logged and the
// gauge left out of that scrape.
func (m *Metrics) WatchBacklog(store sigap.Store, log *slog.Logger) {
	m.reg.MustRegister(&backlog{store: store, log: log,
		desc: prometheus.NewDesc("sigap_outbox_backlog", "Messages waiting in the outbox.", nil, nil)})
}

// Handler serves the series at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// backlog is a collector: it reads the outbox backlog when scraped, not
// under any lock of the registry's and never longer than backlogTimeout.
type backlog struct {
	store sigap.Store
	log   *slog.Logger
	desc  *prometheus.Desc
}

func (b *backlog) Describe(ch chan<- *prometheus.Desc) { ch <- b.desc }

func (b *backlog) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
	defer cancel()
	n, err := sigap.Read(ctx, b.store, func(tx sigap.Tx) (int, error) { return tx.OutboxBacklog(ctx) })
	if err != nil {
		b.log.Error("metrics: outbox backlog", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(b.desc, prometheus.GaugeValue, float64(n))
}
