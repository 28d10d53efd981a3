package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/meta"
	"github.com/pemkab-kebumen/sigap/bot/meta/metatest"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/staff"
)

// TestMainAnswersInstagramAndFacebook runs the whole service in-process
// with the Meta channel on a fake Graph API: Main mounts the one webhook,
// an Instagram DM, a Facebook message and a question in a comment are
// answered, /healthz shows both channels, and the admin page each account.
func TestMainAnswersInstagramAndFacebook(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	const secret, verify = "meta-app-secret-0123", "meta-verify-0123"
	tokens := map[string]string{"1001": "page-token", "17841400000000001": "ig-token"}
	graph := metatest.NewServer(secret, tokens)
	t.Cleanup(graph.Close)
	graph.Name("1001", "Pemkab Kebumen")
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	m := startMain(t, tg, func(c *Config) {
		c.Meta.AppSecret, c.Meta.VerifyToken, c.Meta.API = secret, verify, graph.URL()
		c.Meta.Pages = "1001=page-token,17841400000000001=ig-token"
		c.Meta.OPDs = "17841400000000001=DINKES"
	})
	base := "http://" + m.Addr.String()
	if got := get(t, ctx, base+"/meta/webhook?hub.mode=subscribe&hub.verify_token="+verify+"&hub.challenge=42"); got != "42" {
		t.Errorf("verification answered %q, want the challenge", got)
	}
	now := time.Now()
	for _, body := range [][]byte{
		metatest.InstagramDM("17841400000000001", "9001", "mid.ig", roadComplaint, now),
		metatest.Messenger("1001", "5001", "mid.fb", roadComplaint, now),
		metatest.FacebookComment("1001", "7001", "Budi", "1001_55", "55_1", "syarat bikin ktp apa aja min?", now),
	} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/meta/webhook", bytes.NewReader(body))
		req.Header.Set(meta.SignatureHeader, metatest.Sign(secret, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %d", resp.StatusCode)
		}
	}
	err := graph.Wait(ctx, func(msgs []metatest.Message, public []metatest.Public) bool {
		return len(msgs) >= 5 && len(public) >= 1
	})
	if err != nil {
		t.Fatalf("%v: sent %+v and %+v", err, graph.Messages(), graph.PublicReplies())
	}
	codes := map[string]bool{}
	for _, msg := range graph.Messages() {
		if ticketCode.MatchString(msg.Text) {
			codes[msg.Account+":"+msg.RecipientID] = true
		}
	}
	if !codes["17841400000000001:9001"] || !codes["1001:5001"] {
		t.Errorf("ticket codes went to %v, want the Instagram and the Facebook sender", codes)
	}
	health := get(t, ctx, base+"/healthz")
	for _, want := range []string{`"channel":"fb"`, `"channel":"ig"`} {
		if !strings.Contains(health, want) {
			t.Errorf("/healthz lacks %s: %s", want, health)
		}
	}
	if _, err := m.Staff.Add(ctx, sigap.ActorCLI, staff.NewAccount{Username: "sari", Name: "Sari", Role: sigap.RoleAdmin, Password: "kebumen-beriman-1"}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	login, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/login", strings.NewReader(`{"username":"sari","password":"kebumen-beriman-1"}`))
	login.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(login)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = client.Get(base + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"Akun Facebook dan Instagram", "Pemkab Kebumen", "17841400000000001", "DINKES", "terhubung"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the admin page lacks %q", want)
		}
	}
}
