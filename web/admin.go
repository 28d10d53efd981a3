package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/staff"
)

type adminView struct {
	Channels []channelView
	Accounts []accountView // Facebook Pages and Instagram accounts
	WhatsApp *whatsAppView
	Staff    []staffView
	OPDs     []sigap.OPD
	FAQs     []sigap.FAQ
	Roles    []option
	// Held counts the web chat messages waiting for an admin's decision.
	Held int
	// NewStaff keeps the add-staff form after an error.
	NewStaff staffView
	// SetAside are the newest updates channels set aside, of SetAsideTotal.
	SetAside      []setAsideView
	SetAsideTotal int
}

type setAsideView struct {
	Channel, UpdateID, Reason, Raw, At string
}

// setAsideShown is how many set-aside updates the admin page lists.
const setAsideShown = 20

type channelView struct {
	Name, State, Detail, Since string
	OK                         bool
}

// channelView shows a channel's state in Indonesian.
func (s *Server) channelView(c sigap.ChannelState) channelView {
	return channelView{Name: channelName(c.Channel), State: channelStateText(c.State), Detail: c.Detail,
		Since: s.formatTime(c.Since), OK: c.State == "connected"}
}

type accountView struct {
	ID, Name, Channel, OPD, State, Detail, Since string
	OK                                           bool
}

type whatsAppView struct {
	Linked bool
	QR     string // data: URL of the PNG
	Error  string
}

type staffView struct {
	Username, Name, Role, RoleName, OPD string
	Disabled                            bool
}

var roleOptions = []option{{"agent", "Petugas OPD"}, {"supervisor", "Pimpinan"}, {"admin", "Admin"}}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, a *auth) {
	s.showAdmin(w, r, a, http.StatusOK, "", staffView{})
}

func (s *Server) showAdmin(w http.ResponseWriter, r *http.Request, a *auth, status int, errText string, draft staffView) {
	ctx := r.Context()
	k := s.cfg.KB.Get()
	v := adminView{OPDs: k.OPDs, FAQs: k.FAQs, Roles: roleOptions, NewStaff: draft}
	for _, c := range s.cfg.Channels() {
		v.Channels = append(v.Channels, s.channelView(c))
	}
	if s.cfg.Accounts != nil {
		for _, acc := range s.cfg.Accounts() {
			ch := "Facebook/Instagram"
			if acc.Channel != "" {
				ch = channelName(acc.Channel)
			}
			v.Accounts = append(v.Accounts, accountView{ID: acc.ID, Name: acc.Name, Channel: ch, OPD: acc.OPD,
				State: channelStateText(acc.State), Detail: acc.Detail, Since: s.formatTime(acc.Since), OK: acc.State == "connected"})
		}
	}
	if s.cfg.WhatsAppLink != nil {
		v.WhatsApp = s.whatsApp(ctx)
	}
	if err := s.setAside(ctx, &v); err != nil {
		s.fail(w, r, a, err)
		return
	}
	accounts, err := s.cfg.Staff.List(ctx)
	if err == nil {
		v.Held, err = sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (int, error) { return tx.CountHeld(ctx) })
	}
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	for _, st := range accounts {
		v.Staff = append(v.Staff, staffView{Username: st.Username, Name: st.Name, Role: string(st.Role), RoleName: roleName(st.Role), OPD: st.OPD, Disabled: st.Disabled})
	}
	d := newPage(a, "Admin", "admin")
	d.Flash = flashText(r.URL.Query().Get("ok"))
	d.Error = errText
	d.Body = v
	s.render(w, r, status, "admin", d)
}

// setAside lists the newest updates the channels set aside.
func (s *Server) setAside(ctx context.Context, v *adminView) error {
	type page struct {
		list  []sigap.SetAsideUpdate
		total int
	}
	p, err := sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (page, error) {
		list, total, err := tx.SetAsideUpdates(ctx, setAsideShown)
		return page{list, total}, err
	})
	if err != nil {
		return fmt.Errorf("web: set-aside updates: %w", err)
	}
	v.SetAsideTotal = p.total
	for _, u := range p.list {
		v.SetAside = append(v.SetAside, setAsideView{Channel: channelName(u.Channel), UpdateID: u.UpdateID,
			Reason: u.Reason, Raw: u.Raw, At: s.formatTime(u.At)})
	}
	return nil
}

func (s *Server) whatsApp(ctx context.Context) *whatsAppView {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, linked, err := s.cfg.WhatsAppLink(ctx)
	if err != nil {
		s.cfg.Logger.Warn("web: WhatsApp link state", "err", err)
		return &whatsAppView{Error: "Status WhatsApp tidak dapat dibaca: " + sigap.ErrorMessage(err)}
	}
	v := &whatsAppView{Linked: linked}
	if !linked && len(png) > 0 {
		v.QR = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	}
	return v
}

func (s *Server) adminAddStaff(w http.ResponseWriter, r *http.Request, a *auth) {
	draft := staffView{Username: r.PostFormValue("username"), Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), OPD: r.PostFormValue("opd")}
	_, err := s.cfg.Staff.Add(r.Context(), sigap.StaffActor(a.staff.Username), staff.NewAccount{
		Username: draft.Username, Name: draft.Name, Role: sigap.Role(draft.Role), OPD: draft.OPD,
		Password: r.PostFormValue("password")})
	switch code := sigap.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, "/admin?ok=saved#staf", http.StatusSeeOther)
	case sigap.ECONFLICT:
		s.showAdmin(w, r, a, httpStatus(code), fmt.Sprintf("Nama pengguna %q sudah dipakai.", strings.TrimSpace(draft.Username)), draft)
	case sigap.EINVALID:
		s.showAdmin(w, r, a, httpStatus(code), sigap.ErrorMessage(err), draft)
	default:
		s.fail(w, r, a, err)
	}
}

// adminUpdateStaff disables or enables an account, sets its password, or
// changes its role and OPD (action=role).
func (s *Server) adminUpdateStaff(w http.ResponseWriter, r *http.Request, a *auth) {
	ctx, by, username := r.Context(), sigap.StaffActor(a.staff.Username), r.PathValue("username")
	var err error
	switch action := r.PostFormValue("action"); action {
	case "disable":
		err = s.cfg.Staff.Disable(ctx, by, username)
	case "enable":
		err = s.cfg.Staff.Enable(ctx, by, username)
	case "password":
		err = s.cfg.Staff.SetPassword(ctx, by, username, r.PostFormValue("password"))
	case "role":
		err = s.cfg.Staff.SetRole(ctx, by, username, sigap.Role(r.PostFormValue("role")), r.PostFormValue("opd"))
	default:
		err = sigap.Errorf(sigap.EINVALID, "Aksi %q tidak dikenal.", action)
	}
	if code := sigap.ErrorCode(err); code == sigap.EINVALID {
		s.showAdmin(w, r, a, http.StatusBadRequest, sigap.ErrorMessage(err), staffView{})
		return
	} else if err != nil {
		s.fail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/admin?ok=saved#staf", http.StatusSeeOther)
}

// splitList reads a textarea or comma list into its non-empty items.
func splitList(s string, sep string) []string {
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), sep) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseTarget reads an SLA target; empty means "use the default".
func parseTarget(field, v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	d, ok := parseDuration(v)
	if !ok || d <= 0 {
		return 0, sigap.Errorf(sigap.EINVALID, "%s %q tidak sah: tulis waktu kerja seperti \"4 jam\" atau \"1 jam 30 menit\".", field, v)
	}
	return d, nil
}

type opdForm struct {
	New           bool
	OPD           sigap.OPD
	Keywords      string
	Examples      string
	FirstResponse string
	Resolution    string
	Default       sigap.SLAPolicy
}

func (s *Server) adminOPDPage(w http.ResponseWriter, r *http.Request, a *auth) {
	code := r.PathValue("code")
	f := opdForm{New: code == "new", Default: s.cfg.KB.Get().SLA}
	if !f.New {
		o, ok := s.cfg.KB.Get().OPD(code)
		if !ok {
			s.fail(w, r, a, sigap.Errorf(sigap.ENOTFOUND, "OPD %s tidak ditemukan.", code))
			return
		}
		f.OPD = o
		f.Keywords = strings.Join(o.Keywords, ", ")
		f.Examples = strings.Join(o.Examples, "\n")
		f.FirstResponse = durationText(o.SLA.FirstResponse)
		f.Resolution = durationText(o.SLA.Resolution)
	}
	s.showOPD(w, r, a, http.StatusOK, "", f)
}

func (s *Server) showOPD(w http.ResponseWriter, r *http.Request, a *auth, status int, errText string, f opdForm) {
	title := "Ubah OPD " + f.OPD.Code
	if f.New {
		title = "Tambah OPD"
	}
	d := newPage(a, title, "admin")
	d.Error = errText
	d.Body = f
	s.render(w, r, status, "admin_opd", d)
}

func (s *Server) adminSaveOPD(w http.ResponseWriter, r *http.Request, a *auth) {
	code := r.PathValue("code")
	f := opdForm{
		New: code == "new",
		OPD: sigap.OPD{
			Code:        strings.ToUpper(strings.TrimSpace(r.PostFormValue("code"))),
			Name:        strings.TrimSpace(r.PostFormValue("name")),
			Description: strings.TrimSpace(r.PostFormValue("description")),
		},
		Keywords:      r.PostFormValue("keywords"),
		Examples:      r.PostFormValue("examples"),
		FirstResponse: r.PostFormValue("first_response"),
		Resolution:    r.PostFormValue("resolution"),
		Default:       s.cfg.KB.Get().SLA,
	}
	if !f.New {
		f.OPD.Code = code
	}
	f.OPD.Keywords = splitList(f.Keywords, ",")
	f.OPD.Examples = splitList(f.Examples, "\n")
	s.editKB(w, r, a, "opd", func(k *sigap.KB) (string, error) {
		var err error
		if f.OPD.SLA.FirstResponse, err = parseTarget("Target respons pertama", f.FirstResponse); err != nil {
			return "", err
		}
		if f.OPD.SLA.Resolution, err = parseTarget("Target penyelesaian", f.Resolution); err != nil {
			return "", err
		}
		i, err := entryIndex(k.OPDs, f.New, f.OPD.Code, func(o sigap.OPD) string { return o.Code }, "OPD")
		if err != nil {
			return "", err
		}
		if f.New {
			k.OPDs = append(k.OPDs, f.OPD)
		} else {
			k.OPDs[i] = f.OPD
		}
		return "opd " + f.OPD.Code, nil
	}, func(status int, errText string) { s.showOPD(w, r, a, status, errText, f) })
}

type faqForm struct {
	New       bool
	FAQ       sigap.FAQ
	Questions string
	OPDs      []sigap.OPD
	// Draft is set when the questions are citizens', from the page Usulan.
	Draft bool
}

func (s *Server) adminFAQPage(w http.ResponseWriter, r *http.Request, a *auth) {
	id := r.PathValue("id")
	k := s.cfg.KB.Get()
	f := faqForm{New: id == "new", OPDs: k.OPDs}
	if code := r.URL.Query().Get("dari"); f.New && code != "" {
		// "Tulis FAQ dari ini" on the page Usulan: the group's questions.
		draft, err := s.cfg.Learning.Draft(r.Context(), code)
		if err != nil {
			s.fail(w, r, a, err)
			return
		}
		f.FAQ, f.Questions, f.Draft = draft, strings.Join(draft.Questions, "\n"), true
	}
	if !f.New {
		faq, ok := k.FAQ(id)
		if !ok {
			s.fail(w, r, a, sigap.Errorf(sigap.ENOTFOUND, "FAQ %s tidak ditemukan.", id))
			return
		}
		f.FAQ, f.Questions = faq, strings.Join(faq.Questions, "\n")
	}
	s.showFAQ(w, r, a, http.StatusOK, "", f)
}

func (s *Server) showFAQ(w http.ResponseWriter, r *http.Request, a *auth, status int, errText string, f faqForm) {
	title := "Ubah FAQ " + f.FAQ.ID
	if f.New {
		title = "Tambah FAQ"
	}
	d := newPage(a, title, "admin")
	d.Error = errText
	d.Body = f
	s.render(w, r, status, "admin_faq", d)
}

// adminSaveFAQ adds, changes or (action=delete) removes an FAQ.
func (s *Server) adminSaveFAQ(w http.ResponseWriter, r *http.Request, a *auth) {
	id := r.PathValue("id")
	f := faqForm{
		New: id == "new",
		FAQ: sigap.FAQ{
			ID:     strings.TrimSpace(r.PostFormValue("id")),
			OPD:    r.PostFormValue("opd"),
			Answer: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("answer"), "\r\n", "\n")),
		},
		Questions: r.PostFormValue("questions"),
		OPDs:      s.cfg.KB.Get().OPDs,
	}
	if !f.New {
		f.FAQ.ID = id
	}
	f.FAQ.Questions = splitList(f.Questions, "\n")
	remove := r.PostFormValue("action") == "delete"
	s.editKB(w, r, a, "faq", func(k *sigap.KB) (string, error) {
		if f.New && remove {
			return "", sigap.Errorf(sigap.EINVALID, "FAQ yang belum disimpan tidak dapat dihapus.")
		}
		i, err := entryIndex(k.FAQs, f.New, f.FAQ.ID, func(q sigap.FAQ) string { return q.ID }, "FAQ")
		switch {
		case err != nil:
			return "", err
		case remove:
			k.FAQs = slices.Delete(k.FAQs, i, i+1)
			return "faq " + f.FAQ.ID + " deleted", nil
		case f.New:
			k.FAQs = append(k.FAQs, f.FAQ)
		default:
			k.FAQs[i] = f.FAQ
		}
		return "faq " + f.FAQ.ID, nil
	}, func(status int, errText string) { s.showFAQ(w, r, a, status, errText, f) })
}

// editKB applies an admin's edit to a copy of the KB in force and saves
// it. A refused edit shows the form again with the reason and what the
// admin typed; a saved one returns to its section of the admin page.
func (s *Server) editKB(w http.ResponseWriter, r *http.Request, a *auth, section string, edit func(k *sigap.KB) (auditDetail string, err error), showForm func(status int, errText string)) {
	k := cloneKB(s.cfg.KB.Get())
	detail, err := edit(k)
	if err == nil {
		err = kb.Edit(r.Context(), s.cfg.Store, s.cfg.KB, sigap.StaffActor(a.staff.Username), k, detail)
	}
	if c := sigap.ErrorCode(err); c == sigap.EINVALID || c == sigap.ECONFLICT {
		showForm(httpStatus(c), sigap.ErrorMessage(err))
		return
	} else if err != nil {
		s.fail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/admin?ok=saved#"+section, http.StatusSeeOther)
}

// entryIndex finds the entry of list an admin form edits: a new entry's
// key must be free and an existing one must be there. It returns -1 for a
// new entry; what names the kind of entry in the error.
func entryIndex[T any](list []T, isNew bool, key string, keyOf func(T) string, what string) (int, error) {
	i := slices.IndexFunc(list, func(v T) bool { return keyOf(v) == key })
	switch {
	case isNew && i >= 0:
		return -1, sigap.Errorf(sigap.ECONFLICT, "%s %s sudah ada.", what, key)
	case !isNew && i < 0:
		return -1, sigap.Errorf(sigap.ENOTFOUND, "%s %s tidak ditemukan.", what, key)
	}
	return i, nil
}
