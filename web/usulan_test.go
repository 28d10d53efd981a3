package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// feedback records a citizen's "1" (helpful) or "2" after the FAQ faq
// answered text, as the conversation does.
func (e *testEnv) feedback(from string, helpful bool, faq, text string) {
	e.t.Helper()
	ctx := context.Background()
	addr, err := sigap.ParseAddress(from)
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.db.Update(ctx, func(tx sigap.Tx) error {
		c := &sigap.Citizen{Address: addr}
		if _, err := tx.UpsertCitizen(ctx, c); err != nil {
			return err
		}
		if helpful {
			return e.learning.Helpful(ctx, tx, c, faq, text)
		}
		return e.learning.NotHelpful(ctx, tx, c, faq, text)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// The page Usulan: an admin approves a candidate paraphrase into the KB in
// force or rejects it, and deletes a negative example, each audited; an
// agent may not see it.
func TestUsulanReviewsCandidates(t *testing.T) {
	e := newTestEnv(t)
	e.feedback("tg:501", true, "ktp-syarat", "persyaratan bikin ktp baru apa saja?")
	e.feedback("tg:502", true, "ktp-syarat", "ktp pertama kali bawa apa?")
	e.feedback("tg:503", false, "ktp-syarat", "ktp saya sudah rekam kok belum jadi?")
	if status, _, _ := e.loggedIn("sari").get("/admin/usulan"); status != http.StatusForbidden {
		t.Errorf("an agent on the page Usulan: %d, want 403", status)
	}
	admin := e.loggedIn("admin")
	_, page, _ := admin.get("/admin/usulan")
	for _, want := range []string{"persyaratan bikin ktp baru apa saja?", "ktp pertama kali bawa apa?", "ktp saya sudah rekam kok belum jadi?", "syarat membuat ktp"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	s, err := e.learning.Suggestions(context.Background())
	if err != nil || len(s.Paraphrases) != 2 || len(s.Negatives) != 1 {
		t.Fatalf("suggestions %+v, %v", s, err)
	}
	act := func(action string, id int64) int {
		status, _, _ := admin.postForm("/admin/usulan", url.Values{"csrf": {admin.csrf}, "action": {action}, "id": {fmt.Sprint(id)}})
		return status
	}
	approved, rejected := s.Paraphrases[0], s.Paraphrases[1]
	for _, a := range []struct {
		action string
		id     int64
	}{{"approve", approved.ID}, {"reject", rejected.ID}, {"delete-negative", s.Negatives[0].ID}} {
		if status := act(a.action, a.id); status != http.StatusSeeOther {
			t.Errorf("%s: %d, want a redirect", a.action, status)
		}
	}
	if status := act("approve", approved.ID); status != http.StatusNotFound {
		t.Errorf("approving twice: %d, want 404", status)
	}
	f, _ := e.kb.Get().FAQ("ktp-syarat")
	if !slices.Contains(f.Questions, approved.Text) || slices.Contains(f.Questions, rejected.Text) {
		t.Errorf("questions in force %q, want the approved one only", f.Questions)
	}
	if saved, _ := e.savedKB().FAQ("ktp-syarat"); !slices.Equal(saved.Questions, f.Questions) {
		t.Errorf("saved questions %q, want those in force", saved.Questions)
	}
	_, page, _ = admin.get("/admin/usulan")
	if strings.Contains(page, rejected.Text) || strings.Contains(page, "ktp saya sudah rekam") {
		t.Error("the page still lists what was decided")
	}
	log := strings.Join(e.auditLog(), "\n")
	for _, want := range []string{"staff:admin paraphrase_approve usulan", "staff:admin paraphrase_reject usulan", "staff:admin negative_delete contoh negatif"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, log)
		}
	}
	_, auditPage, _ := admin.get("/admin")
	if !strings.Contains(auditPage, `href="/admin/usulan"`) {
		t.Error("the admin page does not link to Usulan")
	}
}

// "Tulis FAQ dari ini" opens the FAQ form with a group's questions and
// OPD; a group that is gone says so.
func TestUsulanDraftsAnFAQ(t *testing.T) {
	e := newTestEnv(t)
	var codes []string
	for i, q := range []string{"ktp saya hilang, bagaimana mengurusnya?", "bagaimana mengurus ktp hilang?", "ktp hilang di jalan, ngurusnya gimana?"} {
		codes = append(codes, e.citizenAsks(fmt.Sprintf("tg:60%d", i), "Warga", "", q))
	}
	admin := e.loggedIn("admin")
	_, page, _ := admin.get("/admin/usulan")
	if !strings.Contains(page, "3 tiket") || !strings.Contains(page, "/admin/faqs/new?dari="+codes[2]) {
		t.Fatalf("the page does not show the group of three with its link:\n%s", page)
	}
	status, form, _ := admin.get("/admin/faqs/new?dari=" + codes[0])
	if status != http.StatusOK {
		t.Fatalf("the draft: %d", status)
	}
	for _, want := range []string{"bagaimana mengurus ktp hilang?", `value="DISDUKCAPIL" selected`, "Rancangan dari pertanyaan warga"} {
		if !strings.Contains(form, want) {
			t.Errorf("the draft form lacks %q", want)
		}
	}
	if status, _, _ := admin.get("/admin/faqs/new?dari=TST-NOPE"); status != http.StatusNotFound {
		t.Errorf("a draft of no group: %d, want 404", status)
	}
}
