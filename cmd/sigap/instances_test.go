package main

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// Two serve share one PostgreSQL database: the first runs the channels,
// the second stands by and serves the web. 400 Telegram citizens write,
// one after the other over a few seconds; the holder is killed with
// SIGKILL mid-stream; the stand-by takes over within the lease's time, and
// every citizen has exactly one ticket and was sent its code, and no
// other. Replies that the killed instance had handed to Telegram but not
// yet recorded go again (at least once); the rest goes once. The citizens
// wrote before, so each is sent one reply, not a welcome besides: the
// test then takes Telegram's pace (30 messages a second) for 400 replies,
// not 800.
func TestTwoInstancesOnOnePostgresSurviveTheHolderKilled(t *testing.T) {
	needBinary(t)
	db := storagetest.Postgres(t)
	ctx := testContext(t, 90*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	const citizens, ttl = 400, 3 * time.Second
	knownCitizens(t, ctx, db, citizens)
	lease := []string{"--lease-ttl", ttl.String()}

	first := startServe(t, db, tg.Endpoint(), lease...)
	first.waitHealthy(ctx)
	first.waitFor(ctx, "the first instance to run the channels", func() bool {
		h := first.health(ctx)
		return h.ChannelsHolder != nil && h.ChannelsHolder.Here
	})
	second := startServe(t, db, tg.Endpoint(), lease...)
	second.waitHealthy(ctx)
	h := second.health(ctx)
	if h.ChannelsHolder == nil || h.ChannelsHolder.Here || h.ChannelsHolder.PID != first.cmd.Process.Pid {
		second.fatalf("the stand-by's /healthz names %+v as the holder, want pid %d elsewhere", h.ChannelsHolder, first.cmd.Process.Pid)
	}
	if got := channelState(h, sigap.Telegram); got != sigap.StateStandby {
		t.Errorf("the stand-by's Telegram is %q, want %q", got, sigap.StateStandby)
	}

	last := make(chan int, 1)
	go func() {
		var id int
		for i := range citizens {
			id = tg.AddText(int64(9000+i), roadComplaint).UpdateID
			time.Sleep(15 * time.Millisecond)
		}
		last <- id
	}()
	first.waitFor(ctx, "a quarter of the replies", func() bool { return len(tg.Sent()) >= citizens/4 })
	first.kill()
	killed := time.Now()
	t.Logf("killed the holder with %d replies sent", len(tg.Sent()))
	second.waitFor(ctx, "the stand-by to take the channels over", func() bool {
		h := second.health(ctx)
		return h.ChannelsHolder != nil && h.ChannelsHolder.Here
	})
	took := time.Since(killed)
	t.Logf("the stand-by took over %v after the kill", took.Round(10*time.Millisecond))
	if took > 30*time.Second {
		t.Errorf("took over %v after the holder died, want within 30 s", took)
	}
	if err := tg.WaitConfirmed(ctx, <-last); err != nil {
		second.fatalf("%v", err)
	}
	second.waitFor(ctx, "the outbox to empty", func() bool { return second.health(ctx).OutboxBacklog == 0 })
	if got := channelState(second.health(ctx), sigap.Telegram); got != telegram.StateConnected {
		t.Errorf("the survivor's Telegram is %q, want connected", got)
	}
	checkEveryCitizenGotOneCode(t, ctx, db, tg, citizens)
}

// knownCitizens stores the Telegram citizens of chats 9000 on as having
// written before: a greeting an hour ago each (a citizen without one
// would be anonymized when serve starts).
func knownCitizens(t *testing.T, ctx context.Context, db string, n int) {
	t.Helper()
	store, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	err = store.Update(ctx, func(tx sigap.Tx) error {
		for i := range n {
			c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: strconv.Itoa(9000 + i)}, Name: "Warga"}
			if _, err := tx.UpsertCitizen(ctx, c); err != nil {
				return err
			}
			hello := &sigap.Message{CitizenID: c.ID, Channel: sigap.Telegram, PlatformID: "earlier-greeting",
				Author: sigap.AuthorCitizen, Text: "halo", At: time.Now().Add(-time.Hour)}
			if _, err := tx.AddMessage(ctx, hello); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkEveryCitizenGotOneCode checks that each of the citizens (chats
// 9000 on) has one message stored, one ticket, and was sent the
// acknowledgement of that ticket, and no other code; replies sent twice
// are only those in flight at the kill.
func checkEveryCitizenGotOneCode(t *testing.T, ctx context.Context, db string, tg *telegramtest.Server, citizens int) {
	t.Helper()
	store, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sentTo := map[int64][]string{}
	times := map[string]int{}
	for _, s := range tg.Sent() {
		sentTo[s.ChatID] = append(sentTo[s.ChatID], s.Text)
		times[fmt.Sprint(s.ChatID, s.Text)]++
	}
	twice := 0
	for _, n := range times {
		twice += n - 1
	}
	t.Logf("%d replies sent, %d of them a second time", len(tg.Sent()), twice)
	// The outbox serves 8 chats at once, a reply in each.
	if twice > 2*8 {
		t.Errorf("%d replies sent twice: more than were in flight at the kill", twice)
	}
	for i := range citizens {
		chat := int64(9000 + i)
		var stored int
		tickets, err := sigap.Read(ctx, store, func(tx sigap.Tx) ([]sigap.Ticket, error) {
			c, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: strconv.FormatInt(chat, 10)})
			if err != nil {
				return nil, err
			}
			msgs, err := tx.CitizenMessages(ctx, c.ID, 0)
			for _, m := range msgs {
				if m.Author == sigap.AuthorCitizen {
					stored++
				}
			}
			if err != nil {
				return nil, err
			}
			return tx.CitizenTickets(ctx, c.ID, 0)
		})
		if err != nil || len(tickets) != 1 || stored != 2 {
			t.Errorf("chat %d: %d tickets and %d messages stored (%v), want one ticket and the greeting and the complaint", chat, len(tickets), stored, err)
			continue
		}
		codes := map[string]bool{}
		for _, text := range sentTo[chat] {
			for _, c := range ticketCode.FindAllString(text, -1) {
				codes[c] = true
			}
		}
		switch code := tickets[0].Code; {
		case len(codes) != 1 || !codes[code]:
			t.Errorf("chat %d: sent codes %v, want only its ticket %s", chat, codes, code)
		case !containsText(sentTo[chat], "nomor tiket "+code):
			t.Errorf("chat %d: sent %q, want the acknowledgement of %s", chat, sentTo[chat], code)
		}
	}
	if len(sentTo) != citizens {
		t.Errorf("replies went to %d chats, want the %d citizens'", len(sentTo), citizens)
	}
}

// Instances sharing a database follow each other: a ticket opened through
// one shows live on the other's dashboards, a web chat page on the other
// hears of the reply, a reply enqueued on the stand-by goes out from the
// holder at once, and a KB edited on one is in force on the other.
func TestInstancesFollowEachOther(t *testing.T) {
	db := storagetest.Postgres(t)
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	shared := func(c *Config) { c.DB, c.Telegram.Token, c.LeaseTTL = db, "", 2*time.Second }
	holder := startMain(t, tg, shared)
	waitFor(ctx, t, "the first instance to run the channels", func() bool { return holder.holding.Load() })
	standby := startMain(t, tg, shared)
	waitFor(ctx, t, "the stand-by to hear the other instances", func() bool { return standby.following.Load() })
	changes, stop := standby.Desk.Watch()
	defer stop()
	page, unsubscribe := standby.WebChat.Subscribe("chat-a")
	defer unsubscribe()

	in := sigap.Inbound{From: sigap.Address{Channel: sigap.Web, ID: "chat-a"}, PlatformID: "m1", Text: roadComplaint}
	if err := holder.WebChat.Receive(ctx, in); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-changes:
		if c.Ticket.OPD != "DPUPR" || !ticketCode.MatchString(c.Ticket.Code) {
			t.Errorf("the stand-by's dashboards heard of %+v, want the new DPUPR ticket", c.Ticket)
		}
	case <-ctx.Done():
		t.Fatal("the stand-by's dashboards never heard of the ticket")
	}
	select {
	case <-page:
	case <-ctx.Done():
		t.Fatal("the web chat page on the stand-by never heard of the reply")
	}

	in = sigap.Inbound{From: sigap.Address{Channel: sigap.Web, ID: "chat-b"}, PlatformID: "m1", Text: roadComplaint}
	if err := standby.WebChat.Receive(ctx, in); err != nil {
		t.Fatal(err)
	}
	// The holder's outbox reads the database every 30 s: within 5 s it was
	// told.
	quick, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	waitFor(quick, t, "the holder to send the stand-by's replies", func() bool {
		n, err := sigap.Read(ctx, standby.Store, func(tx sigap.Tx) (int, error) { return tx.OutboxBacklog(ctx) })
		return err == nil && n == 0
	})

	edited := *holder.KB.Get()
	edited.FAQs = append([]sigap.FAQ(nil), edited.FAQs...)
	edited.FAQs[0].Answer = "Jawaban yang baru disunting."
	if err := kb.Edit(ctx, holder.Store, holder.KB, sigap.ActorCLI, &edited, "test"); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, "the stand-by to put the edited KB in force", func() bool {
		return standby.KB.Get().FAQs[0].Answer == edited.FAQs[0].Answer
	})
}
