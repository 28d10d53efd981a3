package desk

import (
	"crypto/rand"
	"math/big"
)

// codeAlphabet leaves out letters and digits people confuse when they read
// a code aloud or copy it by hand (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// codeLength gives 31^5 ≈ 28.6 million codes: enough that guessing another
// citizen's code is impractical, short enough to type.
const codeLength = 5

func randomCode() string {
	b := make([]byte, codeLength)
	max := big.NewInt(int64(len(codeAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("desk: crypto/rand failed: " + err.Error())
		}
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b)
}
