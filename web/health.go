package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/pemkab-kebumen/sigap"
)

// Health serves /healthz: the database's state, the outbox backlog, each
// channel's state and which instance runs the channels (holder's word, as
// JSON), as JSON; 503 when the database does not answer, so a load
// balancer or systemd watchdog can act. The database's error goes to the
// log, not to whoever asks: /healthz is often public.
func Health(store sigap.Store, channels func() []sigap.ChannelState, holder func(context.Context) any, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, code := "ok", http.StatusOK
		backlog, err := sigap.Read(r.Context(), store, func(tx sigap.Tx) (int, error) { return tx.OutboxBacklog(r.Context()) })
		if err != nil {
			log.Error("healthz: database", "err", err)
			status, code = "database unavailable", http.StatusServiceUnavailable
		}
		writeJSON(w, code, map[string]any{"status": status, "outbox_backlog": backlog, "channels": channels(),
			"channels_holder": holder(r.Context())})
	})
}
