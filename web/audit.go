package web

import "strings"

// auditLabels name the audit log's actions for staff, in Indonesian. The
// log itself keeps short English action codes, stable for exports.
var auditLabels = map[string]string{
	"open":               "tiket dibuka",
	"append":             "pesan ditambahkan",
	"resume":             "warga menanggapi",
	"reply":              "dibalas",
	"note":               "catatan internal",
	"transfer":           "dialihkan",
	"claim":              "diambil",
	"resolve":            "diselesaikan",
	"reopen":             "dibuka kembali",
	"rate":               "dinilai warga",
	"sla_warn":           "peringatan SLA",
	"sla_breach":         "melewati batas SLA",
	"telegram_link":      "Telegram ditautkan",
	"telegram_link_code": "kode tautan Telegram dibuat",
	"telegram_unlink":    "tautan Telegram diputus",
}

// auditLabel returns the Indonesian label of an audit action, or the code
// itself for an action without one.
func auditLabel(action string) string {
	if l, ok := auditLabels[action]; ok {
		return l
	}
	return strings.ReplaceAll(action, "_", " ")
}

// actorLabel shows who acted: a staff username, "warga" or "sistem".
func actorLabel(actor string) string {
	switch {
	case strings.HasPrefix(actor, "staff:"):
		return strings.TrimPrefix(actor, "staff:")
	case strings.HasPrefix(actor, "citizen:"):
		return "warga"
	case actor == "system" || actor == "bot":
		return "sistem"
	}
	return actor
}
