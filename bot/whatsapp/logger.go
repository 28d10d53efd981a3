package whatsapp

import (
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// waLogger hands whatsmeow's warnings and errors to slog and drops its info
// and debug lines: whatsmeow narrates every connection step and every
// decrypted message, which would drown Sigap's own log and, in the CLI,
// spill onto the operator's terminal.
type waLogger struct {
	log    *slog.Logger
	module string
}

func (l waLogger) Errorf(msg string, args ...any) {
	l.log.Error(fmt.Sprintf(msg, args...), "module", l.module)
}

func (l waLogger) Warnf(msg string, args ...any) {
	l.log.Warn(fmt.Sprintf(msg, args...), "module", l.module)
}

func (waLogger) Infof(string, ...any)  {}
func (waLogger) Debugf(string, ...any) {}

func (l waLogger) Sub(module string) waLog.Logger {
	return waLogger{log: l.log, module: l.module + "/" + module}
}
