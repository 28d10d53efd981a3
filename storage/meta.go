package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// PutMetaContact stores what the Meta channels know of an address. LastIn
// only moves forward, and an empty Post or DMID keeps the stored one.
func (tx *Tx) PutMetaContact(ctx context.Context, c *sigap.MetaContact) error {
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO meta_contacts (channel, platform_id, account, last_in, post, dm_id)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, platform_id) DO UPDATE SET
			account = excluded.account,
			last_in = `+tx.either("MAX", "GREATEST")+`(meta_contacts.last_in, excluded.last_in),
			post    = CASE WHEN excluded.post  <> '' THEN excluded.post  ELSE meta_contacts.post  END,
			dm_id   = CASE WHEN excluded.dm_id <> '' THEN excluded.dm_id ELSE meta_contacts.dm_id END`,
		c.Address.Channel, c.Address.ID, c.Account, unixNano(tx.stampIfZero(c.LastIn)), c.Post, c.DMID)
	if err != nil {
		return fmt.Errorf("storage: put Meta contact %s: %w", c.Address, err)
	}
	return nil
}

// MetaContact returns what is stored for an address.
func (tx *Tx) MetaContact(ctx context.Context, a sigap.Address) (*sigap.MetaContact, error) {
	c := &sigap.MetaContact{Address: a}
	err := tx.tx.QueryRowContext(ctx, `SELECT account, last_in, post, dm_id FROM meta_contacts
		WHERE channel = ? AND platform_id = ?`, a.Channel, a.ID).
		Scan(&c.Account, timeColumn{&c.LastIn}, &c.Post, &c.DMID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sigap.Errorf(sigap.ENOTFOUND, "no Meta contact %s", a)
	} else if err != nil {
		return nil, fmt.Errorf("storage: Meta contact %s: %w", a, err)
	}
	return c, nil
}

// AddMetaComment stores a comment of a thread; a redelivered one is left
// as it was, its replies' progress included.
func (tx *Tx) AddMetaComment(ctx context.Context, c *sigap.MetaComment) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO meta_comments (id, channel, platform_id, at)
		VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Thread.Channel, c.Thread.ID, unixNano(tx.stampIfZero(c.At)))
	if err != nil {
		return fmt.Errorf("storage: add Meta comment %s: %w", c.ID, err)
	}
	return nil
}

const metaCommentColumns = `id, channel, platform_id, at, outbox_id, private_at, public_at`

func metaCommentDest(c *sigap.MetaComment) []any {
	return []any{&c.ID, &c.Thread.Channel, &c.Thread.ID, timeColumn{&c.At}, idColumn{&c.Outbound},
		timeColumn{&c.PrivateAt}, timeColumn{&c.PublicAt}}
}

// metaComment reads the one comment a query selects.
func (tx *Tx) metaComment(ctx context.Context, what, query string, args ...any) (*sigap.MetaComment, error) {
	return one(ctx, tx, metaCommentDest, sigap.Errorf(sigap.ENOTFOUND, "no Meta comment %s", what), "Meta comment "+what,
		`SELECT `+metaCommentColumns+` FROM meta_comments `+query, args...)
}

// MetaCommentByOutbound returns the comment whose private reply was taken
// for an outbox message.
func (tx *Tx) MetaCommentByOutbound(ctx context.Context, outboxID int64) (*sigap.MetaComment, error) {
	return tx.metaComment(ctx, fmt.Sprintf("for outbox message %d", outboxID),
		`WHERE outbox_id = ?`, outboxID)
}

// UnrepliedMetaComment returns the thread's newest comment since a time
// whose private reply is free. A reply recorded as sent also counts as
// taken once its outbox message is gone.
func (tx *Tx) UnrepliedMetaComment(ctx context.Context, thread sigap.Address, since time.Time) (*sigap.MetaComment, error) {
	return tx.metaComment(ctx, "to answer in "+thread.String(), `
		WHERE channel = ? AND platform_id = ? AND at >= ? AND outbox_id IS NULL AND private_at IS NULL
		ORDER BY at DESC, id DESC LIMIT 1`, thread.Channel, thread.ID, bound(since))
}

// UpdateMetaComment stores the progress of a comment's replies.
func (tx *Tx) UpdateMetaComment(ctx context.Context, c *sigap.MetaComment) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "no Meta comment %s", c.ID),
		"update Meta comment "+c.ID,
		`UPDATE meta_comments SET outbox_id = ?, private_at = ?, public_at = ? WHERE id = ?`,
		nullID(c.Outbound), unixNano(c.PrivateAt), unixNano(c.PublicAt), c.ID)
}
