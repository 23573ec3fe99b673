package sms_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/sms"
)

// smsSender is a copy of guli.SMSSender; both senders must satisfy it.
type smsSender interface {
	SendCode(ctx context.Context, phone, code string) error
}

var (
	_ smsSender = (*sms.Log)(nil)
	_ smsSender = (*sms.Tencent)(nil)
)

const (
	testSecretID  = "AKIDtestSecretID0001"
	testSecretKey = "testSecretKeyMustNeverLeak9876"
	testRegion    = "ap-guangzhou"
	testAppID     = "1400000001"
	testSignName  = "顾里小站"
	testTemplate  = "2000001"
	testPhone     = "13800000008"
	testCode      = "482913"
)

// Response bodies as Tencent Cloud returns them.
const (
	successBody          = `{"Response":{"SendStatusSet":[{"SerialNo":"2028:f825e6b16e23f73f4123","PhoneNumber":"+8613800000008","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}`
	dailyLimitBody       = `{"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"+8613800000008","Fee":0,"SessionContext":"","Code":"LimitExceeded.PhoneNumberDailyLimit","Message":"the number of SMS messages sent from a single mobile number every day exceeds the upper limit","IsoCode":"CN"}],"RequestId":"b1bbcec7-d0a2-4f5e-b92f-0a09225b338a"}}`
	signatureFailureBody = `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated. Please check your signature is correct."},"RequestId":"c2ccdfd8-e1b3-4a6f-8c3a-1b1a336c449b"}}`
)

// sentRequest is the SendSms body the fake server received.
type sentRequest struct {
	PhoneNumberSet   []string
	SmsSdkAppId      string
	SignName         string
	TemplateId       string
	TemplateParamSet []string
}

// fakeTencent is a local stand-in for sms.tencentcloudapi.com. It checks
// what the real service checks, including the TC3-HMAC-SHA256 signature, and
// answers with a configurable body. A request it would refuse gets the real
// AuthFailure answer and fails the test.
type fakeTencent struct {
	t         *testing.T
	server    *httptest.Server
	secretKey string
	reply     string        // body for well-formed, correctly signed requests
	hold      chan struct{} // when non-nil, block until the client gives up

	// expectRefusals stops refused requests from failing the test, for
	// tests that send bad requests on purpose.
	expectRefusals bool

	mu       sync.Mutex
	received []sentRequest
	refusals []string
}

func newFakeTencent(t *testing.T, reply string) *fakeTencent {
	t.Helper()
	fake := &fakeTencent{t: t, secretKey: testSecretKey, reply: reply}
	fake.server = httptest.NewServer(http.HandlerFunc(fake.serveHTTP))
	t.Cleanup(fake.server.Close)
	return fake
}

// holdRequests makes the fake hang until the client disconnects.
func (f *fakeTencent) holdRequests() {
	f.hold = make(chan struct{})
	// Cleanups run last-in first-out: release held handlers before Close
	// waits for them.
	f.t.Cleanup(func() { close(f.hold) })
}

func (f *fakeTencent) config() sms.TencentConfig { return configFor(f.server.URL) }

// configFor returns a complete test configuration aimed at a local server.
func configFor(serverURL string) sms.TencentConfig {
	return sms.TencentConfig{
		SecretID:   testSecretID,
		SecretKey:  testSecretKey,
		Region:     testRegion,
		AppID:      testAppID,
		SignName:   testSignName,
		TemplateID: testTemplate,
		Endpoint:   strings.TrimPrefix(serverURL, "http://"),
		Scheme:     "http",
		Timeout:    5 * time.Second,
	}
}

func (f *fakeTencent) requests() []sentRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.received)
}

func (f *fakeTencent) refused() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.refusals)
}

func (f *fakeTencent) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("fake tencent: reading body: %v", err)
		return
	}
	if problem := checkRequest(r, body, f.secretKey); problem != "" {
		f.mu.Lock()
		f.refusals = append(f.refusals, problem)
		f.mu.Unlock()
		if !f.expectRefusals {
			f.t.Errorf("fake tencent: refusing request: %s", problem)
		}
		writeJSON(w, signatureFailureBody)
		return
	}
	var sent sentRequest
	if err := json.Unmarshal(body, &sent); err != nil {
		f.t.Errorf("fake tencent: body %s: %v", body, err)
	}
	f.mu.Lock()
	f.received = append(f.received, sent)
	f.mu.Unlock()

	if f.hold != nil {
		select {
		case <-r.Context().Done():
		case <-f.hold:
		}
		return
	}
	writeJSON(w, f.reply)
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}

// checkRequest returns what is wrong with a SendSms request, or "".
func checkRequest(r *http.Request, body []byte, secretKey string) string {
	switch {
	case r.Method != http.MethodPost:
		return "method " + r.Method
	case r.Header.Get("X-TC-Action") != "SendSms":
		return "X-TC-Action " + r.Header.Get("X-TC-Action")
	case r.Header.Get("X-TC-Version") != "2021-01-11":
		return "X-TC-Version " + r.Header.Get("X-TC-Version")
	case r.Header.Get("X-TC-Region") != testRegion:
		return "X-TC-Region " + r.Header.Get("X-TC-Region")
	case r.Header.Get("Content-Type") != "application/json":
		return "Content-Type " + r.Header.Get("Content-Type")
	}
	return verifyTC3Signature(r, body, secretKey)
}

// verifyTC3Signature recomputes the TC3-HMAC-SHA256 signature the way Tencent
// documents it and compares it with the Authorization header.
func verifyTC3Signature(r *http.Request, body []byte, secretKey string) string {
	const algorithm = "TC3-HMAC-SHA256"
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, algorithm+" Credential="+testSecretID+"/")
	if !ok {
		return "Authorization " + auth
	}
	// rest: "<date>/sms/tc3_request, SignedHeaders=<h1;h2>, Signature=<hex>"
	parts := strings.Split(rest, ", ")
	if len(parts) != 3 {
		return "Authorization " + auth
	}
	scope := parts[0]
	signedHeaders, ok1 := strings.CutPrefix(parts[1], "SignedHeaders=")
	signature, ok2 := strings.CutPrefix(parts[2], "Signature=")
	if !ok1 || !ok2 {
		return "Authorization " + auth
	}

	timestamp := r.Header.Get("X-TC-Timestamp")
	unix, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return "X-TC-Timestamp " + timestamp
	}
	signedAt := time.Unix(unix, 0).UTC()
	if skew := time.Since(signedAt); skew > 5*time.Minute || skew < -5*time.Minute {
		return "X-TC-Timestamp too far from now: " + timestamp
	}
	date := signedAt.Format("2006-01-02")
	if want := date + "/sms/tc3_request"; scope != want {
		return "credential scope " + scope + ", want " + want
	}

	// 1. Canonical request.
	var canonicalHeaders strings.Builder
	for name := range strings.SplitSeq(signedHeaders, ";") {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		fmt.Fprintf(&canonicalHeaders, "%s:%s\n", name, strings.ToLower(strings.TrimSpace(value)))
	}
	if !strings.Contains(signedHeaders, "host") || !strings.Contains(signedHeaders, "content-type") {
		return "SignedHeaders " + signedHeaders + " must cover host and content-type"
	}
	canonicalRequest := strings.Join([]string{
		r.Method,
		"/",
		r.URL.RawQuery,
		canonicalHeaders.String(),
		signedHeaders,
		sha256Hex(body),
	}, "\n")

	// 2. String to sign.
	stringToSign := strings.Join([]string{algorithm, timestamp, scope, sha256Hex([]byte(canonicalRequest))}, "\n")

	// 3. Signing key derived from the secret key, then the signature.
	secretDate := hmacSHA256([]byte("TC3"+secretKey), date)
	secretService := hmacSHA256(secretDate, "sms")
	secretSigning := hmacSHA256(secretService, "tc3_request")
	want := hex.EncodeToString(hmacSHA256(secretSigning, stringToSign))

	if !hmac.Equal([]byte(signature), []byte(want)) {
		return "signature mismatch"
	}
	return ""
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return mac.Sum(nil)
}

func newTencent(t *testing.T, cfg sms.TencentConfig) *sms.Tencent {
	t.Helper()
	sender, err := sms.NewTencent(cfg)
	if err != nil {
		t.Fatalf("NewTencent: %v", err)
	}
	return sender
}

// assertNoSecrets fails if err's text leaks the secret key, the code or the
// full phone number.
func assertNoSecrets(t *testing.T, err error) {
	t.Helper()
	for _, secret := range []string{testSecretKey, testCode, testPhone} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q leaks %q", err, secret)
		}
	}
}

func TestTencentSendCodeSuccess(t *testing.T) {
	tests := []struct {
		name         string
		validMinutes int
		wantParams   []string
	}{
		{"code only", 0, []string{testCode}},
		{"code and minutes", 5, []string{testCode, "5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeTencent(t, successBody)
			cfg := fake.config()
			cfg.ValidMinutes = tt.validMinutes
			sender := newTencent(t, cfg)

			if err := sender.SendCode(context.Background(), testPhone, testCode); err != nil {
				t.Fatalf("SendCode: %v", err)
			}

			got := fake.requests()
			want := sentRequest{
				PhoneNumberSet:   []string{"+86" + testPhone},
				SmsSdkAppId:      testAppID,
				SignName:         testSignName,
				TemplateId:       testTemplate,
				TemplateParamSet: tt.wantParams,
			}
			if len(got) != 1 {
				t.Fatalf("fake received %d requests, want 1", len(got))
			}
			if fmt.Sprint(got[0]) != fmt.Sprint(want) {
				t.Errorf("request body = %+v, want %+v", got[0], want)
			}
		})
	}
}

func TestTencentSendCodeRefused(t *testing.T) {
	tests := []struct {
		name     string
		reply    string
		wantCode string
	}{
		{"per-number status", dailyLimitBody, "LimitExceeded.PhoneNumberDailyLimit"},
		{"API error", signatureFailureBody, "AuthFailure.SignatureFailure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeTencent(t, tt.reply)
			sender := newTencent(t, fake.config())

			err := sender.SendCode(context.Background(), testPhone, testCode)
			if err == nil {
				t.Fatal("SendCode succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantCode) {
				t.Errorf("error %q does not name Tencent code %s", err, tt.wantCode)
			}
			assertNoSecrets(t, err)
			if !errors.Is(err, sms.ErrRejected) || errors.Is(err, sms.ErrUnavailable) {
				t.Errorf("error %q: want ErrRejected only", err)
			}
			var providerErr *sms.ProviderError
			if !errors.As(err, &providerErr) || providerErr.Code != tt.wantCode || providerErr.RequestID == "" {
				t.Errorf("errors.As(*ProviderError) = %+v, want code %s and a request id", providerErr, tt.wantCode)
			}
		})
	}
}

// TestTencentWrongSecretKey proves the fake really verifies signatures: a
// client signing with another key must be refused.
func TestTencentWrongSecretKey(t *testing.T) {
	fake := newFakeTencent(t, successBody)
	fake.secretKey = "the-key-the-server-expects"
	fake.expectRefusals = true
	sender := newTencent(t, fake.config())

	err := sender.SendCode(context.Background(), testPhone, testCode)
	if err == nil || !strings.Contains(err.Error(), "AuthFailure.SignatureFailure") {
		t.Fatalf("SendCode with wrong key: err = %v, want AuthFailure.SignatureFailure", err)
	}
	assertNoSecrets(t, err)
	if got := fake.refused(); !slices.Equal(got, []string{"signature mismatch"}) {
		t.Errorf("fake refusals = %q, want [signature mismatch]", got)
	}
}

func TestTencentTransportFailure(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"HTTP 502", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "bad gateway "+testCode, http.StatusBadGateway)
		}},
		{"not JSON", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "<html>"+testCode+"</html>")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(tt.handler)
			t.Cleanup(server.Close)
			sender := newTencent(t, configFor(server.URL))

			err := sender.SendCode(context.Background(), testPhone, testCode)
			if !errors.Is(err, sms.ErrUnavailable) || errors.Is(err, sms.ErrRejected) {
				t.Fatalf("err = %v, want ErrUnavailable only", err)
			}
			assertNoSecrets(t, err)
		})
	}

	t.Run("connection refused", func(t *testing.T) {
		server := httptest.NewServer(http.NotFoundHandler())
		cfg := configFor(server.URL)
		server.Close()
		sender := newTencent(t, cfg)

		err := sender.SendCode(context.Background(), testPhone, testCode)
		if !errors.Is(err, sms.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
		assertNoSecrets(t, err)
	})
}

func TestTencentSendCodeStopsWithContext(t *testing.T) {
	tests := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		timeout time.Duration // TencentConfig.Timeout
		wantIs  []error
	}{
		{
			name: "cancelled while waiting",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			timeout: time.Minute,
			wantIs:  []error{context.Canceled},
		},
		{
			name: "caller deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 100*time.Millisecond)
			},
			timeout: time.Minute,
			wantIs:  []error{context.DeadlineExceeded},
		},
		{
			name: "configured timeout",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithCancel(context.Background())
			},
			timeout: 100 * time.Millisecond,
			wantIs:  []error{sms.ErrUnavailable, context.DeadlineExceeded},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeTencent(t, successBody)
			fake.holdRequests()
			cfg := fake.config()
			cfg.Timeout = tt.timeout
			sender := newTencent(t, cfg)
			ctx, cancel := tt.ctx()
			defer cancel()

			start := time.Now()
			err := sender.SendCode(ctx, testPhone, testCode)
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("SendCode returned after %v, want promptly", elapsed)
			}
			for _, target := range tt.wantIs {
				if !errors.Is(err, target) {
					t.Errorf("err = %v, want errors.Is %v", err, target)
				}
			}
			if err != nil {
				assertNoSecrets(t, err)
			}
		})
	}

	t.Run("already cancelled", func(t *testing.T) {
		fake := newFakeTencent(t, successBody)
		sender := newTencent(t, fake.config())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		err := sender.SendCode(ctx, testPhone, testCode)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if n := len(fake.requests()); n != 0 {
			t.Errorf("fake received %d requests, want none", n)
		}
	})
}

func TestTencentSendCodeRejectsBadInput(t *testing.T) {
	tests := []struct {
		name, phone, code string
		wantInvalidPhone  bool
	}{
		{"with +86", "+8613800000008", testCode, true},
		{"too short", "1380000000", testCode, true},
		{"landline", "02012345678", testCode, true},
		{"letters", "1380000000x", testCode, true},
		{"empty phone", "", testCode, true},
		{"empty code", testPhone, "", false},
	}
	fake := newFakeTencent(t, successBody)
	sender := newTencent(t, fake.config())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sender.SendCode(context.Background(), tt.phone, tt.code)
			if err == nil {
				t.Fatal("SendCode succeeded, want an error")
			}
			if got := errors.Is(err, sms.ErrInvalidPhone); got != tt.wantInvalidPhone {
				t.Errorf("errors.Is(%v, ErrInvalidPhone) = %v, want %v", err, got, tt.wantInvalidPhone)
			}
		})
	}
	if n := len(fake.requests()); n != 0 {
		t.Errorf("fake received %d requests for bad input, want none", n)
	}
}

func TestNewTencentValidatesConfig(t *testing.T) {
	valid := func() sms.TencentConfig {
		return sms.TencentConfig{
			SecretID:   testSecretID,
			SecretKey:  testSecretKey,
			AppID:      testAppID,
			SignName:   testSignName,
			TemplateID: testTemplate,
		}
	}
	tests := []struct {
		name     string
		mutate   func(*sms.TencentConfig)
		wantText []string // each must appear in the error; nil means success
	}{
		{"valid with defaults", func(*sms.TencentConfig) {}, nil},
		{"http scheme", func(c *sms.TencentConfig) { c.Scheme = "HTTP" }, nil},
		{"missing SecretID", func(c *sms.TencentConfig) { c.SecretID = "" }, []string{"SecretID"}},
		{"missing SecretKey", func(c *sms.TencentConfig) { c.SecretKey = " " }, []string{"SecretKey"}},
		{"missing AppID", func(c *sms.TencentConfig) { c.AppID = "" }, []string{"AppID"}},
		{"missing SignName", func(c *sms.TencentConfig) { c.SignName = "" }, []string{"SignName"}},
		{"missing TemplateID", func(c *sms.TencentConfig) { c.TemplateID = "" }, []string{"TemplateID"}},
		{"all missing", func(c *sms.TencentConfig) { *c = sms.TencentConfig{} },
			[]string{"SecretID", "SecretKey", "AppID", "SignName", "TemplateID"}},
		{"unknown scheme", func(c *sms.TencentConfig) { c.Scheme = "ftp" }, []string{"Scheme"}},
		{"endpoint with scheme", func(c *sms.TencentConfig) { c.Endpoint = "https://sms.tencentcloudapi.com" }, []string{"Endpoint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.mutate(&cfg)
			sender, err := sms.NewTencent(cfg)
			if tt.wantText == nil {
				if err != nil || sender == nil {
					t.Fatalf("NewTencent = %v, %v; want a sender", sender, err)
				}
				return
			}
			if err == nil {
				t.Fatal("NewTencent succeeded, want an error")
			}
			for _, text := range tt.wantText {
				if !strings.Contains(err.Error(), text) {
					t.Errorf("error %q does not mention %s", err, text)
				}
			}
			if strings.TrimSpace(cfg.SecretKey) != "" && strings.Contains(err.Error(), cfg.SecretKey) {
				t.Errorf("error %q leaks the secret key", err)
			}
		})
	}
}

func TestTencentConfigStringHidesSecretKey(t *testing.T) {
	cfg := sms.TencentConfig{SecretID: testSecretID, SecretKey: testSecretKey}
	for _, format := range []string{"%v", "%+v", "%s"} {
		if got := fmt.Sprintf(format, cfg); strings.Contains(got, testSecretKey) {
			t.Errorf("Sprintf(%q) = %q leaks the secret key", format, got)
		}
	}
}

func TestLogSendCode(t *testing.T) {
	tests := []struct {
		name, phone, wantMasked string
	}{
		{"mainland mobile", testPhone, "138****0008"},
		{"other mobile", "19912345678", "199****5678"},
		{"too short to mask partly", "12345", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))

			if err := sms.NewLog(logger).SendCode(context.Background(), tt.phone, testCode); err != nil {
				t.Fatalf("SendCode: %v", err)
			}

			line := buf.String()
			for _, want := range []string{"level=INFO", "phone=" + tt.wantMasked, "code=" + testCode} {
				if !strings.Contains(line, want) {
					t.Errorf("log %q lacks %q", line, want)
				}
			}
			if strings.Contains(line, tt.phone) {
				t.Errorf("log %q contains the full phone %s", line, tt.phone)
			}
		})
	}
}

func TestNewLogNilLoggerUsesDefault(t *testing.T) {
	var buf bytes.Buffer
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(previous) })

	if err := sms.NewLog(nil).SendCode(context.Background(), testPhone, testCode); err != nil {
		t.Fatalf("SendCode: %v", err)
	}
	if !strings.Contains(buf.String(), "code="+testCode) {
		t.Errorf("default logger got %q, want the code", buf.String())
	}
}
