package web

import (
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// auditLabels name the audit log's actions for staff, in Indonesian. The
// log itself keeps short English action codes, stable for exports; a test
// checks every action has its label here.
var auditLabels = map[sigap.AuditAction]string{
	sigap.ActionOpen:              "tiket dibuka",
	sigap.ActionResume:            "warga menanggapi",
	sigap.ActionReply:             "dibalas",
	sigap.ActionNote:              "catatan internal",
	sigap.ActionTransfer:          "dialihkan",
	sigap.ActionClaim:             "diambil",
	sigap.ActionResolve:           "diselesaikan",
	sigap.ActionReopen:            "dibuka kembali",
	sigap.ActionRate:              "dinilai warga",
	sigap.ActionAssign:            "diberikan kepada rekan",
	sigap.ActionUnassign:          "dilepas ke antrean",
	sigap.ActionMerge:             "digabung",
	sigap.ActionUndelivered:       "balasan tidak terkirim",
	sigap.ActionResend:            "balasan dikirim ulang",
	sigap.ActionSLAWarn:           "peringatan SLA",
	sigap.ActionSLABreach:         "melewati batas SLA",
	sigap.ActionTelegramLink:      "Telegram ditautkan",
	sigap.ActionTelegramLinkCode:  "kode tautan Telegram dibuat",
	sigap.ActionTelegramUnlink:    "tautan Telegram diputus",
	sigap.ActionStaffAdd:          "akun staf dibuat",
	sigap.ActionStaffDisable:      "akun staf dinonaktifkan",
	sigap.ActionStaffEnable:       "akun staf diaktifkan",
	sigap.ActionStaffPassword:     "kata sandi staf diganti",
	sigap.ActionStaffUpdate:       "akun staf diubah",
	sigap.ActionCannedReply:       "jawaban siap pakai diubah",
	sigap.ActionLogin:             "masuk",
	sigap.ActionLoginFailed:       "gagal masuk",
	sigap.ActionLoginLimited:      "percobaan masuk diperlambat",
	sigap.ActionLogout:            "keluar",
	sigap.ActionPhoneView:         "nomor telepon lengkap dilihat",
	sigap.ActionMediaDownload:     "berkas warga dibuka",
	sigap.ActionReportExport:      "laporan diunduh",
	sigap.ActionHeldRelease:       "pesan tertahan diloloskan",
	sigap.ActionHeldDelete:        "pesan tertahan dihapus",
	sigap.ActionKBEdit:            "basis pengetahuan diubah",
	sigap.ActionParaphraseApprove: "usulan rumusan disetujui",
	sigap.ActionParaphraseReject:  "usulan rumusan ditolak",
	sigap.ActionNegativeDelete:    "contoh negatif dihapus",
	sigap.ActionAnonymize:         "data warga dianonimkan",
	sigap.ActionChannelTrouble:    "kanal bermasalah",
	sigap.ActionChannelRestored:   "kanal tersambung kembali",
}

// auditLabel returns the Indonesian label of an audit action, or the code
// itself for an action of a newer version without one.
func auditLabel(action sigap.AuditAction) string {
	if l, ok := auditLabels[action]; ok {
		return l
	}
	return strings.ReplaceAll(string(action), "_", " ")
}

// actorLabel shows who acted: a staff member by name (names maps
// usernames to names), "warga", "sistem" or "ponsel dinas".
func actorLabel(actor sigap.Actor, names map[string]string) string {
	if username, ok := actor.Staff(); ok {
		return staffLabel(names, username)
	}
	switch {
	case actor.IsCitizen():
		return "warga"
	case actor == sigap.ActorSystem:
		return "sistem"
	case actor == sigap.ActorPhone:
		return "ponsel dinas"
	case actor == sigap.ActorVisitor:
		return "pengunjung"
	}
	return string(actor)
}
