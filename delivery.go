package guli

import (
	"context"
	"encoding/json"
	"net/mail"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Delivery is how Guli tells people outside the app: a station's WeCom
// (企业微信) group robot, and e-mail. Both run as jobs (see jobs.go), after
// the transaction that made the news, and every attempt is logged for the
// station's staff to read.

// Kinds of job that deliver outside the app.
const (
	JobWeCom = "wecom"
	JobEmail = "email"
)

// WeComPayload is a message for a station's group robot: Content as it
// is, or, when Key is set, the catalogue's message Key filled with Args in
// Chinese (the groups are the station's own volunteers and staff).
type WeComPayload struct {
	StationID ID
	Content   string
	Key       string
	Args      []string
}

// EmailPayload names the notifications one transaction made; the job
// e-mails those whose recipient has an address.
type EmailPayload struct {
	NotificationIDs []ID
}

// Encode writes a payload for the job queue.
func (p WeComPayload) Encode() string { return encodePayload(p) }

// Encode writes a payload for the job queue.
func (p EmailPayload) Encode() string { return encodePayload(p) }

func encodePayload(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings and numbers always encode
	}
	return string(b)
}

// DecodeWeComPayload reads a payload Encode wrote.
func DecodeWeComPayload(s string) (WeComPayload, error) {
	var p WeComPayload
	err := json.Unmarshal([]byte(s), &p)
	return p, err
}

// DecodeEmailPayload reads a payload Encode wrote.
func DecodeEmailPayload(s string) (EmailPayload, error) {
	var p EmailPayload
	err := json.Unmarshal([]byte(s), &p)
	return p, err
}

// WeComMaxBytes is the most a WeCom markdown message may hold.
const WeComMaxBytes = 4096

// TruncateUTF8 cuts s to at most n bytes without splitting a character.
func TruncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// MaxWebhookURL bounds a webhook address; WeCom's are about 110 bytes.
const MaxWebhookURL = 500

// CheckWebhookURL validates a group robot's address: absolute http or
// https, with a host and no user name or password in it. Empty turns the
// robot off. Production addresses are WeCom's
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); any http(s)
// address is taken so that a test or a relay can stand in.
func CheckWebhookURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", nil
	case len(raw) > MaxWebhookURL:
		return "", Invalid("url", FRTooLong)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" || u.Fragment != "" {
		return "", Invalid("url", FRInvalid)
	}
	return raw, nil
}

// nonPublicRanges are addresses that are not the public internet beyond
// what netip's own tests say: shared address space behind carrier NAT,
// where some clouds keep their metadata service (Alibaba Cloud's is
// 100.100.100.200), and "this network".
var nonPublicRanges = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("0.0.0.0/8"),
}

// PublicAddress decides whether a robot's address may be called when
// private networks are not allowed: only a public unicast address, not
// this machine, the local network, link-local (169.254.169.254 is many
// clouds' metadata service) or a private range. A staff member who sets
// the robot's address could otherwise make the server post to, or probe,
// what only it can reach.
func PublicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, p := range nonPublicRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// MaskWebhookURL shows enough of a webhook address to recognize it: the
// host and path, and the last four characters of its key (or of the
// query) — never the whole secret.
func MaskWebhookURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "…"
	}
	out := u.Host + u.Path
	secret := u.Query().Get("key")
	name := "key="
	if secret == "" {
		secret, name = u.RawQuery, ""
	}
	if secret != "" {
		out += "?" + name + "…" + lastRunes(secret, 4)
	}
	return out
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= 2*n { // a short secret shows nothing
		return ""
	}
	return string(r[len(r)-n:])
}

// MaxEmail is the longest address SMTP carries (RFC 5321's path limit).
const MaxEmail = 254

// NormalizeEmail checks an e-mail address and lower-cases its domain (the
// local part is the receiving server's to interpret). Empty is no address.
// Only a bare address is taken, not "Name <addr>".
func NormalizeEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > MaxEmail {
		return "", Invalid(field, FRTooLong)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, "<>\"\\ ") {
		return "", Invalid(field, FRInvalidEmail)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !strings.Contains(s[at+1:], ".") {
		return "", Invalid(field, FRInvalidEmail)
	}
	return s[:at] + "@" + strings.ToLower(s[at+1:]), nil
}

// MaskEmail shows an address to people who may not read it whole, as
// phone numbers are masked: the first character and the domain.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return ""
	}
	first, _ := utf8.DecodeRuneInString(s)
	return string(first) + "***" + s[at:]
}

// Delivery channels and the outcomes of an attempt.
const (
	ChannelWeCom = "wecom"
	ChannelEmail = "email"

	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// MaxDeliveryError bounds the error text kept with a failed attempt.
const MaxDeliveryError = 300

// Delivery is one attempt to deliver outside the app, as the delivery log
// keeps it. Target is masked: the log never holds a secret address.
type Delivery struct {
	ID             ID
	JobID          ID
	StationID      ID // whose staff read it: the robot's, or the recipient's home station
	Channel        string
	Target         string
	NotificationID ID // e-mail: the notification sent
	// RecipientID is whom an e-mail went to: the notification's own
	// recipient, or a guardian of theirs.
	RecipientID ID
	Status      string
	Error       string
	Attempt     int
	// Final is set when no retry follows: the attempt was sent, or it was
	// the last try (MaxJobAttempts) and the job is left failed.
	Final bool
	At    time.Time
}

// DeliveryOutcome says how an attempt ended: its status, its error text
// (bounded, valid text) and whether another try follows.
func DeliveryOutcome(err error, attempt int) (status, text string, final bool) {
	if err == nil {
		return DeliverySent, "", true
	}
	text = strings.ToValidUTF8(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, err.Error()), "�")
	if utf8.RuneCountInString(text) > MaxDeliveryError {
		text = string([]rune(text)[:MaxDeliveryError-1]) + "…"
	}
	return DeliveryFailed, text, attempt >= MaxJobAttempts
}

// WeComSetting is a station's group robot as staff see it: the address
// masked, "" when the robot is off.
type WeComSetting struct {
	StationID ID
	Masked    string
}

// DeliveryService is the staff's side of delivery: a station's robot and
// its delivery log. Staff of the station and admins only.
type DeliveryService interface {
	// SetWeComWebhook sets the station's robot address ("" turns it off).
	SetWeComWebhook(ctx context.Context, stationID ID, url string) (*WeComSetting, error)
	WeComWebhook(ctx context.Context, stationID ID) (*WeComSetting, error)
	// Deliveries lists the station's delivery log, newest first.
	Deliveries(ctx context.Context, stationID ID, opts ListOptions) (Page[*Delivery], error)
}

// EmailNotice is one notification to e-mail to one person: its
// recipient, or a guardian of theirs under an active link (then
// Notification.ForName names the dependent it is for).
type EmailNotice struct {
	Notification *Notification
	RecipientID  ID
	Address      string
	StationID    ID // the home station of whom it goes to, 0 for none
	Lang         string
}

// DeliveryStore is what the delivery jobs read and write; they run with
// no acting user, as the system.
type DeliveryStore interface {
	// WeComURL is the station's robot address now, "" when off.
	WeComURL(ctx context.Context, stationID ID) (string, error)
	// EmailNotices are the notifications among ids to e-mail, one for
	// each person to send each to: the recipient and, for a dependent's
	// own news, their guardians under an active link (a child kept
	// without an account has no address of their own); those who have
	// an address and want e-mail, less those the job already sent.
	EmailNotices(ctx context.Context, jobID ID, ids []ID) ([]*EmailNotice, error)
	// RecordDelivery adds an attempt to the delivery log.
	RecordDelivery(ctx context.Context, d *Delivery) error
}
