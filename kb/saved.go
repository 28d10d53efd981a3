package kb

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// savedKey is the setting under which the dashboard keeps an edited KB.
const savedKey = "kb"

// Saved returns the KB an admin edited in the dashboard and saved in the
// store, or nil when there is none.
func Saved(ctx context.Context, store sigap.Store) (*sigap.KB, error) {
	var raw string
	err := store.View(ctx, func(tx sigap.Tx) error {
		var err error
		raw, err = tx.GetSetting(ctx, savedKey)
		return err
	})
	switch {
	case sigap.ErrorCode(err) == sigap.ENOTFOUND || (err == nil && raw == ""):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("kb: read the saved KB: %w", err)
	}
	return Parse("dashboard KB (database setting "+savedKey+")", []byte(raw))
}

// Save stores k as the dashboard's KB, which Saved returns from then on.
func Save(ctx context.Context, store sigap.Store, k *sigap.KB) error {
	data, err := Marshal(k)
	if err != nil {
		return err
	}
	return store.Update(ctx, func(tx sigap.Tx) error { return tx.PutSetting(ctx, savedKey, string(data)) })
}
