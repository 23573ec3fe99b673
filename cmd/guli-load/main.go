// Command guli-load drives a running Guli with the whole route mix, one
// route at a time by many clients at once, and a bare net/http handler the
// same way in the same run: it prints each route's throughput, its p50 and
// p99, and its throughput as a ratio of the floor's.
//
//	guli serve --demo --db /tmp/load.db &
//	go run ./cmd/guli-load -url http://127.0.0.1:8080 -c 32 -d 3s
//
// The server needs the demo station (its people sign in with the demo
// password). Rows that add things add them to a station of the tool's own.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"time"

	"guli/demo"
	"guli/internal/loadtest"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the running Guli to drive")
	clients := flag.Int("c", 32, "clients at once")
	d := flag.Duration("d", 3*time.Second, "how long each route is driven")
	only := flag.String("only", "", "drive only the rows whose name or route matches this regular expression")
	pass := flag.String("password", demo.Password, "the demo accounts' password")
	durable := flag.String("durable", "", "instead: the durable write load for -d by -c residents, writing the acknowledged writes to this CSV file and checking each is kept (durable.go)")
	flag.Parse()
	if *durable != "" {
		if err := runDurable(*url, *pass, *clients, *d, *durable); err != nil {
			fmt.Fprintln(os.Stderr, "guli-load:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*url, *pass, *clients, *d, *only); err != nil {
		fmt.Fprintln(os.Stderr, "guli-load:", err)
		os.Exit(1)
	}
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
