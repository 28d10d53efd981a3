package storage

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage/internal/pgtest"
)

// Both engines have the same migrations, by number and name: a change of
// the schema is written for each.
func TestEnginesHaveTheSameMigrations(t *testing.T) {
	names := func(files fs.FS, dir string) []string {
		ms, err := fs.Glob(files, dir+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i := range ms {
			ms[i] = strings.TrimPrefix(ms[i], dir+"/")
		}
		return ms
	}
	sqlite, postgres := names(sqliteMigrations, "migrations"), names(postgresMigrations, "migrations/postgres")
	if !slices.Equal(sqlite, postgres) {
		t.Errorf("SQLite's migrations %q, PostgreSQL's %q: each needs the same file in both folders", sqlite, postgres)
	}
	for dir, files := range map[string]embed.FS{"migrations": sqliteMigrations, "migrations/postgres": postgresMigrations} {
		if _, err := migrations(files, dir); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
}

// openPostgresTest opens n handles on one fresh PostgreSQL schema, as n
// instances would, with a lease of a second.
func openPostgresTest(t *testing.T, n int) []*DB {
	t.Helper()
	u := pgtest.URL(t)
	var dbs []*DB
	for range n {
		db, err := Open(context.Background(), u, WithClock(func() time.Time { return t0 }), WithLeaseTTL(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}

func TestPostgresOpenErrorsHideThePassword(t *testing.T) {
	good, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	wrong := *good
	wrong.User = url.UserPassword(good.User.Username(), "s3cret-wrong")
	missing := *good
	missing.Path = "/no_such_database"
	password, _ := good.User.Password()
	for _, tt := range []struct {
		name, url string
		want      string
	}{
		{"wrong password", wrong.String(), "password authentication failed"},
		{"no such database", missing.String(), `database "no_such_database" does not exist`},
		{"not a URL PostgreSQL reads", "postgres://sigap:s3cret-parse@127.0.0.1:notaport/x", "cannot parse"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.url)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), ":"+password+"@") {
				t.Errorf("error %q: want it to say %q and not to show the password", err, tt.want)
			}
		})
	}
}

// Two instances updating one row at once both get their change in: the
// loser of PostgreSQL's race runs again, as if SQLite's single writer had
// run them one after the other.
func TestConcurrentUpdatesLoseNoChange(t *testing.T) {
	ctx := context.Background()
	var dbs []*DB
	if pgtest.Enabled() {
		dbs = openPostgresTest(t, 2)
	} else {
		dbs = []*DB{openTest(t), nil}
		dbs[1] = dbs[0]
	}
	c := addCitizen(t, dbs[0], "tg:1001")
	tk := addTicket(t, dbs[0], c.ID, "KBM-AAAAA", "DPUPR", t0)
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, db := range dbs {
		wg.Go(func() {
			for range each {
				errs <- db.Update(ctx, func(tx sigap.Tx) error {
					got, err := tx.TicketByID(ctx, tk.ID)
					if err != nil {
						return err
					}
					got.Rating++
					return tx.UpdateTicket(ctx, got)
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	view(t, dbs[0], func(tx sigap.Tx) error {
		got, err := tx.TicketByID(ctx, tk.ID)
		if err == nil && got.Rating != 2*each {
			t.Errorf("rating %d after %d increments: changes were lost", got.Rating, 2*each)
		}
		return err
	})
}

// One instance at a time holds the lease; a stand-by gets it once the
// holder releases it, or once the lease of a holder that was killed has
// run out.
func TestPostgresLeaseGoesToOneInstanceAtATime(t *testing.T) {
	ctx := context.Background()
	dbs := openPostgresTest(t, 2)
	a, b := dbs[0], dbs[1]
	meA, meB := Holder{PID: 1, Host: "a", Since: t0}, Holder{PID: 2, Host: "b", Since: t0}
	la, err := a.AcquireLease(ctx, meA)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.AcquireLease(ctx, meB)
	var held *LeaseHeldError
	if !errors.As(err, &held) || held.Holder.Host != "a" || strings.Contains(held.DB, "sigap:sigap") {
		t.Fatalf("second lease: %v, want held by host a, the URL without its password", err)
	}
	if h, err := b.LeaseHolder(ctx); err != nil || h.Host != "a" {
		t.Errorf("holder %+v (%v), want host a", h, err)
	}
	// The holder renews: long after a lease's time, it still holds.
	time.Sleep(1500 * time.Millisecond)
	if _, err := b.AcquireLease(ctx, meB); !errors.As(err, &held) {
		t.Fatalf("after the lease's time, a renewed lease was taken: %v", err)
	}
	if la.Err() != nil {
		t.Fatalf("the holder lost its lease: %v", la.Err())
	}

	got := make(chan *Lease)
	go func() {
		l, err := b.AwaitLease(ctx, meB)
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	released := time.Now()
	if err := la.Release(); err != nil {
		t.Fatal(err)
	}
	lb := <-got
	if waited := time.Since(released); waited > time.Second {
		t.Errorf("the stand-by took %v to take a released lease, want a third of a second at most", waited)
	}
	if h, err := a.LeaseHolder(ctx); err != nil || h.Host != "b" {
		t.Errorf("holder %+v (%v), want host b", h, err)
	}
	lb.Release()

	// A holder killed where it stands releases nothing: its lease runs out.
	u := pgtest.URL(t)
	holder := startHolder(t, u)
	c, err := Open(ctx, u, WithLeaseTTL(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if h, err := c.LeaseHolder(ctx); err != nil || h.PID != holder.Process.Pid {
		t.Fatalf("holder %+v (%v), want pid %d", h, err, holder.Process.Pid)
	}
	holder.Process.Kill()
	holder.Wait()
	killed := time.Now()
	lc, err := c.AwaitLease(ctx, meB)
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Release()
	if waited := time.Since(killed); waited > 1500*time.Millisecond {
		t.Errorf("took over %v after the holder was killed, want within the lease's second and a third", waited)
	}
}

// A holder that cannot renew its lease (the database does not answer) is
// told to stop before the lease expires, so that no stand-by takes it over
// while the holder still thinks it holds it.
func TestPostgresLeaseIsLostBeforeItExpires(t *testing.T) {
	ctx := context.Background()
	dbs := openPostgresTest(t, 2)
	a, b := dbs[0], dbs[1]
	la, err := a.AcquireLease(ctx, Holder{PID: 1, Host: "a", Since: t0})
	if err != nil {
		t.Fatal(err)
	}
	defer la.Release()
	// A lock on the table makes every renewal wait, as a database that
	// stopped answering would.
	blocker, err := b.writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	if _, err := blocker.ExecContext(ctx, `LOCK TABLE leases IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-la.Lost():
	case <-time.After(3 * time.Second):
		t.Fatal("the holder was not told it lost the lease")
	}
	var left time.Duration
	if err := blocker.QueryRowContext(ctx, `SELECT (EXTRACT(EPOCH FROM expires_at - clock_timestamp()) * 1e9)::bigint FROM leases`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left <= 0 {
		t.Errorf("the holder was told %v after its lease expired", -left)
	}
	if err := la.Err(); err == nil || !strings.Contains(err.Error(), "not renewed") {
		t.Errorf("lost because of %v, want that it was not renewed", err)
	}

	// Taken over behind its back, a holder hears of it at its next renewal.
	blocker.Rollback()
	lb, err := b.AwaitLease(ctx, Holder{PID: 2, Host: "b", Since: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.writer.ExecContext(ctx, `UPDATE leases SET token = 'someone else'`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-lb.Lost():
	case <-time.After(2 * time.Second):
		t.Fatal("the holder was not told another took its lease")
	}
	if err := lb.Err(); err == nil || !strings.Contains(err.Error(), "taken over") {
		t.Errorf("lost because of %v, want that it was taken over", err)
	}
}

// Each instance hears of the tickets, web chat messages and outbox
// messages the others commit, once committed, and not of its own.
func TestPostgresListenHearsTheOtherInstances(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbs := openPostgresTest(t, 2)
	a, b := dbs[0], dbs[1]
	heard := make(chan Change, 64)
	listening := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- b.Listen(ctx, func(c Change) {
			if c.What == ChangesMissed {
				close(listening)
				return
			}
			heard <- c
		}, func(err error) { t.Error(err) })
	}()
	<-listening

	web := addCitizen(t, a, "web:chat-1")
	tk := addTicket(t, a, web.ID, "KBM-AAAAA", "DPUPR", t0)
	update(t, a, func(tx sigap.Tx) error {
		if _, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: web.ID, Channel: sigap.Web, Author: sigap.AuthorCitizen, Text: "halo"}); err != nil {
			return err
		}
		return tx.Enqueue(ctx, &sigap.Outbound{To: web.Address, Text: "balasan"})
	})
	errBack := errors.New("rolled back")
	if err := a.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.Enqueue(ctx, &sigap.Outbound{To: web.Address, Text: "never"}); err != nil {
			return err
		}
		return errBack
	}); !errors.Is(err, errBack) {
		t.Fatal(err)
	}
	// b's own change comes last: had it been heard, it would be here.
	tg := addCitizen(t, b, "tg:1001")
	addTicket(t, b, tg.ID, "KBM-BBBBB", "DPUPR", t0)
	want := []Change{{What: ChangedTicket, ID: tk.ID, From: "DPUPR"}, {What: ChangedChat, ID: web.ID}, {What: ChangedOutbox}}
	var got []Change
	timeout := time.After(5 * time.Second)
	for len(got) < len(want) {
		select {
		case c := <-heard:
			got = append(got, c)
		case <-timeout:
			t.Fatalf("heard %v, want %v", got, want)
		}
	}
	select {
	case c := <-heard:
		got = append(got, c)
	case <-time.After(300 * time.Millisecond):
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("heard %v, want %v", got, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Listen: %v", err)
	}
}
