package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pemkab-kebumen/sigap"
)

// maxUpdateTries is how often the receiver may fail on one update before
// the update is set aside, so the citizens behind it are not held up.
const maxUpdateTries = 5

// maxTracked bounds the memory of failing updates; webhook mode keeps one
// entry per update Telegram is resending.
const maxTracked = 1024

// rawUpdate is one update as getUpdates or a webhook delivered it.
type rawUpdate struct {
	id  int
	raw json.RawMessage
}

// handleUpdate hands one update to recv. It returns nil when the update is
// done with, stored, ignored or set aside, and an error when it must be
// delivered again.
func (a *Adapter) handleUpdate(ctx context.Context, recv sigap.Receiver, u rawUpdate) error {
	in, ok, err := ToInbound(u.raw, a.allowGroups)
	if err != nil {
		return a.setAside(ctx, u, err)
	}
	if !ok {
		return nil
	}
	a.savePhoto(ctx, &in)
	err = recv.Receive(ctx, in)
	switch {
	case err == nil:
		a.forget(u.id)
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case sigap.ErrorCode(err) == sigap.EINVALID:
		return a.setAside(ctx, u, fmt.Errorf("rejected: %w", err))
	}
	tries := a.failed(u.id)
	if tries >= maxUpdateTries {
		return a.setAside(ctx, u, fmt.Errorf("receive failed %d times: %w", tries, err))
	}
	a.log.Error("telegram: receive failed; the update will be tried again", "update", u.id, "message", in.PlatformID, "err", err, "attempt", tries)
	return err
}

// failed counts a failed try of update id and returns the count so far.
func (a *Adapter) failed(id int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tries == nil || len(a.tries) >= maxTracked {
		a.tries = map[int]int{}
	}
	a.tries[id]++
	return a.tries[id]
}

func (a *Adapter) forget(id int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.tries, id)
}

// setAside keeps u through the SetAside callback (which counts it), or in
// the log without one. When the callback fails, u is not done with.
func (a *Adapter) setAside(ctx context.Context, u rawUpdate, why error) error {
	if a.onSetAside == nil {
		a.log.Error("telegram: update set aside", "update", u.id, "reason", why, "raw", string(u.raw))
	} else {
		err := a.onSetAside(ctx, sigap.SetAsideUpdate{Channel: sigap.Telegram, UpdateID: strconv.Itoa(u.id), Raw: string(u.raw), Reason: why.Error()})
		if err != nil {
			return fmt.Errorf("telegram: set aside update %d: %w", u.id, err)
		}
		a.log.Error("telegram: update set aside", "update", u.id, "reason", why)
	}
	a.forget(u.id)
	return nil
}
