package routing_test

import (
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/routing"
)

// TestDecideCommentQuestionOrLeaveAlone: short, informal comments under a
// post, written for this test. A question or a report of trouble gets the
// router's decision (an FAQ answer or a ticket); praise, wishes, small
// talk, tags of friends and emoji get clarify, which for a comment means
// no reply at all.
func TestDecideCommentQuestionOrLeaveAlone(t *testing.T) {
	r, err := routing.New(kb.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{
		"min syarat bikin ktp apa aja?",
		"kapan pendaftaran pppk dibuka min",
		"jalan di desa sumberadi rusak parah kapan diperbaiki",
		"gmn cara daftar bpjs gratis min",
		"lampu jalan depan pasar mati udah seminggu",
		"mau tanya, pajak motor bisa bayar online ga",
		"sampah numpuk di pinggir kali belum diangkut",
		"kok air pdam mati terus sih",
		"caranya gimana min?",
		"vaksin anak di puskesmas jadwalnya kapan",
		"mantap pak, tapi jalan ke desa kami kapan diaspal?",
		"@sigap_kebumen tolong jembatan di dusun kami sudah retak",
		"berapa tiket masuk goa jatijajar skrg",
		"linknya mana min",
		"terima kasih min, syaratnya apa ya?",
		"semangat pak, kapan jalan desa kami diperbaiki",
		"keren, pendaftaran sekolah kapan dibuka?",
	}
	noise := []string{
		"mantap min 👍",
		"keren pak bupati",
		"sukses terus kebumen",
		"semoga lancar acaranya",
		"semoga acaranya bisa lancar, sukses selalu",
		"semoga ada terus program seperti ini",
		"aamiin",
		"🔥🔥🔥",
		"❤️❤️",
		"@budi_s liat nih",
		"@ani @rina ayo ikut",
		"selamat pagi kebumen",
		"terima kasih infonya min",
		"kebumen makin maju",
		"wah bagus banget",
		"hadir",
		"nyimak",
		"apik tenan",
		"barakallah",
		"apa kabar min",
		"top markotop",
		"https://example.com/promo",
		"ok min",
		"siap",
		"wkwkwk",
		"halo?",
	}
	for _, text := range questions {
		if d := r.DecideComment(text); d.Action == sigap.ActionClarify {
			t.Errorf("%q is a question or a report, got %+v", text, d)
		}
	}
	for _, text := range noise {
		if d := r.DecideComment(text); d.Action != sigap.ActionClarify {
			t.Errorf("%q asks nothing and must be left alone, got %+v", text, d)
		}
	}
}

// TestDecideCommentKeepsTheRouting: a question in a comment lands where the
// same question in a chat would.
func TestDecideCommentKeepsTheRouting(t *testing.T) {
	r, err := routing.New(kb.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"min syarat bikin ktp apa aja?", "lampu jalan depan pasar mati udah seminggu"} {
		if got, want := r.DecideComment(text), r.Decide(text); got != want {
			t.Errorf("%q: comment %+v, chat %+v", text, got, want)
		}
	}
	if d := r.DecideComment("caranya gimana min?"); d.Action != sigap.ActionTriage || d.OPD != "DISKOMINFO" {
		t.Errorf("a question about the post itself: %+v, want the triage desk", d)
	}
}

// TestHinted: the OPD whose own account a message reached takes what the
// router could not place and weak routes elsewhere; FAQ answers,
// confident routes and no-question stand.
func TestHinted(t *testing.T) {
	tests := []struct {
		name string
		in   sigap.Decision
		want sigap.Decision
	}{
		{"unsure goes to the account's OPD",
			sigap.Decision{Action: sigap.ActionTriage, OPD: "DISKOMINFO", Score: 0.3},
			sigap.Decision{Action: sigap.ActionRoute, OPD: "DINKES", Score: 0.3}},
		{"a weak route elsewhere yields",
			sigap.Decision{Action: sigap.ActionRoute, OPD: "DPUPR", Score: 0.6},
			sigap.Decision{Action: sigap.ActionRoute, OPD: "DINKES", Score: 0.6}},
		{"a confident route elsewhere stands",
			sigap.Decision{Action: sigap.ActionRoute, OPD: "DISDUKCAPIL", Score: 0.9},
			sigap.Decision{Action: sigap.ActionRoute, OPD: "DISDUKCAPIL", Score: 0.9}},
		{"an FAQ answer stands",
			sigap.Decision{Action: sigap.ActionFAQ, FAQ: "ktp-baru", OPD: "DISDUKCAPIL", Score: 0.6},
			sigap.Decision{Action: sigap.ActionFAQ, FAQ: "ktp-baru", OPD: "DISDUKCAPIL", Score: 0.6}},
		{"no question stays no question",
			sigap.Decision{Action: sigap.ActionClarify, Score: 1},
			sigap.Decision{Action: sigap.ActionClarify, Score: 1}},
	}
	for _, tt := range tests {
		if got := routing.Hinted(tt.in, "DINKES"); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
	d := sigap.Decision{Action: sigap.ActionTriage, OPD: "DISKOMINFO"}
	if got := routing.Hinted(d, ""); got != d {
		t.Errorf("no hint changed %+v into %+v", d, got)
	}
}
