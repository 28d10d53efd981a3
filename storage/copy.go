package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/pemkab-kebumen/sigap"
)

// TableCount is how many rows one table holds in the SQLite database and
// in its PostgreSQL copy.
type TableCount struct {
	Table          string
	Source, Copied int64
}

// CopyTo copies every table of the SQLite database db into the PostgreSQL
// database dst, in one transaction of dst: Sigap's tables and those of
// whatsmeow's session, which dst must have already (whatsmeow's upgrade
// creates them), row for row with their ids, and it checks the counts.
// Tables PostgreSQL derives (the search documents) are rebuilt by its
// triggers as the rows come in; SQLite's full-text tables are not copied.
// dst must hold none of the rows yet; db must not change meanwhile (hold
// its lease). What goes wrong says which table and which column.
func (db *DB) CopyTo(ctx context.Context, dst *DB) ([]TableCount, error) {
	if db.pg != nil || dst.pg == nil {
		return nil, sigap.Errorf(sigap.EINVALID, "storage: copy: from a SQLite file into PostgreSQL only")
	}
	src, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("storage: copy from %s: %w", db.path, err)
	}
	defer src.Rollback()
	tables, err := sqliteTables(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("storage: copy from %s: %w", db.path, err)
	}
	var counts []TableCount
	err = dst.withPgx(ctx, func(conn *pgx.Conn) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			counts, err = copyTables(ctx, src, tx, tables)
			return err
		})
	})
	if err != nil {
		return counts, fmt.Errorf("storage: copy %s into %s: %w", db.path, dst.path, err)
	}
	return counts, nil
}

// withPgx runs fn with one of the pool's connections as pgx's own, for
// what database/sql cannot do (COPY).
func (db *DB) withPgx(ctx context.Context, fn func(*pgx.Conn) error) error {
	c, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(driverConn any) error { return fn(driverConn.(*stdlib.Conn).Conn()) })
}

// sqliteTables lists the tables of the SQLite database to copy: all but
// its own, the schema's version (each engine keeps its own), whatsmeow's
// (its upgrade writes it) and the full-text search tables with their
// shadow tables, which PostgreSQL derives.
func sqliteTables(ctx context.Context, src *sql.Tx) ([]string, error) {
	var names, virtual []string
	rs, err := src.QueryContext(ctx, `SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT IN ('schema_version', 'whatsmeow_version')
		ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var name string
		var isVirtual bool
		if err := rs.Scan(&name, &isVirtual); err != nil {
			return nil, err
		}
		if isVirtual {
			virtual = append(virtual, name)
		} else {
			names = append(names, name)
		}
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(names, func(n string) bool {
		return slices.ContainsFunc(virtual, func(v string) bool { return strings.HasPrefix(n, v+"_") })
	}), nil
}

// pgColumn is a column of a table in PostgreSQL.
type pgColumn struct{ name, kind string }

// copyTables copies the tables, those others refer to first, and fixes
// the identities' next values.
func copyTables(ctx context.Context, src *sql.Tx, dst pgx.Tx, tables []string) ([]TableCount, error) {
	order, selfRefs, err := referenceOrder(ctx, dst, tables)
	if err != nil {
		return nil, err
	}
	var counts []TableCount
	for _, table := range order {
		c, err := copyTable(ctx, src, dst, table, selfRefs[table])
		if err != nil {
			return counts, fmt.Errorf("table %s: %w", table, err)
		}
		counts = append(counts, c)
		if c.Copied != c.Source {
			return counts, fmt.Errorf("table %s: %d rows copied of %d", table, c.Copied, c.Source)
		}
	}
	return counts, nil
}

// referenceOrder orders the tables so that each comes after those it
// refers to, and returns the columns of each that refer to its own table
// (a ticket merged into another), which are copied in a second pass.
func referenceOrder(ctx context.Context, dst pgx.Tx, tables []string) ([]string, map[string][]string, error) {
	rs, err := dst.Query(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, a.attname
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, nil, err
	}
	refers := map[string][]string{}
	selfRefs := map[string][]string{}
	for rs.Next() {
		var from, to, column string
		if err := rs.Scan(&from, &to, &column); err != nil {
			return nil, nil, err
		}
		if from == to {
			selfRefs[from] = append(selfRefs[from], column)
		} else {
			refers[from] = append(refers[from], to)
		}
	}
	if err := rs.Err(); err != nil {
		return nil, nil, err
	}
	var order []string
	placed := map[string]bool{}
	var place func(t string, path []string) error
	place = func(t string, path []string) error {
		if placed[t] || !slices.Contains(tables, t) {
			return nil
		}
		if slices.Contains(path, t) {
			return fmt.Errorf("tables refer to each other in a circle: %s", strings.Join(append(path, t), " → "))
		}
		for _, to := range refers[t] {
			if err := place(to, append(path, t)); err != nil {
				return err
			}
		}
		placed[t] = true
		order = append(order, t)
		return nil
	}
	for _, t := range tables {
		if err := place(t, nil); err != nil {
			return nil, nil, err
		}
	}
	return order, selfRefs, nil
}

// copyTable copies one table with COPY, the columns that refer to the
// table itself left NULL and set afterwards, and counts both sides.
func copyTable(ctx context.Context, src *sql.Tx, dst pgx.Tx, table string, selfRefs []string) (TableCount, error) {
	count := TableCount{Table: table}
	columns, err := targetColumns(ctx, dst, table)
	if err != nil {
		return count, err
	}
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	if err := sameColumns(ctx, src, table, names); err != nil {
		return count, err
	}
	var taken bool
	if err := dst.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{table}.Sanitize()+`)`).Scan(&taken); err != nil {
		return count, err
	} else if taken {
		return count, sigap.Errorf(sigap.ECONFLICT, "the PostgreSQL database is not empty: it has rows already; copy into a new database")
	}
	if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+table+`"`).Scan(&count.Source); err != nil {
		return count, err
	}
	rs, err := src.QueryContext(ctx, `SELECT "`+strings.Join(names, `", "`)+`" FROM "`+table+`"`)
	if err != nil {
		return count, fmt.Errorf("read (does SQLite have every column PostgreSQL has?): %w", err)
	}
	defer rs.Close()
	rows := &sqliteRows{rs: rs, columns: columns, selfRefs: selfRefs}
	if count.Copied, err = dst.CopyFrom(ctx, pgx.Identifier{table}, names, rows); err != nil {
		return count, errors.Join(rows.err, err)
	}
	if err := rows.setSelfRefs(ctx, dst, table); err != nil {
		return count, err
	}
	if slices.Contains(columns, pgColumn{"id", "bigint"}) {
		// An identity's next value follows the ids copied.
		_, err = dst.Exec(ctx, `SELECT setval(s::regclass, COALESCE((SELECT MAX(id) FROM `+pgx.Identifier{table}.Sanitize()+`), 0) + 1, false)
			FROM pg_get_serial_sequence($1, 'id') s WHERE s IS NOT NULL`, pgx.Identifier{table}.Sanitize())
	}
	return count, err
}

// sameColumns checks that SQLite's table has no column that PostgreSQL's
// lacks: it would be left behind.
func sameColumns(ctx context.Context, src *sql.Tx, table string, pgNames []string) error {
	rs, err := src.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			return err
		}
		if !slices.Contains(pgNames, name) {
			return fmt.Errorf("SQLite's column %s has no place in PostgreSQL's table: are both migrated to the same version?", name)
		}
	}
	return rs.Err()
}

// targetColumns lists a table's columns in PostgreSQL, but those it
// generates itself.
func targetColumns(ctx context.Context, dst pgx.Tx, table string) ([]pgColumn, error) {
	rs, err := dst.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
		ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	columns, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) (pgColumn, error) {
		var c pgColumn
		err := r.Scan(&c.name, &c.kind)
		return c, err
	})
	if err == nil && len(columns) == 0 {
		err = errors.New("PostgreSQL has no such table (whatsmeow's tables are made by its upgrade, first)")
	}
	return columns, err
}

// sqliteRows hands SQLite's rows to COPY, each value in the type of its
// PostgreSQL column: SQLite keeps booleans as integers, and may return
// text as bytes and bytes as text.
type sqliteRows struct {
	rs       *sql.Rows
	columns  []pgColumn
	selfRefs []string
	values   []any
	later    []selfRef // the values of the columns in selfRefs, left NULL
	err      error
}

// selfRef is the value of a column that refers to the table itself, to
// set in the row id once every row is in.
type selfRef struct {
	column    string
	id, value any
}

func (r *sqliteRows) Next() bool {
	if r.err != nil || !r.rs.Next() {
		return false
	}
	raw := make([]any, len(r.columns))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if r.err = r.rs.Scan(ptrs...); r.err != nil {
		return false
	}
	var id any
	for i, c := range r.columns {
		if raw[i], r.err = pgValue(raw[i], c.kind); r.err != nil {
			r.err = fmt.Errorf("column %s: %w", c.name, r.err)
			return false
		}
		if c.name == "id" {
			id = raw[i]
		}
	}
	for i, c := range r.columns {
		if slices.Contains(r.selfRefs, c.name) && raw[i] != nil {
			r.later = append(r.later, selfRef{c.name, id, raw[i]})
			raw[i] = nil
		}
	}
	r.values = raw
	return true
}

func (r *sqliteRows) Values() ([]any, error) { return r.values, nil }

func (r *sqliteRows) Err() error { return errors.Join(r.err, r.rs.Err()) }

// setSelfRefs sets the columns that refer to the table itself, once every
// row is in.
func (r *sqliteRows) setSelfRefs(ctx context.Context, dst pgx.Tx, table string) error {
	for _, v := range r.later {
		if _, err := dst.Exec(ctx, `UPDATE `+pgx.Identifier{table}.Sanitize()+` SET `+pgx.Identifier{v.column}.Sanitize()+` = $1 WHERE id = $2`, v.value, v.id); err != nil {
			return fmt.Errorf("column %s: %w", v.column, err)
		}
	}
	return nil
}

// pgValue turns a value SQLite returned into one of PostgreSQL's kind
// (information_schema's data_type).
func pgValue(v any, kind string) (any, error) {
	switch kind {
	case "boolean":
		switch b := v.(type) {
		case int64:
			return b != 0, nil
		case bool, nil:
			return b, nil
		}
		return nil, fmt.Errorf("%T where a boolean is wanted", v)
	case "bytea":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	case "text", "character varying":
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		if s, ok := v.(string); ok {
			return strings.ReplaceAll(s, "\x00", "\uFFFD"), nil
		}
	case "double precision", "real":
		if i, ok := v.(int64); ok {
			return float64(i), nil
		}
	}
	return v, nil
}
