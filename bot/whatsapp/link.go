package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"go.mau.fi/whatsmeow"

	sigap "github.com/pemkab-kebumen/sigap"
)

// connectedWait is how long Link waits, after the phone confirmed, for the
// first authenticated connection, which uploads the session's keys.
const connectedWait = 30 * time.Second

// Link links the number to Sigap as a companion device. Without phone it
// calls show with each QR code to display (a new one about every 20
// seconds) for the operator to scan in WhatsApp's Linked devices; with phone
// (international digits, e.g. 6281234567890) it calls show once with an
// eight-character pairing code to type on that phone instead. It returns
// once the phone confirmed, or when the codes ran out, ctx ended, or
// WhatsApp could not be reached within the connect timeout.
func (a *Adapter) Link(ctx context.Context, phone string, show func(code string)) error {
	if phone != "" {
		if err := checkPhone(phone); err != nil {
			return err
		}
	}
	if cli := a.session(); cli.Store.ID != nil {
		return sigap.Errorf(sigap.ECONFLICT, "whatsapp: already linked to %s; unlink first", cli.Store.ID.User)
	}
	// A fresh device: a session logged out earlier keeps keys WhatsApp no
	// longer accepts.
	a.session().Disconnect()
	cli := a.setClient(a.container.NewDevice())
	qr, err := cli.GetQRChannel(a.life)
	if err != nil {
		return fmt.Errorf("whatsapp: link: %w", err)
	}
	if err := a.connect(ctx, cli); err != nil {
		return err
	}
	return a.followLink(ctx, cli, qr, phone, show)
}

// errOutdated is what linking and unlinking say when WhatsApp refuses
// Sigap's client version (405 client outdated).
var errOutdated = errors.New("Sigap is too old for WhatsApp, update it")

// pairer is what linking needs of a connected *whatsmeow.Client.
type pairer interface {
	PairPhone(ctx context.Context, phone string, showPushNotification bool, clientType whatsmeow.PairClientType, clientDisplayName string) (string, error)
	Disconnect()
}

// followLink shows the codes of the linking session qr reports until the
// phone confirmed or the session ended.
func (a *Adapter) followLink(ctx context.Context, cli pairer, qr <-chan whatsmeow.QRChannelItem, phone string, show func(code string)) error {
	paired := false
	for {
		var item whatsmeow.QRChannelItem
		var open bool
		select {
		case item, open = <-qr:
		case <-ctx.Done():
			cli.Disconnect()
			return fmt.Errorf("whatsapp: link: %w", ctx.Err())
		}
		if !open {
			return errors.New("whatsapp: link: WhatsApp closed the linking session")
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			if phone == "" {
				show(item.Code)
				continue
			}
			if paired {
				continue
			}
			code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
			if err != nil {
				cli.Disconnect()
				return fmt.Errorf("whatsapp: link: request pairing code: %w", err)
			}
			paired = true
			show(code)
		case whatsmeow.QRChannelSuccess.Event:
			a.mu.Lock()
			// Linked from the admin page of a running serve: from now on
			// this is the connection serve keeps up.
			a.supervised = a.recv != nil
			a.mu.Unlock()
			a.setState(StateConnecting, "")
			wait, cancel := context.WithTimeout(ctx, connectedWait)
			defer cancel()
			// Linked already; a slow first connection only delays the key
			// upload to the next start.
			_, _ = a.waitState(wait, StateConnected)
			return nil
		case whatsmeow.QRChannelTimeout.Event:
			return errors.New("whatsapp: link: the phone did not confirm before the codes expired; run link again")
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			continue
		case whatsmeow.QRChannelClientOutdated.Event:
			cli.Disconnect()
			return fmt.Errorf("whatsapp: link: %w", errOutdated)
		case whatsmeow.QRChannelEventError:
			cli.Disconnect()
			return fmt.Errorf("whatsapp: link: %w", item.Error)
		default:
			cli.Disconnect()
			return fmt.Errorf("whatsapp: link: unexpected %s", item.Event)
		}
	}
}

// webLink is a linking session the admin page started.
type webLink struct {
	ready chan struct{} // closed at the first QR code or at the end
	code  string        // the QR code to show now
	err   error         // why the session ended without linking
	done  bool
}

// LinkQR serves the admin page's linking panel. When the number is linked
// it reports linked. Otherwise it starts a linking session in the
// background, unless one runs, and returns the QR code to scan as a PNG;
// the page reloads to get the next code, as WhatsApp rotates them. When the
// session fails before its first code (WhatsApp unreachable), the call
// returns why; a call after a session ended starts a new one.
func (a *Adapter) LinkQR(ctx context.Context) (qrPNG []byte, linked bool, err error) {
	if a.session().Store.ID != nil {
		return nil, true, nil
	}
	a.mu.Lock()
	l := a.webLink
	if l == nil || l.done {
		l = &webLink{ready: make(chan struct{})}
		a.webLink = l
		go a.runWebLink(l)
	}
	a.mu.Unlock()
	select {
	case <-l.ready:
	case <-ctx.Done():
		return nil, false, fmt.Errorf("whatsapp: waiting for a QR code: %w", ctx.Err())
	}
	a.mu.Lock()
	code, linkErr, done := l.code, l.err, l.done
	a.mu.Unlock()
	switch {
	case done && linkErr == nil:
		return nil, true, nil
	case done:
		return nil, false, linkErr
	}
	png, err := qrcode.Encode(code, qrcode.Medium, 320)
	if err != nil {
		return nil, false, fmt.Errorf("whatsapp: QR code: %w", err)
	}
	return png, false, nil
}

func (a *Adapter) runWebLink(l *webLink) {
	var once sync.Once
	err := a.Link(a.life, "", func(code string) {
		a.mu.Lock()
		l.code = code
		a.mu.Unlock()
		once.Do(func() { close(l.ready) })
	})
	if err != nil {
		a.log.Warn("whatsapp: linking from the admin page", "err", err)
	}
	a.mu.Lock()
	l.err, l.done = err, true
	a.mu.Unlock()
	once.Do(func() { close(l.ready) })
}

// checkPhone rejects what WhatsApp's pairing would reject later with a
// vaguer message.
func checkPhone(phone string) error {
	if strings.Trim(phone, "0123456789") != "" || len(phone) < 8 || len(phone) > 15 || phone[0] == '0' {
		return sigap.Errorf(sigap.EINVALID, "whatsapp: phone %q: write the number in international form, digits only, e.g. 6281234567890", phone)
	}
	return nil
}

// connect opens the connection, failing after the connect timeout. The
// connection lives on after connect returns, until Stop.
func (a *Adapter) connect(ctx context.Context, cli *whatsmeow.Client) error {
	conn, cancel := a.newConnection()
	done := make(chan error, 1)
	go func() { done <- cli.ConnectContext(conn) }()
	timer := time.NewTimer(a.cfg.ConnectTimeout)
	defer timer.Stop()
	var err error
	select {
	case err = <-done:
	case <-timer.C:
		cancel()
		<-done
		err = fmt.Errorf("no answer within %s", a.cfg.ConnectTimeout)
	case <-ctx.Done():
		cancel()
		<-done
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		return fmt.Errorf("whatsapp: cannot reach WhatsApp: %s", oneLine(err.Error()))
	}
	return nil
}

// oneLine folds a multi-line error from the network stack into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Status reports whether the number is linked, as which WhatsApp id, and
// when Sigap last connected with it (zero when never).
func (a *Adapter) Status(ctx context.Context) (linked bool, jid string, lastConnected time.Time, err error) {
	device, err := a.container.GetFirstDevice(ctx)
	if err != nil {
		return false, "", time.Time{}, fmt.Errorf("whatsapp: load session: %w", err)
	}
	lastConnected, err = a.lastConnected(ctx)
	if err != nil {
		return false, "", time.Time{}, err
	}
	if device.ID == nil {
		return false, "", lastConnected, nil
	}
	return true, device.ID.ToNonAD().String(), lastConnected, nil
}

// Unlink logs the device out on WhatsApp's side, which removes it from the
// phone's Linked devices, and deletes the local session.
func (a *Adapter) Unlink(ctx context.Context) error {
	cli := a.session()
	if cli.Store.ID == nil {
		return sigap.Errorf(sigap.ENOTFOUND, "whatsapp: not linked")
	}
	if !cli.IsLoggedIn() {
		if err := a.connect(ctx, cli); err != nil {
			return err
		}
		wait, cancel := context.WithTimeout(ctx, a.cfg.ConnectTimeout)
		defer cancel()
		st, err := a.waitState(wait, StateConnected, StateLoggedOut, StateBanned, StateReplaced, StateOutdated, StateDisconnected)
		switch {
		case err != nil:
			return fmt.Errorf("whatsapp: unlink: WhatsApp did not accept the session within %s", a.cfg.ConnectTimeout)
		case st.State == StateOutdated:
			return fmt.Errorf("whatsapp: unlink: %w", errOutdated)
		case st.State == StateLoggedOut:
			// The phone removed the device already; whatsmeow deleted it.
			a.setState(StateNotLinked, "")
			return nil
		case st.State != StateConnected:
			return fmt.Errorf("whatsapp: unlink: %s: %s", st.State, st.Detail)
		}
	}
	if err := cli.Logout(ctx); err != nil {
		return fmt.Errorf("whatsapp: unlink: %w", err)
	}
	a.setState(StateNotLinked, "")
	return nil
}

// lastConnectedKey is the setting whose time is when Sigap last connected,
// which survives restarts so 'sigap whatsapp status' can tell it.
const lastConnectedKey = "whatsapp.last_connected"

func (a *Adapter) recordConnected(ctx context.Context, at time.Time) error {
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		return tx.PutSetting(ctx, &sigap.Setting{Key: lastConnectedKey, At: at})
	})
	if err != nil {
		return fmt.Errorf("whatsapp: record connection: %w", err)
	}
	return nil
}

func (a *Adapter) lastConnected(ctx context.Context) (time.Time, error) {
	s, err := sigap.Read(ctx, a.cfg.Store, func(tx sigap.Tx) (*sigap.Setting, error) { return tx.Setting(ctx, lastConnectedKey) })
	switch {
	case sigap.ErrorCode(err) == sigap.ENOTFOUND:
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("whatsapp: read last connection: %w", err)
	}
	return s.At, nil
}
