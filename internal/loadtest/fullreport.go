package loadtest

// What the full mix measured, and how it is reported.

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MixRow is what one row of the full mix measured.
type MixRow struct {
	Name, Pattern string
	Who           []string // the roles that sent it
	Write, Public bool
	Want          int
	Requests      int
	Statuses      map[int]int
	Failures      int
	RPS           float64 // requests a second over the run
	Mean          time.Duration
	P50, P99      time.Duration
	// Ratio is the floor's mean latency over the row's: the share of the
	// floor's throughput the row would have if every client sent only it,
	// each waiting as long as it waited in the mix.
	Ratio float64
}

// OK reports whether every request answered as wanted.
func (m MixRow) OK() bool { return m.Failures == 0 && m.Statuses[m.Want] == m.Requests }

// Process is one process's share of the mix.
type Process struct {
	URL   string
	Total MixRow
	// PeakRSS is the most resident memory seen while the mix ran
	// (sampled), HWM the process's peak since it started (VmHWM), when
	// known; bytes.
	PeakRSS, HWM int64
}

// MixResult is a run of the full mix.
type MixResult struct {
	Clients  map[string]int
	People   map[string]int
	Duration time.Duration // the mix's, until its last answer
	// FloorRPS is the bare handler's throughput, the mean of its runs
	// before and after the mix (FloorBefore, FloorAfter).
	FloorRPS, FloorBefore, FloorAfter float64
	Rows                              []MixRow
	Total                             MixRow
	Processes                         []Process
	// Raw is the engine's raw single-row transactions, when measured: its
	// RPS the mean of its runs before and after the writes alone
	// (RawBefore, RawAfter), its p50 and p99 the larger of theirs. Alone
	// are the writes of the targets, each driven alone by every client.
	Raw                 *Result
	RawBefore, RawAfter float64
	Alone               []Result
}

// memPeak is a process's memory: the most resident seen while sampling,
// and its high-water mark since it started.
type memPeak struct{ rss, hwm int64 }

type memWatch struct {
	stopc chan struct{}
	done  chan map[int]memPeak
}

// watchMemory samples the processes' resident memory every quarter
// second until stop: from /proc for pids (one a process, in URLs' order),
// else from each process's /metrics as the admin.
func watchMemory(r *mixRun, pids []int) *memWatch {
	m := &memWatch{stopc: make(chan struct{}), done: make(chan map[int]memPeak, 1)}
	go func() {
		peaks := map[int]memPeak{}
		sample := func() {
			for p := range r.envs {
				var rss, hwm int64
				switch {
				case p < len(pids):
					rss, hwm = procMemory(pids[p])
				case r.admin != nil && len(pids) == 0:
					rss = metricsRSS(r.envs[p], r.admin.token)
				}
				pk := peaks[p]
				pk.rss, pk.hwm = max(pk.rss, rss), max(pk.hwm, hwm)
				if rss > 0 || hwm > 0 {
					peaks[p] = pk
				}
			}
		}
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-m.stopc:
				sample()
				m.done <- peaks
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

func (m *memWatch) stop() map[int]memPeak {
	close(m.stopc)
	return <-m.done
}

// procMemory reads a process's resident memory and its high-water mark
// from /proc, in bytes.
func procMemory(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(value)
		if len(f) < 1 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// metricsRSS reads process_resident_memory_bytes from a process's
// /metrics.
func metricsRSS(e *Env, admin string) int64 {
	req, err := e.request("GET", "/metrics", admin, nil)
	if err != nil {
		return 0
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f)
		}
	}
	return 0
}

// The targets of the full mix (issue 12): at 32 clients, every read of
// the mix at least 0.15 of the floor and the public ones 0.30, p99 under
// 20 ms; the writes of the targets, driven alone, at least half the raw
// single-row transactions; the process's peak memory under 300 MiB.
const (
	TargetPublic  = 0.30
	TargetRead    = 0.15
	TargetP99     = 20 * time.Millisecond
	TargetWrite   = 0.5
	TargetPeakRSS = 300 << 20
)

// Report writes the run as Markdown tables.
func (m *MixResult) Report(w io.Writer) {
	var roles []string
	for _, role := range clientRoles {
		if n := m.Clients[role]; n > 0 {
			s := fmt.Sprintf("%d %s", n, plural(n, role, map[string]string{roleResident: "residents", roleVolunteer: "volunteers", roleStaff: "staff", roleVisitor: "visitors"}[role]))
			if p := m.People[role]; p > 0 {
				s += fmt.Sprintf(" (%d %s)", p, plural(p, "person", "people"))
			}
			roles = append(roles, s)
		}
	}
	fmt.Fprintf(w, "The full mix: %s; %v, %d process(es). Floor %.0f req/s (%.0f before, %.0f after).\n\n",
		strings.Join(roles, ", "), m.Duration.Round(10*time.Millisecond), len(m.Processes), m.FloorRPS, m.FloorBefore, m.FloorAfter)
	fmt.Fprintln(w, "| route | who | requests | req/s | ratio | p50 | p99 | answers | target |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---|---|")
	for _, r := range append(slices.Clone(m.Rows), m.Total) {
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %.3f | %s | %s | %s | %s |\n", r.Name, strings.Join(r.Who, ", "), r.Requests, r.RPS, r.Ratio,
			round(r.P50), round(r.P99), answers(r.Statuses, r.Failures, r.Want), r.target())
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| process | requests | req/s | p50 | p99 | answers | peak RSS in the mix | VmHWM | target |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|---:|---:|---|")
	for _, p := range m.Processes {
		t := p.Total
		target := ""
		switch peak := max(p.PeakRSS, p.HWM); {
		case peak >= TargetPeakRSS:
			target = "✗ ≥ 300 MiB"
		case peak > 0:
			target = "✓"
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %s | %s |\n", p.URL, t.Requests, t.RPS, round(t.P50), round(t.P99),
			answers(t.Statuses, t.Failures, 0), mib(p.PeakRSS), mib(p.HWM), target)
	}
	if len(m.Alone) == 0 && m.Raw == nil {
		return
	}
	fmt.Fprintln(w)
	if m.Raw != nil {
		fmt.Fprintf(w, "Raw single-row transactions: %.0f a second (%.0f before the writes alone, %.0f after).\n\n", m.Raw.RPS, m.RawBefore, m.RawAfter)
	}
	fmt.Fprintln(w, "| written alone, every client | req/s | ratio to raw | p50 | p99 | answers | target |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|---|")
	rows := slices.Clone(m.Alone)
	if m.Raw != nil {
		rows = append([]Result{*m.Raw}, rows...)
	}
	for i, r := range rows {
		target := ""
		if m.Raw != nil && i > 0 && r.Name != "ask for help (JSON)" {
			target = "✓"
			if r.Ratio < TargetWrite {
				target = fmt.Sprintf("✗ < %.1f", TargetWrite)
			}
		}
		ratio := "–"
		if m.Raw != nil {
			ratio = fmt.Sprintf("%.3f", r.Ratio)
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s | %s |\n", r.Name, r.RPS, ratio, round(r.P50), round(r.P99), answers(r.Statuses, r.Failures, 0), target)
	}
}

// target says whether a read meets its target, and what it misses.
func (m MixRow) target() string {
	if m.Write || m.Name == "the whole mix" || m.Requests == 0 {
		return ""
	}
	want := TargetRead
	if m.Public {
		want = TargetPublic
	}
	var miss []string
	if m.Ratio < want {
		miss = append(miss, fmt.Sprintf("< %.2f", want))
	}
	if m.P99 >= TargetP99 {
		miss = append(miss, "p99")
	}
	if len(miss) == 0 {
		return "✓"
	}
	return "✗ " + strings.Join(miss, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func round(d time.Duration) time.Duration {
	if d > 100*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

func mib(b int64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// answers lists the statuses, those not wanted in bold.
func answers(statuses map[int]int, failures, want int) string {
	var codes []int
	for c := range statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		s := fmt.Sprintf("%d×%d", c, statuses[c])
		if want != 0 && c != want {
			s = "**" + s + "**"
		}
		parts = append(parts, s)
	}
	if failures > 0 {
		parts = append(parts, fmt.Sprintf("**failed×%d**", failures))
	}
	return strings.Join(parts, " ")
}
