package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/pemkab-kebumen/sigap"
)

// The queue's order comes in segments, each read through an index that
// holds it (migration 0012), so that a page is a walk along an index from
// the cursor, never a sort: open tickets by the due time they work
// towards, pending ones the same way, then resolved ones, the most
// recently resolved first.
type segment struct {
	status sigap.TicketStatus
	key    string // the ORDER BY expression, as the index writes it
	desc   bool
}

// dueKey is the due time a ticket works towards: the expression of the
// tickets_queue and tickets_opd_queue indexes, which each engine writes
// its own way (PostgreSQL has no IFNULL).
func dueKey(pg bool) string {
	if pg {
		return `COALESCE(CASE WHEN t.first_response_at IS NULL THEN t.first_response_due ELSE t.resolution_due END, 0)`
	}
	return `IFNULL(CASE WHEN t.first_response_at IS NULL THEN t.first_response_due ELSE t.resolution_due END, 0)`
}

// segmentsOf returns the segments a status filter lists, in order.
func segmentsOf(status string, pg bool) ([]segment, error) {
	openSegment := segment{status: sigap.StatusOpen, key: dueKey(pg)}
	pendingSegment := segment{status: sigap.StatusPending, key: dueKey(pg)}
	resolvedSegment := segment{status: sigap.StatusResolved, key: "t.resolved_at", desc: true}
	switch status {
	case "open":
		return []segment{openSegment, pendingSegment}, nil
	case "resolved":
		return []segment{resolvedSegment}, nil
	case "all", "":
		return []segment{openSegment, pendingSegment, resolvedSegment}, nil
	}
	return nil, sigap.Errorf(sigap.EINVALID, "ticket status filter %q: want open, resolved or all", status)
}

// summaryColumns are a ticket, its citizen, its last message and how many
// tickets were merged into it.
var summaryColumns = ticketColumns + `, ` + prefixed("c.", citizenColumns) + `,
	COALESCE(m.text, ''), COALESCE(m.author, ''), m.at,
	(SELECT COUNT(*) FROM tickets k WHERE k.merged_into = t.id)`

// summaryDest lists where scanning summaryColumns puts each column.
func summaryDest(s *sigap.TicketSummary) []any {
	dest := append(ticketDest(&s.Ticket), citizenDest(&s.Citizen)...)
	return append(dest, &s.LastMessage, &s.LastAuthor, timeColumn{&s.LastAt}, &s.Merged)
}

// ListTickets returns a page of the tickets f selects in the queue's order,
// reading segment after segment from f.After until the page is full.
func (tx *Tx) ListTickets(ctx context.Context, f sigap.TicketFilter) ([]sigap.TicketSummary, error) {
	queries, err := listQueries(f, tx.tx.pg)
	if err != nil {
		return nil, err
	}
	if searches(f) {
		if err := tx.refreshSearch(ctx); err != nil {
			return nil, err
		}
	}
	var out []sigap.TicketSummary
	for _, q := range queries {
		left := limitOrAll(0)
		if f.Limit > 0 {
			left = int64(f.Limit - len(out))
		}
		page, err := rows(ctx, tx, summaryDest, q.sql, append(q.args, left)...)
		if err != nil {
			return nil, fmt.Errorf("storage: list tickets: %w", err)
		}
		out = append(out, page...)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out, nil
}

// query is one statement and its arguments.
type query struct {
	sql  string
	args []any
}

// listQueries builds the page query of each segment ListTickets may read,
// in order, each ending in a LIMIT whose value the caller appends.
func listQueries(f sigap.TicketFilter, pg bool) ([]query, error) {
	segs, err := segmentsOf(f.Status, pg)
	if err != nil {
		return nil, err
	}
	where, args := conditions(f, pg)
	var out []query
	for _, seg := range segs {
		if f.After != nil && segmentIndex(seg.status) < segmentIndex(f.After.Status) {
			continue // the cursor is past it
		}
		w := append([]string{"t.status = ?"}, where...)
		a := append([]any{seg.status}, args...)
		if f.After != nil && f.After.Status == seg.status {
			w, a = append(w, seg.after()), append(a, bound(f.After.Key), bound(f.After.Key), f.After.ID)
		}
		dir := ""
		if seg.desc {
			dir = " DESC"
		}
		out = append(out, query{args: a, sql: `SELECT ` + summaryColumns + `
			FROM tickets t JOIN citizens c ON c.id = t.citizen_id
			LEFT JOIN messages m ON m.id = t.last_message_id
			WHERE ` + strings.Join(w, " AND ") + `
			ORDER BY ` + seg.key + dir + `, t.id` + dir + ` LIMIT ?`})
	}
	return out, nil
}

// after is the keyset condition of a page that continues after a cursor,
// written so that the index's range starts at the cursor.
func (seg segment) after() string {
	if seg.desc {
		return fmt.Sprintf("%[1]s <= ? AND (%[1]s < ? OR t.id < ?)", seg.key)
	}
	return fmt.Sprintf("%[1]s >= ? AND (%[1]s > ? OR t.id > ?)", seg.key)
}

func segmentIndex(s sigap.TicketStatus) int {
	switch s {
	case sigap.StatusOpen:
		return 0
	case sigap.StatusPending:
		return 1
	}
	return 2
}

// CountTickets counts what ListTickets would list without Limit and
// After.
func (tx *Tx) CountTickets(ctx context.Context, f sigap.TicketFilter) (int, error) {
	q, err := countQuery(f, tx.tx.pg)
	if err != nil {
		return 0, err
	}
	if searches(f) {
		if err := tx.refreshSearch(ctx); err != nil {
			return 0, err
		}
	}
	var n int
	if err := tx.tx.QueryRowContext(ctx, q.sql, q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count tickets: %w", err)
	}
	return n, nil
}

// countQuery counts along a queue index: once the planner has statistics
// it would rather scan the table, which is many times its size.
func countQuery(f sigap.TicketFilter, pg bool) (query, error) {
	segs, err := segmentsOf(f.Status, pg)
	if err != nil {
		return query{}, err
	}
	statuses := make([]string, len(segs))
	args := make([]any, len(segs))
	for i, seg := range segs {
		statuses[i], args[i] = "?", seg.status
	}
	where, more := conditions(f, pg)
	index := "tickets_status_resolved"
	if f.OPD != "" {
		index = "tickets_opd_resolved"
	}
	from := "tickets t INDEXED BY " + index
	if f.Channel != "" {
		from += " JOIN citizens c ON c.id = t.citizen_id"
	}
	w := append([]string{"t.status IN (" + strings.Join(statuses, ", ") + ")"}, where...)
	return query{sql: `SELECT COUNT(*) FROM ` + from + ` WHERE ` + strings.Join(w, " AND "),
		args: append(args, more...)}, nil
}

// conditions are the filter's conditions other than status and the page,
// with their arguments in order, in the dialect of the engine (pg:
// PostgreSQL's).
func conditions(f sigap.TicketFilter, pg bool) ([]string, []any) {
	where := []string{"t.merged_into IS NULL"}
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.ID != 0 {
		add("t.id = ?", f.ID)
	}
	if f.OPD != "" {
		add("t.opd = ?", f.OPD)
	}
	switch f.Assignee {
	case "":
	case sigap.AssigneeNone:
		add("t.assignee = ''")
	default:
		add("lower(t.assignee) = lower(?)", f.Assignee) // usernames are ASCII
	}
	if f.Channel != "" {
		add("c.channel = ?", f.Channel)
	}
	if !f.CreatedFrom.IsZero() {
		add("t.created_at >= ?", bound(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		add("t.created_at < ?", bound(f.CreatedTo))
	}
	now := bound(f.Clock.Now)
	if f.FirstResponseLate {
		add("(t.first_response_at > t.first_response_due OR (t.first_response_at IS NULL AND t.first_response_due <= ?))", now)
	}
	if f.SLA != "" {
		cond, a := slaCondition(f.SLA, f.Clock)
		add(cond, a...)
	}
	if words := searchWords(f.Query); len(words) > 0 {
		if pg {
			match := strings.Join(words, ":* & ") + ":*"
			add(postgresSearchCondition, match, match)
		} else {
			match := strings.Join(words, "* ") + "*"
			add(searchCondition, match, match)
		}
	}
	return where, args
}

// searchCondition keeps the tickets whose ticket_words document (code,
// citizen name, the words of the thread; see its migration) holds every
// word, and those into which a ticket that does was merged. The few
// merged tickets are read through their own index.
const searchCondition = `t.id IN (
		SELECT docid FROM ticket_words WHERE ticket_words MATCH ?
		UNION ALL
		SELECT k.merged_into FROM tickets k INDEXED BY tickets_merged_into
		WHERE k.merged_into IS NOT NULL AND k.id IN (SELECT docid FROM ticket_words WHERE ticket_words MATCH ?))`

// postgresSearchCondition is searchCondition on PostgreSQL, whose
// ticket_words document is a tsvector of the same words, folded the same
// way (see its migration).
const postgresSearchCondition = `t.id IN (
		SELECT ticket_id FROM ticket_words WHERE doc @@ to_tsquery('simple', sigap_fold(?))
		UNION ALL
		SELECT k.merged_into FROM tickets k
		WHERE k.merged_into IS NOT NULL AND k.id IN (SELECT ticket_id FROM ticket_words WHERE doc @@ to_tsquery('simple', sigap_fold(?))))`

// maxSearchWords bounds a search: each word is a full-text lookup.
const maxSearchWords = 8

// searchWords splits a search into the words the full-text index holds:
// runs of letters and digits, lower-cased, each once. The index folds
// accents itself, and the words, all lower case, cannot be read as the
// operators (AND, OR, NOT) of a full-text query.
func searchWords(q string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		w = strings.ToLower(w)
		if !slices.Contains(words, w) && len(words) < maxSearchWords {
			words = append(words, w)
		}
	}
	return words
}

// slaCondition selects the tickets in an SLA state as the queue's badge
// shows it: unanswered tickets are late once due, due soon under the
// OPD's bound, ok before; answered ones are late when answered after the
// target or, while open, past the resolution target, and done otherwise.
func slaCondition(state sigap.SLAState, clock sigap.SLAClock) (string, []any) {
	now := bound(clock.Now)
	const unanswered = "t.first_response_at IS NULL AND t.status <> 'resolved'"
	const answeredLate = "COALESCE((t.status = 'open' AND t.resolution_due <= ?) OR t.first_response_at > t.first_response_due, FALSE)"
	soon, soonArgs := soonBound(clock)
	switch state {
	case sigap.SLALate:
		return "((t.first_response_at IS NOT NULL AND " + answeredLate + ") OR (" + unanswered + " AND t.first_response_due <= ?))", []any{now, now}
	case sigap.SLADone:
		return "((t.first_response_at IS NOT NULL AND NOT " + answeredLate + ") OR (t.first_response_at IS NULL AND t.status = 'resolved'))", []any{now}
	case sigap.SLASoon:
		return "(" + unanswered + " AND t.first_response_due > ? AND t.first_response_due < " + soon + ")", append([]any{now}, soonArgs...)
	case sigap.SLAOK:
		return "(" + unanswered + " AND t.first_response_due > ? AND t.first_response_due >= " + soon + ")", append([]any{now}, soonArgs...)
	}
	return "FALSE", nil // an unknown state matches nothing
}

// soonBound is the due-soon bound of the ticket's OPD.
func soonBound(clock sigap.SLAClock) (string, []any) {
	// The casts tell PostgreSQL what the untyped arguments are.
	if len(clock.SoonBefore) == 0 {
		return "CAST(? AS BIGINT)", []any{bound(clock.SoonBeforeDefault)}
	}
	opds := make([]string, 0, len(clock.SoonBefore))
	for opd := range clock.SoonBefore {
		opds = append(opds, opd)
	}
	slices.Sort(opds)
	var b strings.Builder
	var args []any
	b.WriteString("(CASE t.opd")
	for _, opd := range opds {
		b.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
		args = append(args, opd, bound(clock.SoonBefore[opd]))
	}
	b.WriteString(" ELSE CAST(? AS BIGINT) END)")
	return b.String(), append(args, bound(clock.SoonBeforeDefault))
}

// prefixed qualifies each column of a comma-separated list with a table
// alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
