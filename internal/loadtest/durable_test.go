package loadtest_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/loadtest"
	"guli/internal/testserver"
)

// TestDurableLoadFindsEveryWrite runs the durable write load for a moment
// against one server, marking a "kill" and a "graceful stop" on the way
// (nothing stops): every write is acknowledged, found again in its
// writer's data, put in its phase around the marks, and listed for the
// database check.
func TestDurableLoadFindsEveryWrite(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		marks := make(chan string)
		var progress bytes.Buffer
		rep, err := loadtest.RunDurable(loadtest.DurableOptions{Base: srv.URL, Pass: testserver.Password, Clients: 3,
			For: 1200 * time.Millisecond, Marks: marks, Progress: &progress,
			Writing: func() {
				time.AfterFunc(400*time.Millisecond, func() { marks <- "the kill" })
				time.AfterFunc(800*time.Millisecond, func() { marks <- "the graceful stop" })
			}})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, w := range rep.Writes {
			if !w.Acknowledged() || w.ID == "" {
				t.Errorf("%s %q: %d %s", w.Kind, w.Key, w.Status, w.Err)
			}
			kinds[w.Kind]++
		}
		if kinds[loadtest.WriteRegistration] == 0 || kinds[loadtest.WriteHelp] == 0 || kinds[loadtest.WriteTransfer] == 0 {
			t.Errorf("writes by kind %v, want every kind", kinds)
		}
		if len(rep.Missing) != 0 || rep.InDoubt != 0 {
			t.Errorf("%d missing, %d in doubt", len(rep.Missing), rep.InDoubt)
		}
		// Five phases around the two marks, every write in one, in order.
		phases := rep.Phases()
		var names []string
		total := 0
		for _, ph := range phases {
			names = append(names, ph.Name)
			total += len(ph.Writes)
			for _, w := range ph.Writes {
				var ok bool
				switch ph.Name {
				case "before the kill":
					ok = w.End.Before(rep.Marks[0].At)
				case "in flight at the kill":
					ok = w.Start.Before(rep.Marks[0].At) && !w.End.Before(rep.Marks[0].At)
				case "after the kill":
					ok = !w.Start.Before(rep.Marks[0].At) && w.End.Before(rep.Marks[1].At)
				case "in flight at the graceful stop":
					ok = w.Start.Before(rep.Marks[1].At) && !w.End.Before(rep.Marks[1].At)
				case "after the graceful stop":
					ok = !w.Start.Before(rep.Marks[1].At)
				}
				if !ok {
					t.Errorf("a write from %v to %v is not %s (marks %v)", w.Start, w.End, ph.Name, rep.Marks)
				}
			}
		}
		want := []string{"before the kill", "in flight at the kill", "after the kill", "in flight at the graceful stop", "after the graceful stop"}
		if !slices.Equal(names, want) || total != len(rep.Writes) || len(phases[0].Writes) == 0 || len(phases[4].Writes) == 0 {
			t.Errorf("phases %v holding %d of %d writes", names, total, len(rep.Writes))
		}
		var printed, listed bytes.Buffer
		rep.Print(&printed)
		if !strings.Contains(printed.String(), "Every acknowledged write is in its writer's data") {
			t.Errorf("the report says:\n%s", printed.String())
		}
		if err := rep.WriteAcknowledged(&listed); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&listed).ReadAll()
		if err != nil || len(rows) != len(rep.Writes) {
			t.Fatalf("%d rows listed for %d writes: %v", len(rows), len(rep.Writes), err)
		}
		if !strings.Contains(progress.String(), "writing") {
			t.Errorf("progress: %s", progress.String())
		}
	})
}
