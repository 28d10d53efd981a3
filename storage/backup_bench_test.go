package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// benchDatabase fills a database with citizens, tickets and messages,
// about 100 bytes of text each, in few transactions.
func benchDatabase(b *testing.B, opts ...Option) *DB {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "sigap.db"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	const citizens, perCitizen = 5_000, 10
	for start := 0; start < citizens; start += 1000 {
		update(b, db, func(tx sigap.Tx) error {
			for i := start; i < start+1000; i++ {
				c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.WhatsApp, ID: fmt.Sprint(6281200000000 + i)}, Name: "Warga"}
				if _, err := tx.UpsertCitizen(ctx, c); err != nil {
					return err
				}
				tk := &sigap.Ticket{Code: fmt.Sprintf("KBM-%06d", i), CitizenID: c.ID, OPD: "DPUPR", Status: sigap.StatusOpen,
					Subject: "jalan rusak", CreatedAt: t0}
				if err := tx.CreateTicket(ctx, tk); err != nil {
					return err
				}
				for j := range perCitizen {
					_, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: sigap.WhatsApp,
						PlatformID: fmt.Sprintf("m%d-%d", i, j), Author: sigap.AuthorCitizen, Kind: sigap.KindText,
						Text: strings.Repeat("jalan desa rusak ", 6), At: t0})
					if err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if _, err := db.TruncateWAL(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkBackup copies a database of 50,000 messages: a plain copy of
// the file (the floor, which is no backup of a live database), the
// consistent copy sigap backup makes, and the rebuild anonymize runs.
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	db := benchDatabase(b)
	fi, err := os.Stat(db.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("database of %.1f MB", float64(fi.Size())/1e6)
	dir := b.TempDir()
	b.Run("file copy (floor)", func(b *testing.B) {
		for b.Loop() {
			dst := filepath.Join(dir, "copy.db")
			if err := copyFile(db.path, dst, fi.ModTime()); err != nil {
				b.Fatal(err)
			}
			os.Remove(dst)
		}
		b.SetBytes(fi.Size())
	})
	b.Run("CopyDatabase", func(b *testing.B) {
		for b.Loop() {
			dst := filepath.Join(dir, "backup.db")
			if err := CopyDatabase(ctx, db.path, dst); err != nil {
				b.Fatal(err)
			}
			os.Remove(dst)
		}
		b.SetBytes(fi.Size())
	})
	b.Run("EraseFreePages", func(b *testing.B) {
		for b.Loop() {
			if err := db.EraseFreePages(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(fi.Size())
	})
}

// BenchmarkSecureDelete runs the writes that free space (a citizen's
// awaited answer set and cleared, a ticket updated, an outbox message
// sent) with secure_delete off, the floor, and on, as the writer runs.
func BenchmarkSecureDelete(b *testing.B) {
	ctx := context.Background()
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("secure_delete=%t", on), func(b *testing.B) {
			db := benchDatabase(b)
			if _, err := db.writer.Exec(fmt.Sprintf("PRAGMA secure_delete = %t", on)); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				err := db.Update(ctx, func(tx sigap.Tx) error {
					id := int64(1 + i%5000)
					if err := tx.SetAwaiting(ctx, id, sigap.Awaiting{Kind: sigap.AwaitFAQFeedback, Ref: "x", Text: strings.Repeat("syarat ktp ", 10)}); err != nil {
						return err
					}
					if err := tx.SetAwaiting(ctx, id, sigap.Awaiting{}); err != nil {
						return err
					}
					o := &sigap.Outbound{To: sigap.Address{Channel: sigap.WhatsApp, ID: fmt.Sprint(6281200000000 + i%5000)}, Text: strings.Repeat("balasan ", 20)}
					if err := tx.Enqueue(ctx, o); err != nil {
						return err
					}
					return tx.MarkSent(ctx, o.ID, t0)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
