package storage

import (
	"database/sql"
	"sync"
	"time"
)

// copyEvery is how often, while writes come, the WAL is copied back into
// the database file: often enough that the WAL stays small (SQLite's own
// automatic checkpoint runs every 1,000 pages), seldom enough that the
// copies are large and sequential.
const copyEvery = time.Second

// walCopier copies the WAL back into the database file (a PASSIVE
// checkpoint) on a connection of its own, beside the writer. SQLite's
// automatic checkpoint runs in the commit that crossed its threshold, so
// that commit — and every caller of its group, waiting to acknowledge a
// message — waited for pages to be written into the database file and
// fsynced: on a large database, the slowest hundredth of web chat
// messages. A PASSIVE checkpoint never waits for the writer nor makes it
// wait; the WAL starts over from its beginning at the first commit after
// a copy that caught up.
type walCopier struct {
	conn  *sql.DB
	wrote chan struct{} // holds a value once a commit grew the WAL
	stop  chan struct{}
	ended chan struct{}
	once  sync.Once
}

// startWALCopier opens the copier's connection and starts it; the
// writer's automatic checkpoints are off (setUpConn).
func startWALCopier(db *DB, uri string) (*walCopier, error) {
	conn, err := sql.Open(db.driver, uri+"?_journal_mode=WAL&_busy_timeout=5000&_synchronous=FULL")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	w := &walCopier{conn: conn, wrote: make(chan struct{}, 1), stop: make(chan struct{}), ended: make(chan struct{})}
	go w.run(db)
	return w, nil
}

// grew tells the copier a commit added to the WAL.
func (w *walCopier) grew() {
	if w == nil {
		return
	}
	select {
	case w.wrote <- struct{}{}:
	default:
	}
}

func (w *walCopier) run(db *DB) {
	defer close(w.ended)
	for {
		select {
		case <-w.stop:
			return
		case <-w.wrote:
		}
		var busy, frames, copied int
		err := w.conn.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
		if err != nil {
			db.log.Warn("storage: copy the WAL into the database", "db", db.path, "err", err)
		}
		select {
		case <-w.stop:
			return
		case <-time.After(copyEvery):
		}
	}
}

// close stops the copier; SQLite copies what is left when the last
// connection closes. Closing again does nothing.
func (w *walCopier) close() (err error) {
	if w == nil {
		return nil
	}
	w.once.Do(func() {
		close(w.stop)
		<-w.ended
		err = w.conn.Close()
	})
	return err
}
