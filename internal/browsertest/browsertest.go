// Package browsertest drives a real headless Chromium for end-to-end tests of
// the pages, and checks pages for accessibility problems with axe-core.
//
// A test binary starts one browser with Start in its TestMain and opens a new
// tab for each test with chromedp.NewContext on the context Start returns.
//
// axe.min.js is axe-core 4.14.1 from npm (MPL-2.0, see the notice at the top
// of the file), unchanged: the tarball matched the registry's integrity
// sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==.
package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

//go:embed axe.min.js
var axeSource string

// DefaultChromium is where Debian installs Chromium.
const DefaultChromium = "/usr/bin/chromium"

// ExecPath is the browser the tests run: $GULI_CHROMIUM, else DefaultChromium.
func ExecPath() string {
	if p := os.Getenv("GULI_CHROMIUM"); p != "" {
		return p
	}
	return DefaultChromium
}

// Available reports whether the browser binary of ExecPath exists and can be
// run.
func Available() bool {
	_, err := exec.LookPath(ExecPath())
	return err == nil
}

// Start starts one headless Chromium with a fresh temporary profile and
// returns a chromedp context that owns it. Make a tab for each test with
// chromedp.NewContext(ctx). stop closes the browser, waits until every one of
// its processes has ended and been reaped, and removes its temporary files;
// call it after the tests, when no other child process runs (a second call
// does nothing).
func Start() (ctx context.Context, stop func(), err error) {
	if !Available() {
		return nil, nil, fmt.Errorf("no Chromium at %s (set GULI_CHROMIUM to its path)", ExecPath())
	}
	// Chromium keeps its crash database under $XDG_CONFIG_HOME, outside the
	// profile: point it, and the cache, at a temporary folder too.
	home, err := os.MkdirTemp("", "guli-chromium-home-")
	if err != nil {
		return nil, nil, err
	}
	// Chromium's helpers (zygotes, crashpad) outlive the browser for a
	// moment; adopt them, so that stop can wait for them and reap them.
	adoptOrphans()
	// No UserDataDir option: the allocator then makes a fresh temporary
	// profile, kills any process left using it and removes it on exit.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ExecPath()),
		chromedp.Env("XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache")),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("force-color-profile", "srgb"), // stable colours for contrast checks
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			// Close gracefully, then make sure: the allocator's cancel
			// waits for the browser to end and removes the profile.
			cctx, ccancel := context.WithTimeout(browserCtx, 10*time.Second)
			chromedp.Cancel(cctx)
			ccancel()
			browserCancel()
			allocCancel()
			reapOrphans(10 * time.Second)
			os.RemoveAll(home)
		})
	}
	// The first Do starts the browser; its context must have no timeout,
	// since the browser lives as long as it.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err = <-started:
		if err != nil {
			stop()
		}
	case <-time.After(60 * time.Second):
		stop()
		<-started
		err = fmt.Errorf("no answer after 60s")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("starting Chromium %s: %w", ExecPath(), err)
	}
	return browserCtx, stop, nil
}

// Violation is one axe rule a page breaks.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"` // minor, moderate, serious or critical
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []Node `json:"nodes"`
}

// Node is one element that breaks a rule.
type Node struct {
	// Target is the CSS selector of the element; selectors into iframes or
	// shadow roots are joined by " >>> ".
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"summary"` // what to fix
}

// Targets lists the selectors of the elements that break the rule.
func (v Violation) Targets() []string {
	t := make([]string, len(v.Nodes))
	for i, n := range v.Nodes {
		t[i] = n.Target
	}
	return t
}

// String gives the rule, its impact, what it asks for and where it fails,
// one element per line.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n  %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n  - %s\n    %s", n.Target, n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n    %s", strings.ReplaceAll(n.Summary, "\n", "\n    "))
		}
	}
	return b.String()
}

// Serious keeps the violations of impact serious or critical.
func Serious(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, v)
		}
	}
	return out
}

// axeRun runs every axe rule on the document and keeps what the Go side needs.
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)).join(' >>> '),
		html: n.html, summary: n.failureSummary || '',
	})),
})))`

// Axe injects the embedded axe-core into the page of the tab ctx (once per
// document) and returns the rules the page breaks.
func Axe(ctx context.Context) ([]Violation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err != nil {
		return nil, fmt.Errorf("axe: %w", err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			return nil, fmt.Errorf("axe: injecting axe-core: %w", err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe: running: %w", err)
	}
	return vs, nil
}
