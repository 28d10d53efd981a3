package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// BenchmarkAddMessage commits one inbound message per transaction, as the
// channel adapters do before acknowledging it: upsert the citizen, store
// the message.
func BenchmarkAddMessage(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "sigap.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	i := 0
	for b.Loop() {
		i++
		err := db.Update(ctx, func(tx sigap.Tx) error {
			c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.WhatsApp, ID: strconv.Itoa(628000 + i%500)}, Name: "Warga"}
			if _, err := tx.UpsertCitizen(ctx, c); err != nil {
				return err
			}
			_, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: c.ID, Channel: sigap.WhatsApp,
				PlatformID: "3EB0" + strconv.Itoa(i), Author: sigap.AuthorCitizen, Kind: sigap.KindText,
				Text: "selamat pagi, jalan di desa kami rusak parah mohon diperbaiki", At: t0})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkReportTickets1M streams one month out of a year holding a
// million tickets.
func BenchmarkReportTickets1M(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "sigap.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()

	const total, perTx = 1_000_000, 100_000
	year := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	step := year.AddDate(1, 0, 0).Sub(year) / total
	opds := []string{"DPUPR", "DINKES", "DISDUKCAPIL", "DINSOS", "DISHUB"}
	c := addCitizen(b, db, "tg:1001")
	for start := 0; start < total; start += perTx {
		update(b, db, func(tx sigap.Tx) error {
			for i := start; i < start+perTx; i++ {
				created := year.Add(time.Duration(i) * step)
				tk := &sigap.Ticket{Code: fmt.Sprintf("KBM-%07d", i), CitizenID: c.ID, OPD: opds[i%len(opds)],
					Status: sigap.StatusOpen, Subject: "jalan rusak", CreatedAt: created,
					FirstResponseDue: created.Add(4 * time.Hour), ResolutionDue: created.Add(24 * time.Hour)}
				if i%4 != 0 {
					tk.FirstResponseAt, tk.FirstResponder = created.Add(time.Duration(i%300)*time.Minute), "sari"
					tk.Status, tk.ResolvedAt = sigap.StatusResolved, created.Add(20*time.Hour)
				}
				if err := tx.CreateTicket(ctx, tk); err != nil {
					return err
				}
			}
			return nil
		})
	}

	april, may := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	rows := 0
	for b.Loop() {
		rows = 0
		err := db.View(ctx, func(tx sigap.Tx) error {
			return tx.ReportTickets(ctx, april, may, func(sigap.ReportTicket) error {
				rows++
				return nil
			})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if want := int(may.Sub(april) / step); rows < want-1 || rows > want+1 {
		b.Fatalf("streamed %d tickets of April, want about %d", rows, want)
	}
	b.ReportMetric(float64(rows), "tickets/op")
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
}
