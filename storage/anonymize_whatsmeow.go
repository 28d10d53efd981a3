package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// whatsmeowErasures are the statements that delete what whatsmeow's
// session tables, kept in the same database, know of the WhatsApp users
// listed in anonymize_wa (phone digits and LID digits), by the table each
// needs. A JID column holds "<user>@<server>" or "<user>:<device>@<server>",
// a Signal address "<user>:<device>" or "<user>_<agent>:<device>" (a LID);
// the character after the user part keeps "62812" from matching
// "628123".
var whatsmeowErasures = []struct{ table, query string }{
	{"whatsmeow_contacts", `DELETE FROM whatsmeow_contacts WHERE ` + jidOf("their_jid")},
	{"whatsmeow_chat_settings", `DELETE FROM whatsmeow_chat_settings WHERE ` + jidOf("chat_jid")},
	{"whatsmeow_privacy_tokens", `DELETE FROM whatsmeow_privacy_tokens WHERE ` + jidOf("their_jid")},
	{"whatsmeow_message_secrets", `DELETE FROM whatsmeow_message_secrets WHERE ` + jidOf("chat_jid") + ` OR ` + jidOf("sender_jid")},
	{"whatsmeow_retry_buffer", `DELETE FROM whatsmeow_retry_buffer WHERE ` + jidOf("chat_jid")},
	{"whatsmeow_sessions", `DELETE FROM whatsmeow_sessions WHERE ` + signalAddressOf("their_id")},
	{"whatsmeow_identity_keys", `DELETE FROM whatsmeow_identity_keys WHERE ` + signalAddressOf("their_id")},
	{"whatsmeow_sender_keys", `DELETE FROM whatsmeow_sender_keys WHERE ` + signalAddressOf("sender_id")},
	{"whatsmeow_lid_map", `DELETE FROM whatsmeow_lid_map WHERE lid IN (SELECT wa_user FROM anonymize_wa) OR pn IN (SELECT wa_user FROM anonymize_wa)`},
}

func jidOf(column string) string {
	return `EXISTS (SELECT 1 FROM anonymize_wa w WHERE substr(` + column + `, 1, length(w.wa_user) + 1) IN (w.wa_user || '@', w.wa_user || ':'))`
}

func signalAddressOf(column string) string {
	return `EXISTS (SELECT 1 FROM anonymize_wa w WHERE substr(` + column + `, 1, length(w.wa_user) + 1) IN (w.wa_user || ':', w.wa_user || '_'))`
}

// forgetWhatsApp deletes what whatsmeow keeps about the WhatsApp citizens
// in anonymize_ids: contact names, the mapping between their LID and
// phone number, chat settings, privacy tokens, message secrets, the retry
// buffer of what was sent to them, and their Signal sessions and identity
// keys (a citizen who writes again starts a new session, as after
// reinstalling WhatsApp). Decrypted events buffered before before go too:
// whatsmeow drops them after 14 days, but only while WhatsApp runs. The
// tables whatsmeow has not created (WhatsApp never linked) are skipped.
func (tx *Tx) forgetWhatsApp(ctx context.Context, before time.Time) error {
	tables, err := tx.whatsmeowTables(ctx)
	if err != nil {
		return fmt.Errorf("storage: anonymize: whatsmeow tables: %w", err)
	}
	has := map[string]bool{}
	for _, t := range tables {
		has[t] = true
	}
	if len(has) == 0 {
		return nil
	}
	steps := []step{
		{"whatsapp users", `CREATE TEMP TABLE IF NOT EXISTS anonymize_wa (wa_user TEXT PRIMARY KEY)`, nil},
		{"whatsapp users", `DELETE FROM anonymize_wa`, nil},
		{"whatsapp users", `INSERT INTO anonymize_wa (wa_user)
			SELECT CASE WHEN platform_id LIKE '%@lid' THEN substr(platform_id, 1, length(platform_id) - 4) ELSE platform_id END
			FROM citizens WHERE channel = 'wa' AND id IN (SELECT id FROM anonymize_ids)
			UNION SELECT phone FROM citizens WHERE channel = 'wa' AND phone <> '' AND id IN (SELECT id FROM anonymize_ids)
			ON CONFLICT DO NOTHING`, nil},
	}
	if has["whatsmeow_lid_map"] {
		steps = append(steps, step{"whatsapp users", `INSERT INTO anonymize_wa (wa_user)
			SELECT lid FROM whatsmeow_lid_map WHERE pn IN (SELECT wa_user FROM anonymize_wa)
			UNION SELECT pn FROM whatsmeow_lid_map WHERE lid IN (SELECT wa_user FROM anonymize_wa)
			ON CONFLICT DO NOTHING`, nil})
	}
	for _, e := range whatsmeowErasures {
		if has[e.table] {
			steps = append(steps, step{e.table, e.query, nil})
		}
	}
	if has["whatsmeow_event_buffer"] {
		steps = append(steps, step{"whatsmeow_event_buffer", `DELETE FROM whatsmeow_event_buffer WHERE insert_timestamp < ?`,
			[]any{before.UnixMilli()}})
	}
	_, err = tx.run(ctx, steps)
	return err
}

// whatsmeowTables lists the tables whatsmeow made in the database.
func (tx *Tx) whatsmeowTables(ctx context.Context) ([]string, error) {
	return rows(ctx, tx, func(name *string) []any { return []any{name} }, tx.either(
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'whatsmeow\_%' ESCAPE '\'`,
		`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name LIKE 'whatsmeow\_%' ESCAPE '\'`))
}

// HasWhatsAppSession reports whether whatsmeow keeps its session tables
// in the database: WhatsApp was linked, or tried to be.
func (db *DB) HasWhatsAppSession(ctx context.Context) (bool, error) {
	tables, err := sigap.Read(ctx, db, func(tx sigap.Tx) ([]string, error) { return tx.(*Tx).whatsmeowTables(ctx) })
	if err != nil {
		return false, fmt.Errorf("storage: whatsmeow tables: %w", err)
	}
	return len(tables) > 0, nil
}
