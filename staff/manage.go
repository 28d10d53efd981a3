package staff

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
)

// SetRole changes an account's role and OPD, as officers are rotated
// between agencies; its sessions end, so that whoever holds them signs in
// again as what they are now. Nobody takes away their own admin role: an
// admin would lock themselves out of the admin pages.
func (a *Accounts) SetRole(ctx context.Context, by sigap.Actor, username string, role sigap.Role, opd string) error {
	opd = strings.ToUpper(strings.TrimSpace(opd))
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByUsername(ctx, username)
		if err != nil {
			return err
		}
		if self, ok := by.Staff(); ok && strings.EqualFold(self, s.Username) && s.Role == sigap.RoleAdmin && role != sigap.RoleAdmin {
			return sigap.Errorf(sigap.EINVALID, "Anda tidak dapat mencabut peran admin Anda sendiri.")
		}
		if s.Role == role && s.OPD == opd {
			return sigap.Errorf(sigap.EINVALID, "Peran dan OPD %s tidak berubah.", s.Username)
		}
		detail := fmt.Sprintf("%s: %s → %s", s.Username, roleOPD(s.Role, s.OPD), roleOPD(role, opd))
		s.Role, s.OPD = role, opd
		if err := a.check(s); err != nil {
			return err
		}
		if err := tx.UpdateStaff(ctx, s); err != nil {
			return err
		}
		return a.audit(ctx, tx, by, sigap.ActionStaffUpdate, detail)
	})
	if err != nil {
		return fmt.Errorf("staff: set role of %s: %w", username, err)
	}
	return nil
}

func roleOPD(role sigap.Role, opd string) string {
	if opd == "" {
		return string(role)
	}
	return string(role) + " " + opd
}

// SetTelegramTickets turns on or off the staff member's Telegram message
// for each new ticket of their OPD, which they may answer by replying to
// it. It needs a linked Telegram account.
func (a *Accounts) SetTelegramTickets(ctx context.Context, staffID int64, on bool) error {
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByID(ctx, staffID)
		if err != nil {
			return err
		}
		if on && s.TelegramChatID == "" {
			return sigap.Errorf(sigap.EINVALID, "Silakan tautkan akun Telegram Anda dulu.")
		}
		s.TelegramTickets = on
		if err := tx.UpdateStaff(ctx, s); err != nil {
			return err
		}
		detail := s.Username + ": pesan tiket baru di Telegram "
		if on {
			detail += "aktif"
		} else {
			detail += "nonaktif"
		}
		return a.audit(ctx, tx, sigap.StaffActor(s.Username), sigap.ActionStaffUpdate, detail)
	})
	if err != nil {
		return fmt.Errorf("staff: Telegram tickets of %d: %w", staffID, err)
	}
	return nil
}

// Limits of a staff member's own ready replies.
const (
	MaxCannedReplies = 50
	maxCannedLabel   = 80
	maxCannedText    = 4000
)

// CannedReplies returns the staff member's own ready replies by label.
func (a *Accounts) CannedReplies(ctx context.Context, staffID int64) ([]sigap.CannedReply, error) {
	list, err := sigap.Read(ctx, a.cfg.Store, func(tx sigap.Tx) ([]sigap.CannedReply, error) { return tx.CannedReplies(ctx, staffID) })
	if err != nil {
		return nil, fmt.Errorf("staff: canned replies: %w", err)
	}
	return list, nil
}

// AddCannedReply adds a ready reply of the staff member's own.
func (a *Accounts) AddCannedReply(ctx context.Context, staffID int64, label, text string) error {
	label, text = strings.TrimSpace(label), strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	switch {
	case label == "" || text == "":
		return sigap.Errorf(sigap.EINVALID, "Judul dan isi jawaban siap pakai wajib diisi.")
	case utf8.RuneCountInString(label) > maxCannedLabel:
		return sigap.Errorf(sigap.EINVALID, "Judul terlalu panjang (maksimal %d karakter).", maxCannedLabel)
	case utf8.RuneCountInString(text) > maxCannedText:
		return sigap.Errorf(sigap.EINVALID, "Isi terlalu panjang (maksimal %d karakter).", maxCannedText)
	}
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByID(ctx, staffID)
		if err != nil {
			return err
		}
		have, err := tx.CannedReplies(ctx, staffID)
		if err != nil {
			return err
		}
		if len(have) >= MaxCannedReplies {
			return sigap.Errorf(sigap.EINVALID, "Paling banyak %d jawaban siap pakai; silakan hapus yang tidak dipakai lagi.", MaxCannedReplies)
		}
		if err := tx.AddCannedReply(ctx, &sigap.CannedReply{StaffID: staffID, Label: label, Text: text, CreatedAt: a.cfg.Now()}); err != nil {
			return err
		}
		return a.audit(ctx, tx, sigap.StaffActor(s.Username), sigap.ActionCannedReply, "tambah: "+label)
	})
	if err != nil {
		return fmt.Errorf("staff: add canned reply: %w", err)
	}
	return nil
}

// DeleteCannedReply removes one of the staff member's ready replies.
func (a *Accounts) DeleteCannedReply(ctx context.Context, staffID, id int64) error {
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByID(ctx, staffID)
		if err != nil {
			return err
		}
		if err := tx.DeleteCannedReply(ctx, staffID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, sigap.StaffActor(s.Username), sigap.ActionCannedReply, fmt.Sprintf("hapus: #%d", id))
	})
	if err != nil {
		return fmt.Errorf("staff: delete canned reply %d: %w", id, err)
	}
	return nil
}
