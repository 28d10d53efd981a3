package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// A citizen who blocked the bot gets nothing more; the replies are given
// up at once, and `sigap report` counts the ticket's in its OPD's row and
// the total, in every format.
func TestBlockedCitizensRepliesAreCountedAsUndelivered(t *testing.T) {
	needBinary(t)
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	for range 2 {
		tg.Fail("sendMessage", telegramtest.Failure{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"})
	}
	db := storagetest.DB(t)
	p := startServe(t, db, tg.Endpoint())
	p.waitHealthy(ctx)
	u := tg.AddText(7020, roadComplaint)
	if err := tg.WaitConfirmed(ctx, u.UpdateID); err != nil {
		p.fatalf("%v", err)
	}
	p.waitFor(ctx, "the outbox to give up", func() bool { return p.health(ctx).OutboxBacklog == 0 })
	if sent := tg.Sent(); len(sent) != 0 {
		t.Errorf("sent %+v to a citizen who blocked the bot", sent)
	}

	jakarta, _ := time.LoadLocation("Asia/Jakarta")
	today := time.Now().In(jakarta)
	report := func(format string) string {
		status, stdout, stderr := runInProcess(t, "report", "--db", db, "--format", format,
			"--from", today.AddDate(0, 0, -1).Format(time.DateOnly), "--to", today.AddDate(0, 0, 2).Format(time.DateOnly))
		if status != 0 {
			t.Fatalf("report --format %s: %d\n%s", format, status, stderr)
		}
		return stdout
	}
	var got struct {
		OPDs []struct {
			OPD         string `json:"opd"`
			Undelivered int    `json:"undelivered"`
		} `json:"opds"`
		Total struct {
			Undelivered int `json:"undelivered"`
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(report("json")), &got); err != nil {
		t.Fatal(err)
	}
	// The welcome belongs to no ticket; the acknowledgement is DPUPR's.
	if len(got.OPDs) != 1 || got.OPDs[0].OPD != "DPUPR" || got.OPDs[0].Undelivered != 1 || got.Total.Undelivered != 1 {
		t.Errorf("report %+v, want DPUPR with 1 undelivered, and 1 in all", got)
	}
	lines := strings.Split(strings.TrimSpace(report("csv")), "\n")
	if !strings.HasSuffix(lines[0], ",undelivered") || !strings.HasPrefix(lines[len(lines)-1], "TOTAL,") || !strings.HasSuffix(lines[len(lines)-1], ",1") {
		t.Errorf("CSV lacks the undelivered column, or its 1 in the total:\n%s", strings.Join(lines, "\n"))
	}
	if table := report("table"); !strings.Contains(table, "Tak terkirim") {
		t.Errorf("table lacks the undelivered column:\n%s", table)
	}
}
