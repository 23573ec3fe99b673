package sms

import (
	"context"
	"log/slog"
)

// Log is a development sender: it logs the code instead of texting it, so a
// developer can finish registration by reading the log. It writes the code in
// clear, so never use it in production.
type Log struct {
	logger *slog.Logger
}

// NewLog returns a Log sender writing to logger, or to slog.Default() when
// logger is nil.
func NewLog(logger *slog.Logger) *Log {
	if logger == nil {
		logger = slog.Default()
	}
	return &Log{logger: logger}
}

// SendCode logs, at Info level, the masked phone and the code that would have
// been sent. It never fails.
func (l *Log) SendCode(ctx context.Context, phone, code string) error {
	l.logger.InfoContext(ctx, "sms: would send verification code (log-only sender, nothing sent)",
		slog.String("phone", maskPhone(phone)),
		slog.String("code", code),
	)
	return nil
}
