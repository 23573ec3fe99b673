package guli_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"guli"
)

func TestCheckWebhookURL(t *testing.T) {
	tests := []struct {
		in, want, reason string
	}{
		{"", "", ""},
		{"  ", "", ""},
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", ""},
		{"http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/hook", ""},
		{"ftp://example.com/x", "", guli.FRInvalid},
		{"qyapi.weixin.qq.com/cgi-bin/webhook/send", "", guli.FRInvalid},
		{"/relative/path", "", guli.FRInvalid},
		{"https://user:pw@example.com/x", "", guli.FRInvalid},
		{"https:///nohost", "", guli.FRInvalid},
		{"javascript:alert(1)", "", guli.FRInvalid},
		{"https://example.com/x#frag", "", guli.FRInvalid},
		{"https://example.com/" + strings.Repeat("k", guli.MaxWebhookURL), "", guli.FRTooLong},
	}
	for _, tt := range tests {
		got, err := guli.CheckWebhookURL(tt.in)
		if reason := guli.AsError(err).Fields["url"]; err != nil && reason != tt.reason || err == nil && tt.reason != "" {
			t.Errorf("CheckWebhookURL(%q): %v, want reason %q", tt.in, err, tt.reason)
		}
		if got != tt.want {
			t.Errorf("CheckWebhookURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPublicAddress(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"101.89.16.1", true}, // a public address
		{"2408:8000::1", true},
		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"::1", false},
		{"::ffff:127.0.0.1", false}, // loopback written as IPv6
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.100.100.200", false}, // Alibaba Cloud's metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::", false},
		{"fe80::1", false},
		{"fd00::1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
	}
	for _, tt := range tests {
		if got := guli.PublicAddress(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("PublicAddress(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	if guli.PublicAddress(netip.Addr{}) {
		t.Error("the zero address is public")
	}
}

func TestMaskWebhookURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…5aaa"},
		{"http://127.0.0.1:9/hook?token=abcdefghij", "127.0.0.1:9/hook?…ghij"},
		{"http://127.0.0.1:9/hook", "127.0.0.1:9/hook"},
		{"https://h/x?key=short", "h/x?key=…"},
	}
	for _, tt := range tests {
		if got := guli.MaskWebhookURL(tt.in); got != tt.want {
			t.Errorf("MaskWebhookURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncateUTF8(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"新活动", 4, "新"}, // three bytes a character
		{"新活动", 6, "新活"},
		{"新活动", 2, ""},
	}
	for _, tt := range tests {
		got := guli.TruncateUTF8(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("TruncateUTF8(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"", "", ""},
		{" Wang.Li@Example.COM ", "Wang.Li@example.com", ""},
		{"li@163.com", "li@163.com", ""},
		{"Li <li@163.com>", "", guli.FRInvalidEmail},
		{"li@", "", guli.FRInvalidEmail},
		{"@163.com", "", guli.FRInvalidEmail},
		{"li@localhost", "", guli.FRInvalidEmail},
		{"li 163.com", "", guli.FRInvalidEmail},
		{"li@163.com\r\nBcc: x@y.z", "", guli.FRInvalidEmail},
		{strings.Repeat("a", 250) + "@b.cn", "", guli.FRTooLong},
	}
	for _, tt := range tests {
		got, err := guli.NormalizeEmail("email", tt.in)
		if reason := guli.AsError(err).Fields["email"]; err != nil && reason != tt.reason || err == nil && tt.reason != "" {
			t.Errorf("NormalizeEmail(%q): %v, want reason %q", tt.in, err, tt.reason)
		}
		if got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{"wang@163.com": "w***@163.com", "王@例子.cn": "王***@例子.cn", "": "", "bad": ""} {
		if got := guli.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeliveryOutcome(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		attempt int
		status  string
		final   bool
	}{
		{"sent", nil, 1, guli.DeliverySent, true},
		{"failed, retried", errors.New("500"), 1, guli.DeliveryFailed, false},
		{"failed at the last try", errors.New("500"), guli.MaxJobAttempts, guli.DeliveryFailed, true},
	}
	for _, tt := range tests {
		status, _, final := guli.DeliveryOutcome(tt.err, tt.attempt)
		if status != tt.status || final != tt.final {
			t.Errorf("%s: %s %v, want %s %v", tt.name, status, final, tt.status, tt.final)
		}
	}
	_, text, _ := guli.DeliveryOutcome(errors.New(strings.Repeat("长", 1000)+"\x00\n"), 1)
	if n := utf8.RuneCountInString(text); n > guli.MaxDeliveryError || !guli.ValidText(text) {
		t.Errorf("error text of %d characters, valid %v", n, guli.ValidText(text))
	}
}

func TestPayloadsRoundTrip(t *testing.T) {
	w := guli.WeComPayload{StationID: 3, Content: "新活动", Key: "k", Args: []string{"a"}}
	if got, err := guli.DecodeWeComPayload(w.Encode()); err != nil || got.StationID != 3 || got.Content != w.Content || got.Args[0] != "a" {
		t.Errorf("wecom payload: %+v %v", got, err)
	}
	e := guli.EmailPayload{NotificationIDs: []guli.ID{4, 5}}
	if got, err := guli.DecodeEmailPayload(e.Encode()); err != nil || len(got.NotificationIDs) != 2 || got.NotificationIDs[1] != 5 {
		t.Errorf("email payload: %+v %v", got, err)
	}
}
