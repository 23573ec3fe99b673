package markdown_test

import (
	"strings"
	"testing"

	"guli/markdown"
)

func TestHTMLKeepsText(t *testing.T) {
	r := markdown.New()
	tests := []struct{ in, want string }{
		{"**周三**上午九点", "<strong>周三</strong>上午九点"},
		{"第一行\n第二行", "第一行<br>"},
		{"- 带好水杯\n- 穿运动鞋", "<li>带好水杯</li>"},
		{"[报名](https://example.org/a)", `href="https://example.org/a"`},
		{"电话 [拨打](tel:13800000000)", `href="tel:13800000000"`},
		{"a < b & c", "a &lt; b &amp; c"},
	}
	for _, tt := range tests {
		if got := r.HTML(tt.in); !strings.Contains(got, tt.want) {
			t.Errorf("HTML(%q) = %q, want it to hold %q", tt.in, got, tt.want)
		}
	}
}

func TestHTMLRemovesWhatRuns(t *testing.T) {
	r := markdown.New()
	hostile := []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[点我](javascript:alert(1))",
		"[点我](JaVaScRiPt:alert(1))",
		"[点我](data:text/html;base64,PHNjcmlwdD4=)",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<iframe src=\"https://evil.example\"></iframe>",
		"<svg onload=alert(1)>",
		"<p style=\"background:url(javascript:alert(1))\">x</p>",
		"![x](https://tracker.example/pixel.gif)",
		"<div onclick=\"alert(1)\">click</div>",
		"<object data=x></object><embed src=x>",
		"<form action=https://evil.example><input name=p></form>",
		"[x](&#106;avascript:alert(1))",
		"<a href=\"&#x6A;avascript:alert(1)\">x</a>",
		"<meta http-equiv=refresh content=0;url=https://evil.example>",
	}
	banned := []string{"<script", "onerror", "onload", "onclick", "javascript:", "data:text", "<iframe", "<svg",
		"style=", "<img", "<object", "<embed", "<form", "<input", "<meta", "tracker.example"}
	for _, in := range hostile {
		got := strings.ToLower(r.HTML(in))
		for _, b := range banned {
			if strings.Contains(got, b) {
				t.Errorf("HTML(%q) = %q: %q survived", in, got, b)
			}
		}
	}
}

func TestLinksOpenSafely(t *testing.T) {
	got := markdown.New().HTML("看 https://example.org/x")
	for _, want := range []string{`href="https://example.org/x"`, `rel="nofollow noopener"`, `target="_blank"`} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML = %q, want it to hold %q", got, want)
		}
	}
}
