package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// AnonymizedText replaces what a citizen wrote once the retention period
// is over.
const AnonymizedText = "[dianonimkan]"

// Anonymize erases the personal data of citizens who have no ticket
// resolved at or after before, no open ticket, and no message since: their
// name, phone and platform id; the text, files and locations of their
// messages; their tickets' subjects; their address in the audit log; and
// delivered outbox messages created before then. Ticket codes, OPDs and
// times stay, so reports still count the tickets (UU 27/2022 allows
// keeping data that no longer identifies anyone). It returns how many
// citizens it anonymised and the media references of their messages, so
// the caller can delete the files.
func (tx *Tx) Anonymize(ctx context.Context, before time.Time) (citizens int, media []string, err error) {
	cut := unixNano(before.UTC())
	steps := []struct {
		what, query string
		args        []any
	}{
		{"collect citizens", `CREATE TEMP TABLE IF NOT EXISTS anonymize_ids (id INTEGER PRIMARY KEY)`, nil},
		{"collect citizens", `DELETE FROM anonymize_ids`, nil},
		{"collect citizens", `INSERT INTO anonymize_ids (id)
			SELECT c.id FROM citizens c WHERE c.platform_id NOT LIKE 'anon-%'
			AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.citizen_id = c.id
				AND (t.status <> 'resolved' OR t.resolved_at >= ?))
			AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.citizen_id = c.id AND m.at >= ?)`, []any{cut, cut}},
	}
	for _, s := range steps {
		if _, err := tx.tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return 0, nil, fmt.Errorf("storage: anonymize: %s: %w", s.what, err)
		}
	}
	media, err = rows(ctx, tx, func(ref *string) []any { return []any{ref} }, `SELECT media_ref FROM messages
		WHERE media_ref <> '' AND citizen_id IN (SELECT id FROM anonymize_ids)`)
	if err != nil {
		return 0, nil, fmt.Errorf("storage: anonymize: media: %w", err)
	}
	steps = []struct {
		what, query string
		args        []any
	}{
		// An actor "citizen:<address>" is sigap.CitizenActor's.
		{"audit", `UPDATE audit SET actor = ?
			WHERE actor IN (SELECT 'citizen:' || channel || ':' || platform_id FROM citizens
				WHERE id IN (SELECT id FROM anonymize_ids))`, []any{sigap.ActorAnonymous}},
		{"outbox", `DELETE FROM outbox WHERE created_at < ?
			AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)`, []any{cut}},
		{"messages", `UPDATE messages SET
				text = CASE WHEN author IN ('citizen', 'staff', 'note') AND text <> '' THEN ? ELSE text END,
				media_ref = '', lat = 0, lon = 0, ref_id = '',
				platform_id = CASE WHEN platform_id <> '' THEN 'anon-' || id ELSE '' END
			WHERE citizen_id IN (SELECT id FROM anonymize_ids)`, []any{AnonymizedText}},
		{"tickets", `UPDATE tickets SET subject = ? WHERE citizen_id IN (SELECT id FROM anonymize_ids)`, []any{AnonymizedText}},
		// What the Meta channels kept of them: platform ids, comment ids.
		{"Meta comments", `DELETE FROM meta_comments WHERE (channel, platform_id) IN
			(SELECT channel, platform_id FROM citizens WHERE id IN (SELECT id FROM anonymize_ids))`, nil},
		{"Meta contacts", `DELETE FROM meta_contacts WHERE (channel, platform_id) IN
			(SELECT channel, platform_id FROM citizens WHERE id IN (SELECT id FROM anonymize_ids))`, nil},
		{"citizens", `UPDATE citizens SET name = '', phone = '', platform_id = 'anon-' || id,
				awaiting_kind = '', awaiting_ref = '', awaiting_text = '', awaiting_answer_id = 0
			WHERE id IN (SELECT id FROM anonymize_ids)`, nil},
	}
	for _, s := range steps {
		res, err := tx.tx.ExecContext(ctx, s.query, s.args...)
		if err != nil {
			return 0, nil, fmt.Errorf("storage: anonymize: %s: %w", s.what, err)
		}
		if s.what == "citizens" {
			n, err := res.RowsAffected()
			if err != nil {
				return 0, nil, fmt.Errorf("storage: anonymize: %w", err)
			}
			citizens = int(n)
		}
	}
	return citizens, media, nil
}
