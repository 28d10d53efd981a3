package whatsapp

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	sigap "github.com/pemkab-kebumen/sigap"
)

// Each part of an outbox reply goes out with a message id derived from the
// outbox message, so a part sent again after a send timeout, a stop or a
// crash carries the id it had the first time, and WhatsApp keeps one copy.
//
// The ids have the shape whatsmeow gives WhatsApp Web's own ids ("3EB0" and
// 18 upper-case hex digits, 9 bytes): 6 bytes hash the outbox id, the time
// the reply was committed (so an id reused after the outbox was emptied gives
// new message ids) and the part number; 3 bytes check the other 6, which is
// how Sigap tells its own sends from the random ids of other linked devices.
// A random id passes the check once in 16.7 million.
const (
	idHexDigits = 18
	idHashBytes = 6
)

// partMessageID returns the message id of part (from 0) of msg, or "" when
// msg has no outbox id to derive one from; whatsmeow then picks a random id.
func partMessageID(msg sigap.Outbound, part int) types.MessageID {
	if msg.ID <= 0 {
		return ""
	}
	var seed [24]byte
	binary.BigEndian.PutUint64(seed[0:], uint64(msg.ID))
	binary.BigEndian.PutUint64(seed[8:], uint64(msg.Created.Unix()))
	binary.BigEndian.PutUint64(seed[16:], uint64(part))
	sum := sha256.Sum256(append([]byte("sigap outbox part\x00"), seed[:]...))
	id := make([]byte, 0, idHexDigits/2)
	id = append(id, sum[:idHashBytes]...)
	id = append(id, idCheck(id)...)
	return types.MessageID(whatsmeow.WebMessageIDPrefix + strings.ToUpper(hex.EncodeToString(id)))
}

// isSigapMessageID reports whether id is one partMessageID made.
func isSigapMessageID(id types.MessageID) bool {
	digits, ok := strings.CutPrefix(string(id), whatsmeow.WebMessageIDPrefix)
	if !ok || len(digits) != idHexDigits || strings.ToUpper(digits) != digits {
		return false
	}
	raw, err := hex.DecodeString(digits)
	if err != nil {
		return false
	}
	return bytes.Equal(raw[idHashBytes:], idCheck(raw[:idHashBytes]))
}

func idCheck(hash []byte) []byte {
	sum := sha256.Sum256(append([]byte("sigap id check\x00"), hash...))
	return sum[:idHexDigits/2-idHashBytes]
}
