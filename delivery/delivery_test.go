package delivery_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"guli"
	"guli/delivery"
	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
	"guli/sqlstore"
	"guli/worker"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup starts a server on engine e with a clock the test moves, and a
// worker with the delivery handlers, driven by the test.
func setup(t *testing.T, e dbtest.Engine, mail *delivery.SMTP) (*testserver.Server, *clock, *worker.Worker) {
	t.Helper()
	c := &clock{t: time.Now()}
	s := testserver.New(t, e, testserver.Options{Now: c.Now, Email: mail != nil})
	d := delivery.New(delivery.Config{Store: sqlstore.NewDeliveries(s.DB), Catalog: i18n.MustLoad(), Mail: mail,
		BaseURL: "https://guli.example.org", Now: c.Now, PrivateNetworks: true}) // the robots are local test servers
	return s, c, worker.New(sqlstore.NewJobs(s.DB), d.Handlers(), worker.Options{})
}

func runDue(t *testing.T, w *worker.Worker, want int) {
	t.Helper()
	if n, err := w.RunDue(context.Background()); err != nil || n != want {
		t.Fatalf("the worker ran %d jobs (%v), want %d", n, err, want)
	}
}

// robot is a stand-in for WeCom's group robot: it answers each request
// with the next of its answers (the last one for ever after).
type robot struct {
	mu      sync.Mutex
	answers []int
	bodies  [][]byte
	paths   []string
}

func (rb *robot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.bodies = append(rb.bodies, b)
	rb.paths = append(rb.paths, r.Method+" "+r.URL.RequestURI())
	status := rb.answers[min(len(rb.bodies), len(rb.answers))-1]
	switch status {
	case 200:
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	case 93000: // WeCom's "invalid webhook url", with a 200
		io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
	default:
		w.WriteHeader(status)
	}
}

func (rb *robot) received() [][]byte {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return append([][]byte(nil), rb.bodies...)
}

type weComBody struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

func activity(t *testing.T, s *testserver.Server, token, title string, weeks int) string {
	t.Helper()
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	body := map[string]any{"station_id": s.Station.ID.String(), "title": title, "category": "event",
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	if weeks > 1 {
		body["repeat"] = map[string]int{"weekly_count": weeks}
	}
	r := s.Do(t, "POST", "/api/v1/activities", token, body)
	if r.Status != 201 {
		t.Fatalf("new activity: %d %s", r.Status, r.Body)
	}
	var out struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	json.Unmarshal(r.Body, &out)
	return out.Items[0].ID
}

type deliveryItem struct {
	Channel, Target, Status, Error string
	Attempt                        int
	Final                          bool
	NotificationID                 string `json:"notification_id"`
}

func deliveries(t *testing.T, s *testserver.Server, token string) []deliveryItem {
	t.Helper()
	r := s.Do(t, "GET", "/api/v1/stations/"+s.Station.ID.String()+"/deliveries", token, nil)
	if r.Status != 200 {
		t.Fatalf("deliveries: %d %s", r.Status, r.Body)
	}
	var out struct{ Items []deliveryItem }
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Items
}

// A new weekly series at a station whose robot is set is one message to
// the robot. The robot fails twice (500): the queue tries again after its
// backoff, on the moved clock, and the third try delivers the markdown
// message with the title. Each try is in the station's delivery log; the
// robot's key is in no answer and no log.
func TestWeComMessageArrivesAfterRetries(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		s, c, w := setup(t, e, nil)
		rb := &robot{answers: []int{500, 500, 200}}
		hs := httptest.NewServer(rb)
		defer hs.Close()
		const key = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
		hook := hs.URL + "/cgi-bin/webhook/send?key=" + key
		staff := s.Login(t, testserver.StaffPhone, testserver.Password)
		station := "/api/v1/stations/" + s.Station.ID.String()

		activity(t, s, staff, "没有机器人时的活动", 1)
		runDue(t, w, 0) // no robot, no job

		r := s.Do(t, "PUT", station+"/wecom-webhook", staff, map[string]string{"url": hook})
		if r.Status != 200 || strings.Contains(string(r.Body), key) || !strings.Contains(string(r.Body), "key=…5aaa") {
			t.Fatalf("set the robot: %d %s", r.Status, r.Body)
		}
		if r := s.Do(t, "GET", station+"/wecom-webhook", staff, nil); r.Status != 200 || strings.Contains(string(r.Body), key) || r.JSON(t)["on"] != true {
			t.Fatalf("the robot: %d %s", r.Status, r.Body)
		}
		activity(t, s, staff, "太极拳晨练", 4)

		runDue(t, w, 1)
		if n := len(rb.received()); n != 1 {
			t.Fatalf("%d requests after the first try", n)
		}
		if log := deliveries(t, s, staff); len(log) != 1 || log[0].Status != "failed" || log[0].Final || !strings.Contains(log[0].Error, "500") {
			t.Fatalf("log after the first try: %+v", log)
		}
		c.Add(guli.JobBackoff(1) - time.Second)
		runDue(t, w, 0) // not before the backoff
		c.Add(time.Second)
		runDue(t, w, 1)
		c.Add(guli.JobBackoff(2))
		runDue(t, w, 1)
		runDue(t, w, 0) // delivered: nothing is left

		got := rb.received()
		if len(got) != 3 {
			t.Fatalf("%d requests, want 3 (two failures, one success)", len(got))
		}
		var msg weComBody
		if err := json.Unmarshal(got[2], &msg); err != nil {
			t.Fatalf("not JSON: %s", got[2])
		}
		if msg.MsgType != "markdown" || !strings.Contains(msg.Markdown.Content, "太极拳晨练") || !strings.Contains(msg.Markdown.Content, "4") {
			t.Fatalf("message %s", got[2])
		}
		if rb.paths[2] != "POST /cgi-bin/webhook/send?key="+key {
			t.Fatalf("posted to %s", rb.paths[2])
		}
		log := deliveries(t, s, staff)
		if len(log) != 3 || log[0].Status != "sent" || !log[0].Final || log[0].Attempt != 3 || log[1].Status != "failed" || log[2].Status != "failed" {
			t.Fatalf("log: %+v", log)
		}
		for _, d := range log {
			if d.Channel != "wecom" || strings.Contains(d.Target, key) || !strings.HasSuffix(d.Target, "key=…5aaa") {
				t.Fatalf("log target %q", d.Target)
			}
		}
		if strings.Contains(s.Logs(), key) {
			t.Fatal("the robot's key is in the server's log")
		}

		// Turned off, the robot gets nothing more.
		if r := s.Do(t, "PUT", station+"/wecom-webhook", staff, map[string]string{"url": ""}); r.Status != 200 || r.JSON(t)["on"] != false {
			t.Fatalf("turn off: %d %s", r.Status, r.Body)
		}
		activity(t, s, staff, "机器人关了以后", 1)
		runDue(t, w, 0)
	})
}

// Unless private networks are allowed, a robot's address on this machine
// or a private network is refused when the connection is made, a name that
// resolves to one included: staff cannot make the server post to, or
// probe, what only it can reach. The log says why, without the key.
func TestRobotOffThePublicInternetIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		s, _, _ := setup(t, e, nil)
		rb := &robot{answers: []int{200}}
		hs := httptest.NewServer(rb)
		defer hs.Close()
		d := delivery.New(delivery.Config{Store: sqlstore.NewDeliveries(s.DB)})
		w := worker.New(sqlstore.NewJobs(s.DB), d.Handlers(), worker.Options{})
		staff := s.Login(t, testserver.StaffPhone, testserver.Password)
		_, port, _ := strings.Cut(strings.TrimPrefix(hs.URL, "http://"), ":")
		const key = "0ec2b0a4-secret-key-of-the-robot"
		for i, hook := range []string{hs.URL + "/send?key=" + key, "http://localhost:" + port + "/send?key=" + key} {
			if r := s.Do(t, "PUT", "/api/v1/stations/"+s.Station.ID.String()+"/wecom-webhook", staff, map[string]string{"url": hook}); r.Status != 200 {
				t.Fatalf("set the robot: %d %s", r.Status, r.Body)
			}
			activity(t, s, staff, fmt.Sprintf("内网机器人%d", i), 1)
			runDue(t, w, 1)
			log := deliveries(t, s, staff)
			if log[0].Status != "failed" || !strings.Contains(log[0].Error, "not on the public internet") || strings.Contains(log[0].Error, key) {
				t.Fatalf("%s: the log says %+v", hook, log[0])
			}
		}
		if n := len(rb.received()); n != 0 {
			t.Fatalf("the robot on this machine got %d requests", n)
		}
	})
}

// WeCom's refusal with a 200 (errcode ≠ 0) is a failure; a message over
// WeCom's 4096 bytes is cut at a character boundary; after the last try
// the job is left failed, and the log says so.
func TestWeComRefusalsAndLongMessages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		s, c, w := setup(t, e, nil)
		rb := &robot{answers: []int{93000}}
		hs := httptest.NewServer(rb)
		defer hs.Close()
		admin := s.Login(t, testserver.AdminPhone, testserver.Password)
		if r := s.Do(t, "PUT", "/api/v1/stations/"+s.Station.ID.String()+"/wecom-webhook", admin, map[string]string{"url": hs.URL + "/hook"}); r.Status != 200 {
			t.Fatalf("set the robot: %d %s", r.Status, r.Body)
		}
		jobs := sqlstore.NewJobs(s.DB)
		long := guli.WeComPayload{StationID: s.Station.ID, Content: strings.Repeat("通知", 1000)} // 6000 bytes
		if _, err := jobs.Enqueue(context.Background(), guli.JobWeCom, long.Encode(), time.Time{}); err != nil {
			t.Fatal(err)
		}
		for range guli.MaxJobAttempts {
			runDue(t, w, 1)
			c.Add(time.Hour)
		}
		runDue(t, w, 0) // given up
		got := rb.received()
		if len(got) != guli.MaxJobAttempts {
			t.Fatalf("%d tries, want %d", len(got), guli.MaxJobAttempts)
		}
		var msg weComBody
		json.Unmarshal(got[0], &msg)
		if n := len(msg.Markdown.Content); n > guli.WeComMaxBytes || n < guli.WeComMaxBytes-3 || !utf8.ValidString(msg.Markdown.Content) {
			t.Fatalf("content of %d bytes, valid %v", n, utf8.ValidString(msg.Markdown.Content))
		}
		log := deliveries(t, s, admin)
		if len(log) != guli.MaxJobAttempts || log[0].Status != "failed" || !log[0].Final || log[1].Final ||
			!strings.Contains(log[0].Error, "93000") {
			t.Fatalf("log: %+v", log[:2])
		}
	})
}

// smtpServer is a tiny SMTP server for tests: HELO/EHLO, MAIL, RCPT, DATA,
// RSET, NOOP and QUIT, recording every message; it refuses the recipients
// in reject.
type smtpServer struct {
	ln     net.Listener
	mu     sync.Mutex
	msgs   []smtpMessage
	reject map[string]bool
}

type smtpMessage struct {
	From string
	To   []string
	Data string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, reject: map[string]bool{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	rd := bufio.NewReader(conn)
	say := func(line string) { io.WriteString(conn, line+"\r\n") }
	say("220 guli-test ESMTP")
	var msg smtpMessage
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		arg := func(prefix string) string {
			v := strings.TrimSpace(line[min(len(line), len(prefix)):])
			return strings.Trim(v, "<>")
		}
		switch verb {
		case "HELO", "EHLO":
			say("250 guli-test")
		case "MAIL":
			msg = smtpMessage{From: arg("MAIL FROM:")}
			say("250 ok")
		case "RCPT":
			to := arg("RCPT TO:")
			s.mu.Lock()
			refused := s.reject[to]
			s.mu.Unlock()
			if refused {
				say("550 no such mailbox")
				continue
			}
			msg.To = append(msg.To, to)
			say("250 ok")
		case "DATA":
			say("354 end with .")
			var b strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, smtpMessage{From: msg.From, To: msg.To, Data: b.String()})
			s.mu.Unlock()
			say("250 queued")
		case "RSET", "NOOP":
			say("250 ok")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.msgs...)
}

func (s *smtpServer) setReject(addr string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[addr] = on
}

// An activity cancelled with four people on it is one e-mail job: it
// mails the two with an address who want e-mail, in Chinese, subject the
// notification's title, with a link. One recipient's server refuses at
// first: the job is tried again, and mails only that one.
func TestNotificationsAreEmailed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		mailer := newSMTPServer(t)
		s, c, w := setup(t, e, &delivery.SMTP{Addr: mailer.ln.Addr().String(), From: "noreply@guli.example.org", Timeout: 10 * time.Second})
		staff := s.Login(t, testserver.StaffPhone, testserver.Password)
		id := activity(t, s, staff, "重阳节茶话会", 1)
		people := []struct {
			phone, email string
			on           bool
		}{
			{"13900000101", "Wang.Li@Example.COM", true},
			{"13900000102", "zhao@163.com", true},
			{"13900000103", "off@163.com", false},
			{"13900000104", "", true},
		}
		for _, p := range people {
			_, token := s.Register(t, "居民"+p.phone[9:], p.phone)
			if p.email != "" {
				r := s.Do(t, "PATCH", "/api/v1/me", token, map[string]any{"email": p.email, "email_on": p.on})
				if r.Status != 200 || r.JSON(t)["email_on"] != p.on {
					t.Fatalf("set e-mail: %d %s", r.Status, r.Body)
				}
			}
			if r := s.Do(t, "POST", "/api/v1/activities/"+id+"/registrations", token, map[string]any{}); r.Status != 201 {
				t.Fatalf("sign up: %d %s", r.Status, r.Body)
			}
		}
		runDue(t, w, 0) // signing up oneself tells nobody
		mailer.setReject("zhao@163.com", true)
		if r := s.Do(t, "DELETE", "/api/v1/activities/"+id, staff, nil); r.Status != 204 {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		runDue(t, w, 1) // one job for the four notifications
		msgs := mailer.messages()
		if len(msgs) != 1 || msgs[0].To[0] != "Wang.Li@example.com" || msgs[0].From != "noreply@guli.example.org" {
			t.Fatalf("after the first try: %+v", msgs)
		}
		m, err := mail.ReadMessage(strings.NewReader(msgs[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil || subject != "活动取消：重阳节茶话会" {
			t.Fatalf("subject %q (%v), raw %q", subject, err, m.Header.Get("Subject"))
		}
		body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
		if !strings.Contains(string(body), "很抱歉，重阳节茶话会") || !strings.Contains(string(body), "https://guli.example.org/activities/"+id) {
			t.Fatalf("body:\n%s", body)
		}
		if m.Header.Get("To") != "Wang.Li@example.com" || !strings.Contains(m.Header.Get("Content-Type"), "utf-8") {
			t.Fatalf("headers %v", m.Header)
		}

		mailer.setReject("zhao@163.com", false)
		c.Add(guli.JobBackoff(1))
		runDue(t, w, 1)
		runDue(t, w, 0)
		msgs = mailer.messages()
		if len(msgs) != 2 || msgs[1].To[0] != "zhao@163.com" {
			t.Fatalf("after the retry: %+v", msgs)
		}
		log := deliveries(t, s, staff)
		var lines []string
		for _, d := range log {
			lines = append(lines, fmt.Sprintf("%s %s %s %d", d.Channel, d.Target, d.Status, d.Attempt))
		}
		want := []string{"email z***@163.com sent 2", "email z***@163.com failed 1", "email W***@example.com sent 1"}
		if fmt.Sprint(lines) != fmt.Sprint(want) {
			t.Fatalf("log %v, want %v", lines, want)
		}
	})
}

// Activities created at once by many requests, with four workers running
// on the one queue: each activity's message reaches the robot exactly once.
func TestConcurrentNewsIsPostedOnceEach(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		s, _, _ := setup(t, e, nil)
		rb := &robot{answers: []int{200}}
		hs := httptest.NewServer(rb)
		defer hs.Close()
		staff := s.Login(t, testserver.StaffPhone, testserver.Password)
		if r := s.Do(t, "PUT", "/api/v1/stations/"+s.Station.ID.String()+"/wecom-webhook", staff, map[string]string{"url": hs.URL + "/hook"}); r.Status != 200 {
			t.Fatalf("set the robot: %d %s", r.Status, r.Body)
		}
		ctx, stop := context.WithCancel(context.Background())
		var running sync.WaitGroup
		for range 4 {
			d := delivery.New(delivery.Config{Store: sqlstore.NewDeliveries(s.DB), PrivateNetworks: true})
			w := worker.New(sqlstore.NewJobs(s.DB), d.Handlers(), worker.Options{Poll: 10 * time.Millisecond})
			running.Add(1)
			go func() { defer running.Done(); w.Run(ctx) }()
		}
		const n = 24
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
				r := s.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": s.Station.ID.String(), "title": fmt.Sprintf("同时发布的活动%02d", i),
					"category": "event", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)})
				if r.Status != 201 {
					t.Errorf("new activity %d: %d %s", i, r.Status, r.Body)
				}
			}()
		}
		wg.Wait()
		deadline := time.Now().Add(30 * time.Second)
		for len(rb.received()) < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		stop()
		running.Wait()
		seen := map[string]int{}
		for _, b := range rb.received() {
			var msg weComBody
			json.Unmarshal(b, &msg)
			for i := range n {
				if strings.Contains(msg.Markdown.Content, fmt.Sprintf("同时发布的活动%02d", i)) {
					seen[fmt.Sprint(i)]++
				}
			}
		}
		if len(rb.received()) != n || len(seen) != n {
			t.Fatalf("%d messages for %d activities, %d distinct", len(rb.received()), n, len(seen))
		}
		for i, c := range seen {
			if c != 1 {
				t.Errorf("activity %s posted %d times", i, c)
			}
		}
	})
}

// A subject is one header, however long: a safety alert's 100-character
// Chinese title takes some 1,100 characters once encoded, more than the
// 998 a line of mail may hold, so its encoded words are folded onto lines
// of their own; a line break typed into it adds no header.
func TestLongSubjectsAreFolded(t *testing.T) {
	mailer := newSMTPServer(t)
	m := &delivery.SMTP{Addr: mailer.ln.Addr().String(), From: "noreply@guli.example.org", Timeout: 10 * time.Second}
	subject := "安全提醒：" + strings.Repeat("燃气", 50) + "\r\nBcc: victim@example.com"
	if err := m.Send(context.Background(), delivery.Message{To: "a@example.com", Subject: subject, Text: "正文", Date: time.Now()}); err != nil {
		t.Fatal(err)
	}
	msgs := mailer.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	header, _, _ := strings.Cut(msgs[0].Data, "\r\n\r\n")
	for _, line := range strings.Split(header, "\r\n") {
		if len(line) > 998 {
			t.Errorf("a header line of %d characters: %.80s…", len(line), line)
		}
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("a header was added: %q", line)
		}
	}
	parsed, err := mail.ReadMessage(strings.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if want := strings.NewReplacer("\r", " ", "\n", " ").Replace(subject); err != nil || got != want {
		t.Errorf("the subject reads %q (%v), want %q", got, err, want)
	}
}
