// Package delivery carries news outside the app, as jobs the worker runs:
// messages to a station's WeCom (企业微信) group robot and e-mail to people
// who gave an address. Each attempt is written to the delivery log, with
// the target masked; a webhook address never reaches a log or an error.
package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"guli"
	"guli/i18n"
	"guli/web/core"
	"guli/worker"
)

// Config wires a Deliverer.
type Config struct {
	Store   guli.DeliveryStore
	Catalog *i18n.Catalog
	// HTTP calls the robots; nil is a client with a ten-second timeout
	// that connects only to public addresses (guli.PublicAddress) unless
	// PrivateNetworks is set.
	HTTP *http.Client
	// PrivateNetworks lets the robots' addresses be on this machine or a
	// private network: for tests and a relay on the station's own
	// network. Off, staff cannot turn the robot into a way to post to, or
	// probe, what only the server can reach.
	PrivateNetworks bool
	// Mail sends e-mail; nil leaves e-mail off.
	Mail *SMTP
	// BaseURL starts the links in e-mails (https://guli.example.org).
	BaseURL string
	Now     func() time.Time
	Logger  *slog.Logger
}

// Deliverer has the handlers of the delivery jobs.
type Deliverer struct {
	cfg  Config
	view *core.Core // renders notifications as the pages do
}

// New returns a Deliverer for cfg.
func New(cfg Config) *Deliverer {
	if cfg.HTTP == nil {
		cfg.HTTP = robotClient(cfg.PrivateNetworks)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Catalog == nil {
		cfg.Catalog = i18n.MustLoad()
	}
	// A robot's address answering with a redirect is a failure, not a
	// reason to post the message somewhere else.
	client := *cfg.HTTP
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.HTTP = &client
	return &Deliverer{cfg: cfg, view: &core.Core{Config: core.Config{Catalog: cfg.Catalog}}}
}

// errPrivateAddress is the refusal of a robot's address that is not on
// the public internet.
var errPrivateAddress = errors.New("the robot's address is not on the public internet")

// robotClient calls robots directly, not through a proxy from the
// environment. Unless private is set, it refuses every address but a
// public one when connecting, after the name is resolved, so a name that
// resolves to 127.0.0.1 (or comes to, between two calls) is refused too.
func robotClient(private bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !private {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return errPrivateAddress
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !guli.PublicAddress(ip) {
				return errPrivateAddress
			}
			return nil
		}
	}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: transport}
}

// Handlers are the job handlers by kind: the robot's always, e-mail's
// when there is a mail server.
func (d *Deliverer) Handlers() map[string]worker.Handler {
	h := map[string]worker.Handler{guli.JobWeCom: d.WeCom}
	if d.cfg.Mail != nil {
		h[guli.JobEmail] = d.Email
	}
	return h
}

// WeCom posts a message to the station's group robot, as WeCom's markdown
// message, at most WeComMaxBytes. The address is read now: a robot turned
// off since the news gets nothing.
func (d *Deliverer) WeCom(ctx context.Context, job *guli.Job) error {
	p, err := guli.DecodeWeComPayload(job.Payload)
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	hook, err := d.cfg.Store.WeComURL(ctx, p.StationID)
	if err != nil || hook == "" {
		return err
	}
	content := p.Content
	if p.Key != "" {
		args := make([]any, len(p.Args))
		for i, a := range p.Args {
			args[i] = a
		}
		content = d.cfg.Catalog.T(i18n.Chinese, p.Key, args...)
	}
	body, _ := json.Marshal(weComMessage{MsgType: "markdown", Markdown: weComText{Content: guli.TruncateUTF8(content, guli.WeComMaxBytes)}})
	sendErr := d.post(ctx, hook, body)
	status, text, final := guli.DeliveryOutcome(sendErr, job.Attempts)
	rec := &guli.Delivery{JobID: job.ID, StationID: p.StationID, Channel: guli.ChannelWeCom, Target: guli.MaskWebhookURL(hook),
		Status: status, Error: text, Attempt: job.Attempts, Final: final}
	if err := d.cfg.Store.RecordDelivery(ctx, rec); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// weComMessage is the body of a group robot's message.
type weComMessage struct {
	MsgType  string    `json:"msgtype"`
	Markdown weComText `json:"markdown"`
}

type weComText struct {
	Content string `json:"content"`
}

// post sends body to the robot. WeCom answers 200 with errcode 0 when it
// took the message; anything else is a failure, retried by the queue. The
// errors name no address: it holds the robot's key.
func (d *Deliverer) post(ctx context.Context, hook string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, bytes.NewReader(body))
	if err != nil {
		return errors.New("the robot's address cannot be called")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.cfg.HTTP.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error names the address
		}
		return fmt.Errorf("post to the robot: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the robot answered %s", resp.Status)
	}
	var r struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(answer, &r) == nil && r.ErrCode != nil && *r.ErrCode != 0 {
		return fmt.Errorf("the robot refused the message: errcode %d: %s", *r.ErrCode, guli.TruncateUTF8(r.ErrMsg, 200))
	}
	return nil
}

// Email sends each notification the job names to its recipient, and a
// dependent's to their guardians too, when they have an address and want
// e-mail, in their language (Chinese when none is
// known): the subject is the notification's title, the text its body and
// a link. Each send is logged; one already sent by an earlier try of the
// job is not sent again.
func (d *Deliverer) Email(ctx context.Context, job *guli.Job) error {
	if d.cfg.Mail == nil {
		return errors.New("no mail server")
	}
	p, err := guli.DecodeEmailPayload(job.Payload)
	if err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	notices, err := d.cfg.Store.EmailNotices(ctx, job.ID, p.NotificationIDs)
	if err != nil {
		return err
	}
	var failed []error
	for _, n := range notices {
		lang := n.Lang
		if lang == "" {
			lang = i18n.Chinese
		}
		v := d.view.ViewNotification(lang, n.Notification)
		text := v.Body
		if v.Link != "" && d.cfg.BaseURL != "" {
			text += "\n\n" + strings.TrimRight(d.cfg.BaseURL, "/") + v.Link
		}
		text += "\n\n" + d.cfg.Catalog.T(lang, "email.footer")
		subject := v.Title
		if v.ForName != "" { // a guardian's, for their dependent
			subject = d.cfg.Catalog.T(lang, "email.subject_for", v.ForName, v.Title)
		}
		sendErr := d.cfg.Mail.Send(ctx, Message{To: n.Address, Subject: subject, Text: text, Date: d.cfg.Now()})
		status, errText, final := guli.DeliveryOutcome(sendErr, job.Attempts)
		rec := &guli.Delivery{JobID: job.ID, StationID: n.StationID, Channel: guli.ChannelEmail, Target: guli.MaskEmail(n.Address),
			NotificationID: n.Notification.ID, RecipientID: n.RecipientID, Status: status, Error: errText, Attempt: job.Attempts, Final: final}
		if err := d.cfg.Store.RecordDelivery(ctx, rec); err != nil {
			return errors.Join(sendErr, err)
		}
		if sendErr != nil {
			failed = append(failed, sendErr)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d e-mails failed, the first: %w", len(failed), len(notices), failed[0])
	}
	return nil
}
