package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"guli/internal/loadtest"
)

// runDurable runs the durable write load (guli-load -durable FILE): -c
// residents sign up, ask for help and give minutes through -url for -d,
// each keeping the writes the server acknowledged. SIGUSR1 marks the
// moment a server behind the proxy was killed, SIGUSR2 the moment one was
// stopped gracefully (scripts/deploy-test sends them), so the report
// tells requests before, in flight at and after each. FILE gets the
// acknowledged writes as CSV (kind, id, user_id, key) for a check in the
// database. It fails when any acknowledged write is missing from its
// writer's data read back through the API, or any write was refused.
func runDurable(url, pass string, clients int, d time.Duration, file string) error {
	// Made first: a name that cannot be written fails before the load.
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	marks := make(chan string, 4)
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sig)
	go func() {
		for s := range sig {
			if s == syscall.SIGUSR1 {
				marks <- "the kill"
			} else {
				marks <- "the graceful stop"
			}
		}
	}()
	fmt.Printf("Durable writes: %d residents for %v through %s\n", clients, d, url)
	rep, err := loadtest.RunDurable(loadtest.DurableOptions{Base: url, Pass: pass, Clients: clients, For: d, Marks: marks, Progress: os.Stdout})
	if rep != nil {
		fmt.Println()
		rep.Print(os.Stdout)
	}
	if err != nil {
		return err
	}
	if err := errors.Join(rep.WriteAcknowledged(f), f.Close()); err != nil {
		return err
	}
	if len(rep.Missing) > 0 {
		return fmt.Errorf("%d acknowledged writes lost", len(rep.Missing))
	}
	// A 5xx or a cut connection is the outage; a 4xx is a write refused,
	// which none of these should be: a bug in the load or the server.
	refused := 0
	for _, w := range rep.Writes {
		if w.Status >= 400 && w.Status < 500 {
			refused++
		}
	}
	if refused > 0 {
		return fmt.Errorf("%d writes refused with a 4xx (see above)", refused)
	}
	return nil
}
