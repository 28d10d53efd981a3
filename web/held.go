package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/pemkab-kebumen/sigap"
)

// heldPageSize is how many held messages the page lists at once, oldest
// first; "delete all" deletes up to the newest listed.
const heldPageSize = 200

type heldView struct {
	Total    int
	Messages []heldRow
	// UpTo is the ID of the newest message listed.
	UpTo int64
}

type heldRow struct {
	ID                           int64
	Chat, Name, Text, Reason, At string
}

// heldPage lists the web chat messages held back by the flood limits
// ("belum terverifikasi"): none of them opened a ticket or cost a triage.
func (s *Server) heldPage(w http.ResponseWriter, r *http.Request, a *auth) {
	ctx := r.Context()
	var v heldView
	err := s.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		var err error
		if v.Total, err = tx.CountHeld(ctx); err != nil {
			return err
		}
		list, err := tx.HeldMessages(ctx, sigap.Address{}, heldPageSize)
		for _, m := range list {
			v.Messages = append(v.Messages, heldRow{ID: m.ID, Chat: m.From.String(), Name: neutral(m.Name),
				Text: neutral(m.Text), Reason: m.Reason, At: s.formatTime(m.At)})
			v.UpTo = m.ID
		}
		return err
	})
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	d := newPage(a, "Pesan belum terverifikasi", "admin")
	d.Flash = heldFlash(r.URL.Query().Get("ok"))
	d.Body = v
	s.render(w, r, http.StatusOK, "held", d)
}

func heldFlash(ok string) string {
	switch ok {
	case "release":
		return "Pesan diteruskan ke percakapan warga."
	case "delete":
		return "Pesan dihapus."
	}
	return ""
}

// heldAction releases a held message into its conversation, as if it had
// just come, or deletes one, or every one listed (action=delete-all).
func (s *Server) heldAction(w http.ResponseWriter, r *http.Request, a *auth) {
	by := sigap.StaffActor(a.staff.Username)
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	upTo, _ := strconv.ParseInt(r.PostFormValue("upto"), 10, 64)
	var err error
	switch action := r.PostFormValue("action"); action {
	case "release":
		err = s.releaseHeld(r, by, id)
	case "delete":
		err = s.deleteHeld(r, by, id, id, fmt.Sprintf("pesan tertahan %d", id))
	case "delete-all":
		err = s.deleteHeld(r, by, 0, upTo, fmt.Sprintf("semua pesan tertahan sampai nomor %d", upTo))
	default:
		err = sigap.Errorf(sigap.EINVALID, "Aksi %q tidak dikenal.", action)
	}
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	ok := r.PostFormValue("action")
	if ok == "delete-all" {
		ok = "delete"
	}
	http.Redirect(w, r, "/admin/held?ok="+ok, http.StatusSeeOther)
}

// releaseHeld hands a held message to the conversation, then deletes it
// with its audit entry. A release interrupted between the two is safe to
// repeat: the conversation stores a message id once.
func (s *Server) releaseHeld(r *http.Request, by sigap.Actor, id int64) error {
	ctx := r.Context()
	m, err := sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (*sigap.HeldMessage, error) { return tx.HeldMessageByID(ctx, id) })
	if err != nil {
		return err
	}
	in := sigap.Inbound{From: m.From, Name: m.Name, PlatformID: m.PlatformID, Kind: sigap.KindText, Text: m.Text, At: s.cfg.Now()}
	if err := s.cfg.WebChat.Receive(ctx, in); err != nil {
		return fmt.Errorf("web: release held message %d: %w", id, err)
	}
	return s.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		if _, err := tx.DeleteHeld(ctx, id, id); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{Actor: by, Action: sigap.ActionHeldRelease,
			Detail: fmt.Sprintf("pesan tertahan %d dari %s", id, m.From)})
	})
}

// deleteHeld deletes held message id (0: all) up to upTo, audited.
func (s *Server) deleteHeld(r *http.Request, by sigap.Actor, id, upTo int64, what string) error {
	ctx := r.Context()
	return s.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		n, err := tx.DeleteHeld(ctx, id, upTo)
		if err != nil {
			return err
		}
		if n == 0 {
			return sigap.Errorf(sigap.ENOTFOUND, "Pesan tertahan tidak ditemukan; mungkin sudah diputuskan admin lain.")
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{Actor: by, Action: sigap.ActionHeldDelete, Detail: fmt.Sprintf("%s (%d pesan)", what, n)})
	})
}
