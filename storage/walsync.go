package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// walSyncer makes a group's commit durable after the committer has moved
// on (pipelined group commit). The committer commits a group with
// synchronous=NORMAL, which writes the group's frames to the WAL without
// waiting for the disk, and hands the group to the syncer; the syncer
// fsyncs the WAL file and only then tells the group's callers their
// update succeeded. Meanwhile the committer already runs the next group,
// so the fsync, the longest part of a commit, no longer holds up the
// write path.
//
// What a caller was told is committed is on disk as it would be with
// synchronous=FULL: its frames were in the WAL before the fsync began.
// SQLite keeps the rest of what FULL guarantees in NORMAL mode too: it
// syncs the WAL before each checkpoint copies frames into the database
// file, and the WAL's header when the file starts over after one. What
// a power cut can take is only what no caller was told: the groups
// committed since the last fsync, which are not acknowledged to any
// platform and come again.
//
// Other connections see a group as soon as it commits, before its fsync;
// a reply the outbox sends in that moment may, after a power cut, be
// sent again for the message its platform delivers again.
type walSyncer struct {
	path string // the WAL file
	db   string // the database file, flushed when there is no WAL
	// sync fsyncs the WAL; tests wrap it.
	sync   func() error
	file   *os.File // the WAL, opened at the first sync
	in     chan []*request
	ended  chan struct{}
	writes *writeHealth
	once   sync.Once
}

// syncBacklog is how many committed groups may wait for their fsync
// before the committer waits too.
const syncBacklog = 16

func startWALSyncer(db *DB) *walSyncer {
	s := &walSyncer{path: db.path + "-wal", db: db.path, in: make(chan []*request, syncBacklog),
		ended: make(chan struct{}), writes: &db.writes}
	s.sync = s.fsync
	if db.wrapSync != nil {
		s.sync = db.wrapSync(s.sync)
	}
	go s.run()
	return s
}

// wait hands the requests of a committed group to the syncer, which
// closes their done channels once the WAL holding them is on disk.
func (s *walSyncer) wait(group []*request) {
	s.in <- group
}

// run fsyncs once for every group that committed since the last fsync.
func (s *walSyncer) run() {
	defer close(s.ended)
	for group := range s.in {
		groups := [][]*request{group}
		for len(s.in) > 0 { // only run receives, so this does not block
			groups = append(groups, <-s.in)
		}
		err := s.sync()
		if err != nil {
			s.writes.noteDiskFailure(err)
		} else {
			s.writes.note(nil)
		}
		for _, g := range groups {
			for _, r := range g {
				if err != nil {
					r.err = fmt.Errorf("storage: committed but not yet on disk (the fsync of %s failed): %w", s.path, err)
				}
				close(r.done)
			}
		}
	}
	if s.file != nil {
		s.file.Close()
	}
}

// fsync flushes the WAL file to disk. It opens the file once, and again
// when the file at the path is no longer the one it holds (SQLite deletes
// the WAL when its last connection closes). With no WAL file the frames
// are already in the database file, which it flushes instead.
func (s *walSyncer) fsync() error {
	if s.file != nil && !s.current() {
		s.file.Close()
		s.file = nil
	}
	if s.file == nil {
		f, err := os.OpenFile(s.path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			return syncFile(s.db)
		}
		if err != nil {
			return err
		}
		s.file = f
	}
	return s.file.Sync()
}

// current reports whether the open file is still the WAL at the path.
func (s *walSyncer) current() bool {
	open, err := s.file.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(s.path)
	return err == nil && os.SameFile(open, now)
}

// stop waits for the groups handed over to be synced. Stopping again
// does nothing.
func (s *walSyncer) stop() {
	if s == nil {
		return
	}
	s.once.Do(func() { close(s.in) })
	<-s.ended
}
