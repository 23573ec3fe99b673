package delivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// SMTP sends mail through one server with net/smtp, STARTTLS when the
// server offers it, and PLAIN authentication when a user is set.
type SMTP struct {
	Addr     string // host:port
	From     string // a bare address
	User     string
	Password string
	// Timeout bounds one message, connection to QUIT (default 30 s).
	Timeout time.Duration
}

// Message is one plain-text e-mail.
type Message struct {
	To, Subject, Text string
	Date              time.Time
}

// Send delivers m through the server.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("smtp address: %w", err)
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if s.User != "" {
		// net/smtp sends PLAIN only over TLS or to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(compose(s.From, m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose writes the message: UTF-8 text, quoted-printable, the subject
// Q-encoded and folded; line breaks in a header are flattened so that no
// text can add a header.
func compose(from string, m Message) []byte {
	oneLine := strings.NewReplacer("\r", " ", "\n", " ")
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, oneLine.Replace(v)) }
	header("From", from)
	header("To", m.To)
	// A long subject is many encoded words; each goes on a line of its
	// own, as a line of mail holds at most 998 characters.
	subject := mime.QEncoding.Encode("utf-8", oneLine.Replace(m.Subject))
	fmt.Fprintf(&b, "Subject: %s\r\n", strings.ReplaceAll(subject, "?= =?", "?=\r\n =?"))
	header("Date", m.Date.Format(time.RFC1123Z))
	header("Message-ID", "<"+messageID()+"@"+domainOf(from)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="utf-8"`)
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}

func messageID() string {
	var r [12]byte
	rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return addr[at+1:]
	}
	return "localhost"
}
