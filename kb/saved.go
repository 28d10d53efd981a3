package kb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// savedKey is the setting under which the dashboard keeps an edited KB.
const savedKey = "kb"

// InForce says which knowledge base is in force for a database: the file
// the operator named (file; nil when none), since an explicit choice wins;
// else the KB an admin edited in the dashboard and saved in store; else the
// embedded default. store may be nil for no database. hidesSaved is true
// when file hides a saved KB, which is worth a warning in the log.
func InForce(ctx context.Context, store sigap.Store, file *sigap.KB) (k *sigap.KB, hidesSaved bool, err error) {
	var saved *sigap.KB
	if store != nil {
		if saved, err = Saved(ctx, store); err != nil {
			return nil, false, err
		}
	}
	switch {
	case file != nil:
		return file, saved != nil, nil
	case saved != nil:
		return saved, false, nil
	}
	return Default(), false, nil
}

// Saved returns the KB an admin edited in the dashboard and saved in the
// store, or nil when there is none.
func Saved(ctx context.Context, store sigap.Store) (*sigap.KB, error) {
	s, err := sigap.Read(ctx, store, func(tx sigap.Tx) (*sigap.Setting, error) { return tx.Setting(ctx, savedKey) })
	switch {
	case sigap.ErrorCode(err) == sigap.ENOTFOUND || (err == nil && s.Value == ""):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("kb: read the saved KB: %w", err)
	}
	return Parse("dashboard KB (database setting "+savedKey+")", []byte(s.Value))
}

// Save stores k, valid, as the dashboard's KB, which Saved returns from
// then on. It runs in the caller's transaction, with the audit entry of
// the edit.
func Save(ctx context.Context, tx sigap.Tx, k *sigap.KB) error {
	data, err := Marshal(k)
	if err != nil {
		return err
	}
	return tx.PutSetting(ctx, &sigap.Setting{Key: savedKey, Value: string(data)})
}

// Edit puts an admin's edit of the KB in force: it checks k by the rules a
// KB file meets, saves it with its audit entry (detail, then each entry
// changed, before and after) in one transaction and, once that committed,
// makes it live's KB, from which the FAQ index and the router follow. A
// KB that breaks a rule gives EINVALID listing every problem, in the
// admins' language.
func Edit(ctx context.Context, store sigap.Store, live *sigap.LiveKB, by sigap.Actor, k *sigap.KB, detail string) error {
	return Apply(ctx, store, live, by, k, Change{Action: sigap.ActionKBEdit, Detail: detail})
}

// A Change says what an edit of the KB records besides the KB: the audit
// entry's action and detail, and what else its transaction does.
type Change struct {
	Action sigap.AuditAction
	Detail string
	// Also runs in the edit's transaction, before its audit entry; nil
	// for nothing. Its error rolls the edit back.
	Also func(tx sigap.Tx) error
}

// Apply is Edit with the audit action and more work of c: approving a
// citizen's paraphrase saves the KB and settles the candidate in one
// transaction.
func Apply(ctx context.Context, store sigap.Store, live *sigap.LiveKB, by sigap.Actor, k *sigap.KB, c Change) error {
	var problems sigap.Problems
	if errors.As(k.Validate(), &problems) {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = p.String()
		}
		sort.Strings(lines)
		return sigap.Errorf(sigap.EINVALID, "Perubahan tidak disimpan karena data tidak sah: %s", strings.Join(lines, "; "))
	}
	err := store.Update(ctx, func(tx sigap.Tx) error {
		if err := Save(ctx, tx, k); err != nil {
			return err
		}
		if c.Also != nil {
			if err := c.Also(tx); err != nil {
				return err
			}
		}
		detail := c.Detail
		if changes := Changes(live.Get(), k); changes != "" {
			detail += "\n" + changes
		}
		if err := tx.AddAudit(ctx, &sigap.AuditEntry{Actor: by, Action: c.Action, Detail: detail}); err != nil {
			return err
		}
		tx.OnCommit(func() { live.Set(k) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("kb: save the edited KB: %w", err)
	}
	return nil
}
