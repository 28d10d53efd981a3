package storage

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// DefaultLeaseTTL is how long the channels' lease on PostgreSQL lasts
// unless its holder renews it: after a holder dies, a stand-by takes over
// within this and a third of it.
const DefaultLeaseTTL = 15 * time.Second

// WithLeaseTTL sets how long a lease on PostgreSQL lasts unless renewed
// [DefaultLeaseTTL]. The holder renews it every third of that; SQLite's
// lease does not expire.
func WithLeaseTTL(d time.Duration) Option {
	return func(db *DB) { db.leaseTTL = d }
}

// leaseName is the row of the channels' lease.
const leaseName = "channels"

// postgresLease is a lease held on PostgreSQL, renewed until released or
// lost.
type postgresLease struct {
	db     *DB
	token  string
	holder string // the Holder's JSON
	stop   context.CancelFunc
	done   chan struct{} // closed when renewing has ended
	lost   chan struct{}

	once sync.Once
	err  error // why the lease was lost
}

// claimLease takes the lease row for token, or renews it when token holds
// it; it reports whether token holds the lease now. The expiry is the
// server's clock plus the lease's time: instances never compare their own
// clocks.
func (db *DB) claimLease(ctx context.Context, token, holder string) (bool, error) {
	var got string
	err := db.writer.QueryRowContext(ctx, `
		INSERT INTO leases (name, token, holder, expires_at)
		VALUES ($1, $2, $3, clock_timestamp() + $4 * interval '1 microsecond')
		ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token, holder = EXCLUDED.holder,
			expires_at = EXCLUDED.expires_at
		WHERE leases.token = EXCLUDED.token OR leases.expires_at < clock_timestamp()
		RETURNING token`, leaseName, token, holder, db.leaseTTL.Microseconds()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (db *DB) acquirePostgresLease(ctx context.Context, me Holder) (*Lease, error) {
	holder, err := json.Marshal(me)
	if err != nil {
		return nil, fmt.Errorf("storage: lease of %s: %w", db.path, err)
	}
	b := make([]byte, 16)
	crand.Read(b)
	token := hex.EncodeToString(b)
	asked := time.Now()
	held, err := db.claimLease(ctx, token, string(holder))
	if err != nil {
		return nil, fmt.Errorf("storage: lease of %s: %w", db.path, err)
	}
	if !held {
		h, err := db.postgresLeaseHolder(ctx)
		if err != nil && sigap.ErrorCode(err) != sigap.ENOTFOUND {
			return nil, err
		}
		return nil, &LeaseHeldError{DB: db.path, Holder: h}
	}
	renewCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	pl := &postgresLease{db: db, token: token, holder: string(holder), stop: stop,
		done: make(chan struct{}), lost: make(chan struct{})}
	go pl.renew(renewCtx, asked)
	return &Lease{pg: pl}, nil
}

// renew keeps the lease until ctx ends. The holder counts its lease from
// when it asked for it, which is before the server stamped the expiry, and
// gives it up a fifth of the lease's time before that: by the time a
// stand-by can take the lease over, this one has stopped.
func (pl *postgresLease) renew(ctx context.Context, asked time.Time) {
	defer close(pl.done)
	ttl := pl.db.leaseTTL
	every := time.NewTicker(ttl / 3)
	defer every.Stop()
	until := asked.Add(ttl - ttl/5)
	for {
		select {
		case <-ctx.Done():
			return
		case <-every.C:
		}
		asked := time.Now()
		if !asked.Before(until) {
			pl.fail(fmt.Errorf("storage: lease of %s not renewed within %s", pl.db.path, ttl-ttl/5))
			return
		}
		try, cancel := context.WithDeadline(ctx, until)
		held, err := pl.db.claimLease(try, pl.token, pl.holder)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && held:
			until = asked.Add(ttl - ttl/5)
		case err == nil:
			pl.fail(fmt.Errorf("storage: lease of %s was taken over by another instance", pl.db.path))
			return
		default:
			pl.err = err // tried again at the next tick, until the lease runs out
		}
	}
}

func (pl *postgresLease) fail(err error) {
	if pl.err != nil {
		err = fmt.Errorf("%w (last error: %v)", err, pl.err)
	}
	pl.once.Do(func() {
		pl.err = err
		close(pl.lost)
	})
}

// release stops renewing and deletes the row, so that a stand-by takes
// over at its next try instead of when the lease would have expired.
func (pl *postgresLease) release() error {
	pl.stop()
	<-pl.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := pl.db.writer.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND token = $2`,
		leaseName, pl.token); err != nil {
		return fmt.Errorf("storage: release lease of %s: %w", pl.db.path, err)
	}
	return nil
}

// Err says why the lease was lost; nil while it is held, and on SQLite.
func (l *Lease) Err() error {
	if l == nil || l.pg == nil {
		return nil
	}
	select {
	case <-l.pg.lost:
		return l.pg.err
	default:
		return nil
	}
}

// postgresLeaseHolder reads who holds the lease, if it has not expired.
func (db *DB) postgresLeaseHolder(ctx context.Context) (Holder, error) {
	var h Holder
	var raw string
	err := db.reader.QueryRowContext(ctx, `SELECT holder FROM leases
		WHERE name = $1 AND expires_at >= clock_timestamp()`, leaseName).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Holder{}, sigap.Errorf(sigap.ENOTFOUND, "no instance holds the lease of %s", db.path)
	} else if err != nil {
		return Holder{}, fmt.Errorf("storage: lease holder of %s: %w", db.path, err)
	}
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return Holder{}, fmt.Errorf("storage: lease holder of %s: %w", db.path, err)
	}
	return h, nil
}
