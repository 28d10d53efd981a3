package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/pemkab-kebumen/sigap"
)

// HealthConfig is what /healthz reports on.
type HealthConfig struct {
	Store sigap.Store
	// Writes reports whether the database takes writes: nil, or why not
	// (a full disk, a read-only file). Reads alone prove nothing: a full
	// disk still answers them.
	Writes func(ctx context.Context) error
	// Channels reports each channel's state.
	Channels func() []sigap.ChannelState
	// Folders name the places whose file system's free space is reported
	// ("database": the database file's folder, "data": the data folder).
	Folders map[string]string
	// Holder says which instance runs the channels (the one holding the
	// database's lease), as JSON; nil for none at this moment.
	Holder func(ctx context.Context) any
	Logger *slog.Logger
}

// diskReport is the free space of one folder's file system.
type diskReport struct {
	FreeBytes  uint64 `json:"free_bytes"`
	TotalBytes uint64 `json:"total_bytes"`
}

// Health serves /healthz: whether the database answers reads and takes
// writes, the outbox backlog, each channel's state and the free space of
// the database's and the data folder's file systems, as JSON; 503 when
// the database cannot read or write, so a load balancer or systemd
// watchdog can act. Errors go to the log, not to whoever asks: /healthz
// is often public.
func Health(cfg HealthConfig) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		status, code := "ok", http.StatusOK
		reads, writes := "ok", "ok"
		backlog, err := sigap.Read(ctx, cfg.Store, func(tx sigap.Tx) (int, error) { return tx.OutboxBacklog(ctx) })
		if err != nil {
			cfg.Logger.Error("healthz: database", "err", err)
			status, code, reads = "database unavailable", http.StatusServiceUnavailable, "failing"
		}
		if err := cfg.Writes(ctx); err != nil {
			cfg.Logger.Error("healthz: database writes", "err", err)
			writes = "failing"
			if code == http.StatusOK {
				status, code = "database writes failing", http.StatusServiceUnavailable
			}
		}
		disks := map[string]diskReport{}
		for name, dir := range cfg.Folders {
			free, total, err := diskSpace(dir)
			if err != nil {
				cfg.Logger.Warn("healthz: free space", "folder", name, "err", err)
				continue
			}
			disks[name] = diskReport{FreeBytes: free, TotalBytes: total}
		}
		writeJSON(w, code, map[string]any{"status": status, "database": map[string]string{"reads": reads, "writes": writes},
			"outbox_backlog": backlog, "channels": cfg.Channels(), "channels_holder": cfg.Holder(ctx), "disk": disks})
	})
}
