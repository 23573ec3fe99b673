// Package deploy_test checks what deploy/ ships: the systemd units, the
// Caddyfile and the backup script, and runs scripts/deploy-test, the
// district's deployment (two guli processes on one PostgreSQL behind
// Caddy, one killed under a write load). That needs Caddy and PostgreSQL:
// without them it is skipped, and under CI=true it fails instead, as the
// PostgreSQL and browser suites do.
package deploy_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/internal/dbtest"
)

// need returns the path of a tool the test cannot do without: missing, the
// test fails under CI=true and is skipped otherwise.
func need(t *testing.T, tool, why string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is not installed: %s must run in CI (.ci/run installs it)", tool, why)
	}
	t.Skipf("%s is not installed: %s skipped", tool, why)
	return ""
}

// unit reads a unit file as its settings, key by key, in order, with the
// section each is in ("Service.ExecStart").
func unit(t *testing.T, name string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string][]string{}
	section := ""
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a setting: %q", name, i+1, line)
			}
			settings[section+"."+k] = append(settings[section+"."+k], v)
		}
	}
	return settings
}

// first is a unit's first value of a setting, "" when it has none.
func first(u map[string][]string, key string) string {
	if len(u[key]) == 0 {
		return ""
	}
	return u[key][0]
}

// TestUnitsAreHardened: the units run guli as a user of its own, with
// nothing writable but its state, no privileges to gain and no
// capabilities, restart it when it fails, and read one environment file.
func TestUnitsAreHardened(t *testing.T) {
	hardening := map[string]string{
		"DynamicUser": "yes", "User": "guli", "StateDirectory": "guli",
		"ProtectSystem": "strict", "ProtectHome": "yes", "NoNewPrivileges": "yes", "PrivateTmp": "yes",
		"CapabilityBoundingSet": "", "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"EnvironmentFile": "/etc/guli/guli.env",
	}
	for _, name := range []string{"guli.service", "guli@.service", "guli-backup.service"} {
		t.Run(name, func(t *testing.T) {
			u := unit(t, name)
			for k, want := range hardening {
				if got := u["Service."+k]; !slices.Contains(got, want) {
					t.Errorf("%s=%q, want %q among them", k, got, want)
				}
			}
			if len(u["Service.MemoryMax"]) == 0 {
				t.Error("no MemoryMax")
			}
			if name != "guli-backup.service" {
				if first(u, "Service.Restart") != "on-failure" || first(u, "Install.WantedBy") != "multi-user.target" {
					t.Errorf("Restart=%q, WantedBy=%q", u["Service.Restart"], u["Install.WantedBy"])
				}
				// guli stops within 30 s of SIGTERM after draining (GULI_DRAIN,
				// a minute at most); systemd must wait longer than both.
				if d, err := time.ParseDuration(first(u, "Service.TimeoutStopSec")); err != nil || d <= 90*time.Second {
					t.Errorf("TimeoutStopSec=%q, want more than guli's longest drain and 30 s shutdown", u["Service.TimeoutStopSec"])
				}
			}
		})
	}
	if got := unit(t, "guli@.service")["Service.ExecStart"]; len(got) != 1 || !strings.Contains(got[0], ":%i") {
		t.Errorf("guli@.service ExecStart=%q: the instance's name is its port", got)
	}
	timer := unit(t, "guli-backup.timer")
	if len(timer["Timer.OnCalendar"]) != 1 || first(timer, "Timer.Persistent") != "yes" || first(timer, "Install.WantedBy") != "timers.target" {
		t.Errorf("guli-backup.timer: %v", timer)
	}
}

// TestSystemdVerifiesTheUnits runs systemd-analyze verify on the units in
// a root of their own holding the system's units, guli and guli-backup
// where the units look for them. It needs no running systemd; where
// systemd-analyze is not installed it is skipped, in CI too (the static
// checks above still run).
func TestSystemdVerifiesTheUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	root := t.TempDir()
	for _, dir := range []string{"usr/local/bin", "usr/lib/systemd", "etc/systemd/system"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("cp", "-a", "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/")).CombinedOutput(); err != nil {
		t.Skipf("no system units to verify against: %v %s", err, out)
	}
	copyFile(t, "guli-backup", filepath.Join(root, "usr/local/bin/guli-backup"), 0o755)
	copyFile(t, "guli-backup", filepath.Join(root, "usr/local/bin/guli"), 0o755) // any executable will do
	units := []string{"guli.service", "guli@.service", "guli-backup.service", "guli-backup.timer"}
	for _, u := range units {
		copyFile(t, u, filepath.Join(root, "etc/systemd/system", u), 0o644)
	}
	out, err := exec.Command(analyze, "verify", "--root="+root, "guli.service", "guli@8081.service", "guli-backup.service", "guli-backup.timer").CombinedOutput()
	if err != nil || len(out) > 0 {
		// An unknown setting is only a warning: any word is a failure.
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, u := range []string{"guli.service", "guli@8081.service", "guli-backup.service"} {
		out, err := exec.Command(analyze, "security", "--offline=true", "--root="+root, u).CombinedOutput()
		if err != nil {
			t.Logf("systemd-analyze security %s: %v", u, err) // older systemd: no --offline
			continue
		}
		m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("systemd-analyze security %s said:\n%s", u, out)
		}
		t.Logf("%s: exposure %s (0 is best, 10 worst)", u, m[1])
		if exposure, err := strconv.ParseFloat(string(m[1]), 64); err != nil || exposure > 2 {
			t.Errorf("%s: exposure %s, want at most 2", u, m[1])
		}
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

// TestCaddyValidatesTheCaddyfile: Caddy takes deploy/Caddyfile, formatted
// as caddy fmt writes it, without a warning.
func TestCaddyValidatesTheCaddyfile(t *testing.T) {
	caddy := need(t, "caddy", "checking deploy/Caddyfile")
	cmd := exec.Command(caddy, "validate", "--config", "Caddyfile", "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Valid configuration") {
		t.Fatalf("caddy validate: %v\n%s", err, out)
	}
	if strings.Contains(string(out), `"level":"warn"`) {
		t.Errorf("caddy validate warns:\n%s", out)
	}
}

// TestBackupScriptOnSQLite runs deploy/guli-backup as the timer would on a
// station's SQLite database: a checked copy under a dated name, the newest
// GULI_BACKUP_KEEP kept, other files left alone.
func TestBackupScriptOnSQLite(t *testing.T) {
	dir := t.TempDir()
	guli := filepath.Join(dir, "guli")
	if out, err := exec.Command("go", "build", "-o", guli, "guli/cmd/guli").CombinedOutput(); err != nil {
		t.Fatalf("building guli: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "guli station.db") // spaces, quoted everywhere
	if out, err := exec.Command(guli, "demo", "--db", db).CombinedOutput(); err != nil {
		t.Fatalf("guli demo: %v\n%s", err, out)
	}
	backups := filepath.Join(dir, "back ups")
	old := []string{"guli-20231013T191500Z.db", "guli-20231014T191500Z.db", "guli-20231015T191500Z.db"}
	for _, name := range append(slices.Clone(old), "notes.txt", "guli-20231012T191500Z.dump") {
		if err := os.MkdirAll(backups, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(backups, name), []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(keep string) (string, error) {
		cmd := exec.Command("./guli-backup")
		cmd.Env = append(os.Environ(), "GULI_DB="+db, "GULI_BACKUP_DIR="+backups, "GULI_BACKUP_KEEP="+keep, "GULI_BIN="+guli)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("2")
	if err != nil {
		t.Fatalf("guli-backup: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(backups)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// The new one and the newest old one; the .dump and the notes are not
	// SQLite backups and stay.
	if len(names) != 4 || !slices.Contains(names, old[2]) || !slices.Contains(names, "notes.txt") || !slices.Contains(names, "guli-20231012T191500Z.dump") {
		t.Fatalf("backups left: %v (guli-backup said %s)", names, out)
	}
	var taken string
	for _, n := range names {
		if regexp.MustCompile(`^guli-\d{8}T\d{6}Z\.db$`).MatchString(n) && n != old[2] {
			taken = filepath.Join(backups, n)
		}
	}
	if taken == "" || !strings.Contains(out, taken) {
		t.Fatalf("no new backup among %v; guli-backup said %s", names, out)
	}
	if out, err := exec.Command(guli, "ledger", "check", "--db", taken).CombinedOutput(); err != nil {
		t.Fatalf("guli ledger check on the backup: %v\n%s", err, out)
	}
	if out, err := run("none"); err == nil || !strings.Contains(out, "GULI_BACKUP_KEEP") {
		t.Errorf("GULI_BACKUP_KEEP=none: %v %s", err, out)
	}
}

// TestBackupScriptFailsWithoutLosingBackups: a pg_dump that fails, or an
// archive pg_restore cannot read, fails the script with a line saying so,
// prunes no backup and leaves no half-written file (night after night
// they filled the disk); with both working the newest GULI_BACKUP_KEEP
// stay. The directory's name has spaces. GULI_BACKUP_KEEP with a leading
// zero (the shell read 014 as octal) or past 9999 is refused.
func TestBackupScriptFailsWithoutLosingBackups(t *testing.T) {
	bin := t.TempDir()
	backups := filepath.Join(t.TempDir(), "guli backups")
	old := []string{"guli-20231013T191500Z.dump", "guli-20231014T191500Z.dump", "guli-20231015T191500Z.dump"}
	if err := os.MkdirAll(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range old {
		if err := os.WriteFile(filepath.Join(backups, name), []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Stand-ins for PostgreSQL's tools: pg_dump writes some of the archive
	// and fails if told to, pg_restore fails if told to.
	tool := func(name, script string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tool("pg_dump", `for a; do case $a in --file=*) echo half >"${a#--file=}" ;; esac; done
[ -z "$FAIL_DUMP" ] || { echo "pg_dump: error: connection to server failed" >&2; exit 1; }
`)
	tool("pg_restore", `[ -z "$FAIL_RESTORE" ] || { echo "pg_restore: error: input file does not appear to be a valid archive" >&2; exit 1; }
`)
	run := func(keep string, env ...string) (string, error) {
		cmd := exec.Command("./guli-backup")
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "GULI_DB=postgres://guli@db.internal/guli",
			"GULI_BACKUP_DIR="+backups, "GULI_BACKUP_KEEP="+keep)
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	left := func() []string {
		entries, err := os.ReadDir(backups)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	for _, fail := range []string{"FAIL_DUMP=1", "FAIL_RESTORE=1"} {
		out, err := run("2", fail)
		if err == nil || !strings.Contains(out, "guli-backup: failed; the older backups are kept") {
			t.Errorf("%s: %v %s", fail, err, out)
		}
		if got := left(); !slices.Equal(got, old) {
			t.Errorf("%s: left %v, want the older backups as they were and nothing else", fail, got)
		}
	}
	if out, err := run("2"); err != nil {
		t.Fatalf("guli-backup: %v %s", err, out)
	}
	if got := left(); len(got) != 2 || got[0] != old[2] || !regexp.MustCompile(`^guli-\d{8}T\d{6}Z\.dump$`).MatchString(got[1]) {
		t.Errorf("after a backup that worked: %v, want the newest old one and the new one", got)
	}
	// Backups named as if taken later (a clock once set ahead) prune
	// others, never the one just taken.
	future := []string{"guli-20991013T191500Z.dump", "guli-20991014T191500Z.dump"}
	for _, name := range future {
		if err := os.WriteFile(filepath.Join(backups, name), []byte("ahead"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := run("2")
	if err != nil {
		t.Fatalf("guli-backup: %v %s", err, out)
	}
	if got := left(); len(got) != 3 || !slices.Contains(got, future[0]) || !slices.Contains(got, future[1]) || !strings.Contains(out, "(5 bytes)") {
		t.Errorf("with backups named ahead: %v; the script said %s", got, out)
	}
	// "00" pruned every backup, the new one too, and said all was well.
	for _, keep := range []string{"08", "014", "00", "10000", "99999999999999999999"} {
		if out, err := run(keep); err == nil || !strings.Contains(out, "GULI_BACKUP_KEEP must be a number from 1 to 9999") {
			t.Errorf("GULI_BACKUP_KEEP=%s: %v %s", keep, err, out)
		}
	}
}

// TestDistrictDeployment runs scripts/deploy-test: two guli processes on
// one PostgreSQL behind Caddy share sessions, throttles and live events;
// one is killed with SIGKILL under a durable write load through the proxy
// and nothing acknowledged is lost; a backup restores. Its report goes to
// the test's log.
func TestDistrictDeployment(t *testing.T) {
	if !slices.ContainsFunc(dbtest.Engines(t), func(e dbtest.Engine) bool { return e.Name == "postgres" }) {
		t.Skip("needs PostgreSQL (GULI_TEST_POSTGRES)")
	}
	for _, tool := range []string{"caddy", "psql", "pg_dump", "pg_restore", "curl", "bash"} {
		need(t, tool, "the district's deployment test (scripts/deploy-test)")
	}
	port := freePorts(t, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "scripts/deploy-test")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), fmt.Sprintf("GULI_DEPLOY_PORT=%d", port))
	cmd.WaitDelay = 10 * time.Second
	logs := lineLogger(t)
	cmd.Stdout, cmd.Stderr = logs, logs
	start := time.Now()
	err := cmd.Run()
	logs.Close()
	if err != nil {
		t.Fatalf("scripts/deploy-test failed after %v: %v", time.Since(start).Round(time.Second), err)
	}
}

// freePorts finds n consecutive free ports on 127.0.0.1 and returns the
// first: below Linux's ephemeral range, which outgoing connections take.
func freePorts(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		first := 20000 + rand.IntN(10000)
		free := true
		for p := first; p < first+n && free; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				free = false
				continue
			}
			l.Close()
		}
		if free {
			return first
		}
	}
	t.Fatalf("no %d consecutive free ports", n)
	return 0
}

// lineLogger is a writer that logs each line as it comes, so a long run's
// report shows in the test's log as it goes (with -v).
type lineWriter struct {
	pw   *io.PipeWriter
	done sync.WaitGroup
}

func lineLogger(t *testing.T) *lineWriter {
	pr, pw := io.Pipe()
	w := &lineWriter{pw: pw}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			t.Log(sc.Text())
		}
		io.Copy(io.Discard, pr)
	}()
	return w
}

func (w *lineWriter) Write(p []byte) (int, error) { return w.pw.Write(p) }

// Close ends the log once every line is written.
func (w *lineWriter) Close() {
	w.pw.Close()
	w.done.Wait()
}
