package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// AnonymizedText replaces what a citizen wrote once the retention period
// is over.
const AnonymizedText = "[dianonimkan]"

// step is one statement of a multi-statement change; what names it in an
// error.
type step struct {
	what, query string
	args        []any
}

// run executes steps in order and returns the rows the last one changed.
func (tx *Tx) run(ctx context.Context, steps []step) (int, error) {
	var n int
	for _, s := range steps {
		var err error
		if n, err = tx.count(ctx, "anonymize: "+s.what, s.query, s.args...); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Anonymize erases the personal data of citizens who have no ticket
// resolved at or after before, no open ticket, and no message since, from
// every table that holds it (UU 27/2022):
//   - the citizen's name, phone, platform id and what the conversation
//     awaited from them;
//   - the text, files, locations and platform ids of every message of
//     their threads, the bot's included (a reply can quote what they
//     typed), and their tickets' subjects;
//   - the routing examples learnt from their tickets, and the candidate
//     paraphrases and negative examples their feedback on FAQ answers
//     taught (the text is theirs);
//   - the details of the audit entries of their tickets (a transfer's
//     reason may name them) and of entries on no ticket that give their
//     address or phone number; entries where they were the actor show an
//     anonymous citizen;
//   - every outbox message to them or about their tickets, sent or not,
//     and delivered outbox messages of anyone created before then;
//   - the messages the web chat's flood limits held back from them, and
//     anyone's held since before then;
//   - the updates a channel set aside that give their id, and anyone's
//     set aside before then;
//   - what whatsmeow's session tables know of their WhatsApp number.
//
// Ticket codes, OPDs, times and ratings stay, so reports still count the
// tickets (UU 27/2022 allows keeping data that no longer identifies
// anyone). The erased text can linger in the database file's free pages
// and in the WAL until DB.EraseFreePages runs. Anonymize returns how many
// citizens it anonymised and the media references of their messages, for
// the caller to delete the files.
func (tx *Tx) Anonymize(ctx context.Context, before time.Time) (citizens int, media []string, err error) {
	cut := unixNano(before.UTC())
	if _, err := tx.run(ctx, expiredSteps(cut)); err != nil {
		return 0, nil, err
	}
	media, err = rows(ctx, tx, func(ref *string) []any { return []any{ref} }, `SELECT media_ref FROM messages
		WHERE media_ref <> '' AND citizen_id IN (SELECT id FROM anonymize_ids)`)
	if err != nil {
		return 0, nil, fmt.Errorf("storage: anonymize: media: %w", err)
	}
	if err := tx.forgetWhatsApp(ctx, before); err != nil {
		return 0, nil, err
	}
	n, err := tx.run(ctx, erasureSteps(cut))
	if err != nil {
		return 0, nil, err
	}
	// The search index's triggers noted the documents that held the erased
	// words, rebuilt here; FTS4 keeps the old words in its segments until
	// they are merged. (PostgreSQL's tsvector is rebuilt with its row.)
	if n > 0 && !tx.tx.pg {
		if err := tx.refreshSearch(ctx); err != nil {
			return 0, nil, fmt.Errorf("storage: anonymize: %w", err)
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO ticket_words (ticket_words) VALUES ('optimize')`); err != nil {
			return 0, nil, fmt.Errorf("storage: anonymize: search index: %w", err)
		}
	}
	return n, media, nil
}

// expiredSteps fill two temporary tables: the citizens whose retention
// period is over, and their tickets.
func expiredSteps(cut any) []step {
	return []step{
		{"collect citizens", `CREATE TEMP TABLE IF NOT EXISTS anonymize_ids (id BIGINT PRIMARY KEY)`, nil},
		{"collect citizens", `DELETE FROM anonymize_ids`, nil},
		{"collect citizens", `INSERT INTO anonymize_ids (id)
			SELECT c.id FROM citizens c WHERE c.platform_id NOT LIKE 'anon-%'
			AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.citizen_id = c.id
				AND (t.status <> 'resolved' OR t.resolved_at >= ?))
			AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.citizen_id = c.id AND m.at >= ?)`, []any{cut, cut}},
		{"collect tickets", `CREATE TEMP TABLE IF NOT EXISTS anonymize_tickets (id BIGINT PRIMARY KEY)`, nil},
		{"collect tickets", `DELETE FROM anonymize_tickets`, nil},
		{"collect tickets", `INSERT INTO anonymize_tickets (id)
			SELECT id FROM tickets WHERE citizen_id IN (SELECT id FROM anonymize_ids)`, nil},
	}
}

// minSearchedID is the shortest platform id or phone number searched for
// in the details of audit entries on no ticket: a shorter one (a test's
// Telegram id "2002") would match dates and counts by chance.
const minSearchedID = 8

// erasureSteps erase what the temporary tables select. Examples and audit
// details go first: finding them reads the messages and citizens that the
// later steps erase. The last step, on citizens, counts them.
func erasureSteps(cut any) []step {
	const ids = `(SELECT id FROM anonymize_ids)`
	const tickets = `(SELECT id FROM anonymize_tickets)`
	return []step{
		// Examples learnt before they named their ticket are found by a
		// message of the citizen that is one whole line of the example
		// (desk joins the citizen's messages with newlines).
		{"examples", `DELETE FROM examples WHERE ticket_id IN ` + tickets + `
			OR (ticket_id IS NULL AND EXISTS (SELECT 1 FROM messages m
				WHERE m.citizen_id IN ` + ids + ` AND m.author = 'citizen' AND m.text <> ''
				AND instr(?1 || examples.text || ?1, ?1 || m.text || ?1) > 0))`, []any{"\n"}},
		// What their feedback on FAQ answers taught: their words.
		{"candidate paraphrases", `DELETE FROM faq_paraphrases WHERE citizen_id IN ` + ids, nil},
		{"negative examples", `DELETE FROM faq_negatives WHERE citizen_id IN ` + ids, nil},
		// An actor "citizen:<address>" is sigap.CitizenActor's.
		{"audit actors", `UPDATE audit SET actor = ?
			WHERE actor IN (SELECT 'citizen:' || channel || ':' || platform_id FROM citizens WHERE id IN ` + ids + `)`,
			[]any{sigap.ActorAnonymous}},
		// A phone is searched in its international (62…) and local (0…)
		// forms.
		{"audit details", `UPDATE audit SET detail = ? WHERE detail <> '' AND (ticket_id IN ` + tickets + `
			OR ticket_id IS NULL AND EXISTS (SELECT 1 FROM citizens c WHERE c.id IN ` + ids + ` AND (
				instr(audit.detail, c.channel || ':' || c.platform_id) > 0
				OR (length(c.platform_id) >= ?2 AND instr(audit.detail, c.platform_id) > 0)
				OR (length(c.phone) >= ?2 AND instr(audit.detail, c.phone) > 0)
				OR (c.phone LIKE '62%' AND length(c.phone) >= ?2 AND instr(audit.detail, '0' || substr(c.phone, 3)) > 0))))`,
			[]any{AnonymizedText, minSearchedID}},
		{"outbox", `DELETE FROM outbox WHERE ticket_id IN ` + tickets + `
			OR (to_channel, to_id) IN (SELECT channel, platform_id FROM citizens WHERE id IN ` + ids + `)
			OR (created_at < ? AND (sent_at IS NOT NULL OR failed_at IS NOT NULL))`, []any{cut}},
		// Held back by the web chat's flood limits and never released:
		// theirs, and anyone's held since before the cut-off.
		{"held messages", `DELETE FROM held_messages WHERE at < ?
			OR (channel, chat_id) IN (SELECT channel, platform_id FROM citizens WHERE id IN ` + ids + `)`, []any{cut}},
		// Updates a channel could not handle, kept raw: anyone's from
		// before the cut-off, and those that give the citizen's id.
		{"set-aside updates", `DELETE FROM set_aside WHERE at < ?
			OR EXISTS (SELECT 1 FROM citizens c WHERE c.id IN ` + ids + ` AND c.channel = set_aside.channel
				AND length(c.platform_id) >= ? AND instr(set_aside.raw, c.platform_id) > 0)`, []any{cut, minSearchedID}},
		{"messages", `UPDATE messages SET
				text = CASE WHEN text <> '' THEN ? ELSE '' END,
				media_ref = '', lat = 0, lon = 0, ref_id = '',
				platform_id = CASE WHEN platform_id <> '' THEN 'anon-' || id ELSE '' END
			WHERE citizen_id IN ` + ids, []any{AnonymizedText}},
		{"tickets", `UPDATE tickets SET subject = ? WHERE id IN ` + tickets, []any{AnonymizedText}},
		// What the Meta channels kept of them: platform ids, comment ids.
		{"Meta comments", `DELETE FROM meta_comments WHERE (channel, platform_id) IN
			(SELECT channel, platform_id FROM citizens WHERE id IN ` + ids + `)`, nil},
		{"Meta contacts", `DELETE FROM meta_contacts WHERE (channel, platform_id) IN
			(SELECT channel, platform_id FROM citizens WHERE id IN ` + ids + `)`, nil},
		{"citizens", `UPDATE citizens SET name = '', phone = '', platform_id = 'anon-' || id,
				awaiting_kind = '', awaiting_ref = '', awaiting_text = '', awaiting_answer_id = 0
			WHERE id IN ` + ids, nil},
	}
}

// EraseFreePages rebuilds the database file so that nothing erased is
// left in it, then truncates the WAL, whose old frames still hold what
// was there before. secure_delete zeroes what a change removes, but not
// what was removed before it was on, nor the old copies of pages in the
// WAL. VACUUM rewrites every page and needs free disk space for a second
// copy; writes wait while it runs. Under WithLitestream the WAL is left
// to Litestream, which truncates it when it checkpoints. On PostgreSQL,
// which has no secure_delete, it is a VACUUM of the tables that held
// personal data: the erased rows' old versions are freed for reuse, not
// overwritten, and stay in the server's WAL archive and backups until
// those age out.
func (db *DB) EraseFreePages(ctx context.Context) error {
	if db.pg != nil {
		return db.pgVacuum(ctx)
	}
	if err := db.vacuum(ctx); err != nil {
		return err
	}
	if db.litestream || db.shared {
		return nil
	}
	for range truncateTries {
		if done, err := db.TruncateWAL(ctx); done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(truncateRetry):
		}
	}
	return errors.New("storage: the WAL is still read from; it keeps erased data until the next checkpoint truncates it")
}

// How often, and how far apart, EraseFreePages tries to truncate a WAL
// that readers still use.
const (
	truncateTries = 10
	truncateRetry = 500 * time.Millisecond
)

// vacuum runs VACUUM with its temporary copy on disk, not in memory
// whatever temp_store says, so that a large database does not need as
// much memory.
func (db *DB) vacuum(ctx context.Context) error {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: vacuum: %w", err)
	}
	defer conn.Close()
	var store int
	if err := conn.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&store); err != nil {
		return fmt.Errorf("storage: vacuum: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
		return fmt.Errorf("storage: vacuum: %w", err)
	}
	_, err = conn.ExecContext(ctx, "VACUUM")
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA temp_store = %d", store)); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("storage: vacuum: %w", err)
	}
	return nil
}

// Erased counts what EraseExpired erased.
type Erased struct {
	Citizens int // citizens anonymised
	Files    int // their files deleted from the data folder
}

// EraseExpired anonymises the citizens whose retention period ended
// before before (Tx.Anonymize), records it in the audit log as by,
// deletes their files from the data folder dataDir, and then, when it
// erased anyone, the free pages and the WAL (EraseFreePages). A media
// reference is a path relative to the data folder, so the files are found
// whatever the working directory; a platform's file id names no file and
// is passed over.
func (db *DB) EraseExpired(ctx context.Context, before time.Time, dataDir string, by sigap.Actor) (Erased, error) {
	var done Erased
	var media []string
	err := db.Update(ctx, func(tx sigap.Tx) error {
		n, refs, err := tx.Anonymize(ctx, before)
		if err != nil || n == 0 {
			return err
		}
		done.Citizens, media = n, refs
		return tx.AddAudit(ctx, &sigap.AuditEntry{Actor: by, Action: sigap.ActionAnonymize,
			Detail: fmt.Sprintf("%d warga, data sebelum %s", n, before.Format(time.DateOnly))})
	})
	if err != nil || done.Citizens == 0 {
		return done, err
	}
	done.Files, err = removeFiles(dataDir, media)
	return done, errors.Join(err, db.EraseFreePages(ctx))
}

// removeFiles deletes the files that refs name inside dataDir; os.Root
// keeps a reference, symlinks included, from reaching outside it.
func removeFiles(dataDir string, refs []string) (int, error) {
	root, err := os.OpenRoot(dataDir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("storage: anonymize: data folder: %w", err)
	}
	defer root.Close()
	removed := 0
	var errs []error
	for _, ref := range refs {
		name := filepath.FromSlash(ref)
		if !filepath.IsLocal(name) {
			continue
		}
		switch err := root.Remove(name); {
		case err == nil:
			removed++
		case !errors.Is(err, os.ErrNotExist):
			errs = append(errs, fmt.Errorf("storage: anonymize: %w", err))
		}
	}
	return removed, errors.Join(errs...)
}
