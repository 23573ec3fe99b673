// Command guli-load drives a running Guli and measures it against a bare
// net/http handler (the floor) in the same run. By default it drives the
// whole route mix one route at a time by many clients at once, printing
// each route's throughput, p50 and p99 and its throughput as a ratio of
// the floor's:
//
//	guli serve --demo --db /tmp/load.db &
//	go run ./cmd/guli-load -url http://127.0.0.1:8080 -c 32 -d 3s
//
// With -mix it runs the full mix instead: every client a different person
// (residents, volunteers, staff) or a visitor, each picking requests by
// weight from a day at a station, all routes at once for -d, and reports
// each route's share (see docs/performance.md, "The full mix"); -writes
// then drives the writes of the targets alone, and -db measures the
// database's raw single-row transactions beside them:
//
//	go run ./cmd/guli-load -mix -url http://127.0.0.1:8080 -c 32 -d 20s -db /tmp/load.db -pid $(pidof guli)
//
// Without -accounts the server needs the demo station (its people sign in
// with the demo password). Rows that add things add them to a station of
// the tool's own (one route at a time) or to the demo station (the mix,
// which undoes what would pile up afterwards).
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"guli/demo"
	"guli/internal/loadtest"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the running Guli to drive; with -mix, several processes of one database, comma-separated, each client talking to one in turn")
	clients := flag.Int("c", 32, "clients at once")
	d := flag.Duration("d", 3*time.Second, "how long each route is driven (with -mix: the whole mix)")
	only := flag.String("only", "", "drive only the rows whose name or route matches this regular expression (one route at a time)")
	pass := flag.String("password", demo.Password, "the demo accounts' password")
	durable := flag.String("durable", "", "instead: the durable write load for -d by -c residents, writing the acknowledged writes to this CSV file and checking each is kept (durable.go)")
	mix := flag.Bool("mix", false, "run the full mix: every route at once, each client a different person")
	accounts := flag.String("accounts", "", "with -mix: sign in as the people of this file (lines role<TAB>phone<TAB>password) instead of making them on the demo station")
	people := flag.Int("people", 0, "with -mix: how many people sign in (default: four a signed-in client)")
	writes := flag.Duration("writes", 5*time.Second, "with -mix: drive each write of the targets alone this long after the mix (0: not)")
	db := flag.String("db", "", "with -mix: the servers' database (SQLite file or postgres:// URL), opened directly to measure raw single-row transactions in a scratch table")
	synchronous := flag.String("sqlite-synchronous", "full", "with -db on SQLite: the durability the servers run with (full or normal)")
	pids := flag.String("pid", "", "with -mix: the servers' process ids, comma-separated in -url's order, for their peak memory")
	seed := flag.Uint64("seed", 1, "with -mix: the seed of the clients' choices")
	cleanup := flag.Bool("cleanup", true, "with -mix: undo afterwards what would pile up over runs (places taken, requests open, polls open)")
	flag.Parse()
	err := checkFlags(*clients, *d, *people, *writes, *synchronous)
	switch {
	case err != nil:
	case *durable != "":
		err = runDurable(*url, *pass, *clients, *d, *durable)
	case *mix:
		err = runMix(*url, *pass, *clients, *d, *accounts, *people, *writes, *db, *synchronous, *pids, *seed, *cleanup)
	default:
		err = run(*url, *pass, *clients, *d, *only)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "guli-load:", err)
		os.Exit(1)
	}
}

// checkFlags refuses numbers no run can have, before anything starts.
func checkFlags(clients int, d time.Duration, people int, writes time.Duration, synchronous string) error {
	switch {
	case clients < 1 || clients > 100_000:
		return fmt.Errorf("-c %d: from 1 to 100,000 clients", clients)
	case d <= 0:
		return fmt.Errorf("-d %v: a duration above 0, e.g. 3s", d)
	case people < 0:
		return fmt.Errorf("-people %d: not below 0", people)
	case writes < 0:
		return fmt.Errorf("-writes %v: not below 0", writes)
	case synchronous != "full" && synchronous != "normal":
		return fmt.Errorf("-sqlite-synchronous %q: full or normal", synchronous)
	}
	return nil
}

func runMix(urls, pass string, clients int, d time.Duration, accountsFile string, people int, writes time.Duration, db, synchronous, pids string, seed uint64, cleanup bool) error {
	cfg := loadtest.MixConfig{URLs: strings.Split(urls, ","), Clients: clients, Duration: d, People: people, Password: pass,
		Writes: writes, DB: db, Synchronous: synchronous, Seed: seed, Log: os.Stderr, Cleanup: cleanup}
	if accountsFile != "" {
		f, err := os.Open(accountsFile)
		if err != nil {
			return err
		}
		cfg.Accounts, err = loadtest.ReadAccounts(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if pids != "" {
		for _, p := range strings.Split(pids, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				return fmt.Errorf("-pid: %q is not a process id", p)
			}
			cfg.PIDs = append(cfg.PIDs, pid)
		}
	}
	res, err := loadtest.RunMix(cfg)
	if err != nil {
		return err
	}
	fmt.Printf("%d clients, %v, %s\n\n", clients, d, time.Now().Format(time.DateTime))
	res.Report(os.Stdout)
	return nil
}

func run(url, pass string, clients int, d time.Duration, only string) error {
	match, err := regexp.Compile(only)
	if err != nil {
		return err
	}
	env, err := loadtest.Setup(url, pass, clients)
	if err != nil {
		return err
	}
	floorURL, stop, err := loadtest.Floor()
	if err != nil {
		return err
	}
	defer stop()
	floorEnv := &loadtest.Env{Base: floorURL, Client: loadtest.NewClient(clients)}
	loadtest.Measure(floorEnv, loadtest.FloorRow, clients, d/3) // warm up
	floor := loadtest.Measure(floorEnv, loadtest.FloorRow, clients, d)
	floor.Ratio = 1
	results := []loadtest.Result{floor}
	fmt.Fprintf(os.Stderr, "%s: %.0f req/s\n", floor.Name, floor.RPS)
	for _, row := range loadtest.Mix {
		if !match.MatchString(row.Name) && !match.MatchString(row.Pattern) {
			continue
		}
		r := loadtest.Measure(env, row, clients, d)
		r.Ratio = r.RPS / floor.RPS
		if r.Statuses[row.Want] != r.Requests {
			r.Name += " ⚠"
		}
		fmt.Fprintf(os.Stderr, "%s: %.0f req/s, %.3f of the floor\n", r.Name, r.RPS, r.Ratio)
		results = append(results, r)
	}
	fmt.Printf("%d clients, %v a route, %s\n\n", clients, d, time.Now().Format(time.DateTime))
	loadtest.Table(os.Stdout, results)
	return nil
}
