package replay

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Recorder is replay's only channel: a sigap.Sender that writes each
// message Sigap sends as a JSON line {"at","to","ticket","text"}.
type Recorder struct {
	enc   *json.Encoder
	store sigap.Store
	now   sigap.Clock
	codes map[int64]string // ticket id → code, looked up once
}

// NewRecorder writes to w; store resolves ticket codes, now dates lines.
func NewRecorder(w io.Writer, store sigap.Store, now sigap.Clock) *Recorder {
	return &Recorder{enc: json.NewEncoder(w), store: store, now: now, codes: map[int64]string{}}
}

// Reply is one line a Recorder writes: a message Sigap sent.
type Reply struct {
	At     time.Time `json:"at"`
	To     string    `json:"to"`
	Ticket string    `json:"ticket"`
	Text   string    `json:"text"`
}

// Send implements sigap.Sender.
func (rr *Recorder) Send(ctx context.Context, m sigap.Outbound) error {
	code, ok := rr.codes[m.TicketID]
	if !ok && m.TicketID != 0 {
		t, err := sigap.Read(ctx, rr.store, func(tx sigap.Tx) (*sigap.Ticket, error) { return tx.TicketByID(ctx, m.TicketID) })
		if err != nil {
			return err
		}
		code = t.Code
		rr.codes[m.TicketID] = code
	}
	return rr.enc.Encode(Reply{At: rr.now(), To: m.To.String(), Ticket: code, Text: m.Text})
}

// Channels returns the recorder as the adapter of every channel, so that
// whatever Sigap sends on any of them is recorded.
func (rr *Recorder) Channels() []sigap.ChannelAdapter {
	return []sigap.ChannelAdapter{channel{rr, sigap.Telegram}, channel{rr, sigap.WhatsApp}, channel{rr, sigap.Web},
		channel{rr, sigap.Facebook}, channel{rr, sigap.Instagram}}
}

// channel is the recorder standing in for one channel.
type channel struct {
	*Recorder
	id sigap.Channel
}

func (c channel) Channel() sigap.Channel                      { return c.id }
func (c channel) Start(context.Context, sigap.Receiver) error { return nil }
func (c channel) Stop()                                       {}
func (c channel) State() sigap.ChannelState {
	return sigap.ChannelState{Channel: c.id, State: "recording", Since: c.now()}
}
