package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/learning"
)

// usulanView is the admin page Usulan: what citizens' use suggests for
// the KB.
type usulanView struct {
	Paraphrases []paraphraseRow
	Groups      []groupRow
	Negatives   []negativeRow
	Window      int // days of questions grouped
}

type paraphraseRow struct {
	ID                        int64
	Text, FAQ, OPD, Asked, At string
	Count                     int
}

type groupRow struct {
	Lead, OPD, Words, At string
	Count                int
	Questions            []string
}

type negativeRow struct {
	ID                   int64
	Text, FAQ, Asked, At string
}

// usulanPage lists the candidate paraphrases, the groups of questions no
// FAQ answers and the negative examples.
func (s *Server) usulanPage(w http.ResponseWriter, r *http.Request, a *auth) {
	sg, err := s.cfg.Learning.Suggestions(r.Context())
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	v := usulanView{Window: int(learning.Window.Hours() / 24)}
	// Citizens' words, as in the queue: neutralised, numbers masked.
	shown := func(text string) string { return neutral(maskNumbers(text)) }
	for _, p := range sg.Paraphrases {
		v.Paraphrases = append(v.Paraphrases, paraphraseRow{ID: p.ID, Text: shown(p.Text), FAQ: p.FAQ, OPD: p.Of.OPD,
			Asked: firstQuestion(p.Of), Count: p.Count, At: s.formatTime(p.At)})
	}
	for _, g := range sg.Unanswered {
		row := groupRow{Lead: g.Lead, OPD: g.OPD, Words: strings.Join(g.Words, ", "), Count: g.Count, At: s.formatTime(g.Latest)}
		for _, q := range g.Questions {
			row.Questions = append(row.Questions, shown(q))
		}
		v.Groups = append(v.Groups, row)
	}
	for _, n := range sg.Negatives {
		v.Negatives = append(v.Negatives, negativeRow{ID: n.ID, Text: shown(n.Text), FAQ: n.FAQ, Asked: firstQuestion(n.Of), At: s.formatTime(n.At)})
	}
	d := newPage(a, "Usulan", "usulan")
	d.Flash = usulanFlash(r.URL.Query().Get("ok"))
	d.Body = v
	s.render(w, r, http.StatusOK, "usulan", d)
}

func firstQuestion(f sigap.FAQ) string {
	if len(f.Questions) == 0 {
		return ""
	}
	return f.Questions[0]
}

func usulanFlash(ok string) string {
	switch ok {
	case "approve":
		return "Rumusan ditambahkan ke pertanyaan FAQ dan langsung dipakai Sigap."
	case "reject":
		return "Usulan ditolak; rumusan itu tidak akan diusulkan lagi."
	case "delete-negative":
		return "Contoh negatif dihapus; FAQ itu kembali menjawab pertanyaan serupa."
	}
	return ""
}

// usulanAction approves or rejects a candidate paraphrase, or deletes a
// negative example, each audited.
func (s *Server) usulanAction(w http.ResponseWriter, r *http.Request, a *auth) {
	ctx, by := r.Context(), sigap.StaffActor(a.staff.Username)
	action := r.PostFormValue("action")
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, a, sigap.Errorf(sigap.EINVALID, "Nomor usulan %q tidak sah.", r.PostFormValue("id")))
		return
	}
	l := s.cfg.Learning
	switch action {
	case "approve":
		err = l.Approve(ctx, by, id)
	case "reject":
		err = l.Reject(ctx, by, id)
	case "delete-negative":
		err = l.DeleteNegative(ctx, by, id)
	default:
		err = sigap.Errorf(sigap.EINVALID, "Aksi %q tidak dikenal.", action)
	}
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/admin/usulan?ok="+action, http.StatusSeeOther)
}
