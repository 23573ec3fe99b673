package sqlstore_test

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guli"
	"guli/demo"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// The benchmarks' fixtures are costly (50,000 registrations, each one
// transaction through the service, take about half a minute on SQLite and a
// minute on PostgreSQL), so each is built once per engine and test binary,
// outside the timer, and shared by b.N reruns, -count repetitions and the
// benchmarks that can use it. Plain `go test` builds none of them.

// TestMain runs the fixtures' cleanups (closing databases, dropping
// PostgreSQL schemas, removing SQLite files) when every test and benchmark
// is done.
func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(suiteCleanups) - 1; i >= 0; i-- {
		suiteCleanups[i]()
	}
	os.Exit(code)
}

// suiteCleanups are run by TestMain. Benchmarks run one at a time, so
// building fixtures needs no lock.
var suiteCleanups []func()

// suiteTB hands dbtest the benchmark that builds a fixture, for failures and
// logs, but keeps the fixture's cleanups and temporary folders until the
// test binary ends rather than until that benchmark returns.
type suiteTB struct{ testing.TB }

func (suiteTB) Cleanup(f func()) { suiteCleanups = append(suiteCleanups, f) }

func (t suiteTB) TempDir() string {
	dir, err := os.MkdirTemp("", "guli-bench-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// Sizes of the month fixture: a busy district station's month.
const (
	monthActivities    = 1000
	monthResidents     = 2000
	monthRegistrations = 50000
)

// monthFixture is the demo station with a month of synthetic activities
// starting at from, and residents registered for them.
type monthFixture struct {
	svc        guli.Services
	station    guli.ID
	from       time.Time
	activities []guli.ID
	residents  []guli.ID
	registered int // 0 until the registrations are made
}

var monthFixtures = map[string]*monthFixture{}

// month returns engine e's month fixture, with its registrations when
// withRegistrations (searching needs none, so it doesn't wait for them).
// Call it with the timer stopped.
func month(b *testing.B, e dbtest.Engine, withRegistrations bool) *monthFixture {
	b.Helper()
	ctx := system()
	f := monthFixtures[e.Name]
	if f == nil {
		start := time.Now()
		svc := sqlstore.NewServices(dbtest.OpenDSN(suiteTB{b}, e.DSN(suiteTB{b})))
		res, err := demo.Seed(ctx, svc)
		if err != nil {
			b.Fatal(err)
		}
		// Eight weeks ahead, past the demo station's own six weeks of
		// classes: the month holds the synthetic activities and no others.
		now := time.Now().In(res.Station.Location())
		f = &monthFixture{svc: svc, station: res.Station.ID,
			from: time.Date(now.Year(), now.Month(), now.Day()+56, 0, 0, 0, 0, now.Location())}
		if f.activities, err = demo.Activities(ctx, svc, f.station, f.from, monthActivities, 1); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: demo station and %d activities in %s", e.Name, len(f.activities), time.Since(start).Round(time.Millisecond))
		monthFixtures[e.Name] = f
	}
	if withRegistrations && f.registered == 0 {
		start := time.Now()
		var err error
		if f.residents, err = demo.Residents(ctx, f.svc, f.station, monthResidents, 1); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d residents in %s", e.Name, len(f.residents), time.Since(start).Round(time.Millisecond))
		start = time.Now()
		if f.registered, err = demo.Registrations(ctx, f.svc, f.activities, f.residents, monthRegistrations, 1); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.Logf("%s: %d registrations in %s (%.0f a second)", e.Name, f.registered, took.Round(time.Millisecond), float64(f.registered)/took.Seconds())
	}
	return f
}

// BenchmarkMonthTimetable lists a month's timetable of 1,000 activities with
// 50,000 registrations, as the timetable page and the API page through it:
// 200 at a time, five pages.
func BenchmarkMonthTimetable(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			f := month(b, e, true)
			ctx := system()
			filter := guli.ActivityFilter{StationID: f.station, From: f.from, To: f.from.AddDate(0, 0, 30)}
			b.ReportAllocs()
			listed, pages, places := 0, 0, 0
			for b.Loop() {
				opts := guli.ListOptions{Limit: guli.MaxLimit}
				for {
					page, err := f.svc.Activities.Activities(ctx, filter, opts)
					if err != nil {
						b.Fatal(err)
					}
					listed, pages = listed+len(page.Items), pages+1
					for _, a := range page.Items {
						places += a.ConfirmedCount + a.WaitlistCount
					}
					if page.NextCursor == "" {
						break
					}
					opts.Cursor = page.NextCursor
				}
			}
			if listed != b.N*monthActivities {
				b.Fatalf("listed %d activities in %d runs, want %d a run", listed, b.N, monthActivities)
			}
			if places != b.N*f.registered {
				b.Fatalf("listed %d registrations in %d runs, want %d a run", places, b.N, f.registered)
			}
			b.ReportMetric(float64(listed)/float64(b.N), "activities/op")
			b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
		})
	}
}

// BenchmarkSearch searches the month fixture's activities for 书法, the way
// the timetable's search box does, and reads every page of matches.
func BenchmarkSearch(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			f := month(b, e, false)
			ctx := system()
			filter := guli.ActivityFilter{StationID: f.station, Query: "书法"}
			b.ReportAllocs()
			found := 0
			for b.Loop() {
				opts := guli.ListOptions{Limit: guli.MaxLimit}
				for {
					page, err := f.svc.Activities.Activities(ctx, filter, opts)
					if err != nil {
						b.Fatal(err)
					}
					found += len(page.Items)
					if page.NextCursor == "" {
						break
					}
					opts.Cursor = page.NextCursor
				}
			}
			if found == 0 {
				b.Fatal("no activity found for 书法")
			}
			b.ReportMetric(float64(found)/float64(b.N), "activities/op")
		})
	}
}

// throughputActivities is how many activities the registration benchmark
// spreads its registrations over; each has room for 60, then a waitlist.
const throughputActivities = 100

// throughputFixture has activities open for registration and residents to
// register, grown as b.N asks; pair k is activity k%100 and resident k/100,
// so no pair is registered twice across reruns.
type throughputFixture struct {
	svc        guli.Services
	station    guli.ID
	activities []guli.ID
	residents  []guli.ID
	next       int64 // the next pair
}

var throughputFixtures = map[string]*throughputFixture{}

// throughput returns engine e's fixture with n fresh pairs from f.next on,
// on a database with SQLite's synchronous setting durability ("" elsewhere).
// Call it with the timer stopped.
func throughput(b *testing.B, e dbtest.Engine, durability string, n int) *throughputFixture {
	b.Helper()
	ctx := system()
	f := throughputFixtures[e.Name+durability]
	if f == nil {
		svc := sqlstore.NewServices(dbtest.OpenWith(suiteTB{b}, e.DSN(suiteTB{b}), sqlstore.Options{Synchronous: durability}))
		res, err := demo.Seed(ctx, svc)
		if err != nil {
			b.Fatal(err)
		}
		f = &throughputFixture{svc: svc, station: res.Station.ID}
		start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
		for i := range throughputActivities {
			at := start.Add(time.Duration(i) * time.Hour)
			items, err := svc.Activities.CreateActivities(ctx, guli.ActivityInput{StationID: f.station,
				Title: fmt.Sprintf("银龄读书会 %d", i+1), Category: "event", Capacity: 60,
				Start: at, End: at.Add(time.Hour)})
			if err != nil {
				b.Fatal(err)
			}
			f.activities = append(f.activities, items[0].ID)
		}
		throughputFixtures[e.Name+durability] = f
	}
	if need := int((f.next+int64(n))/throughputActivities) + 1; need > len(f.residents) {
		more, err := demo.Residents(ctx, f.svc, f.station, need-len(f.residents), uint64(len(f.residents))+1)
		if err != nil {
			b.Fatal(err)
		}
		f.residents = append(f.residents, more...)
	}
	return f
}

// BenchmarkRegistrationThroughput registers distinct people for activities
// from parallel goroutines, as a busy morning at the desk and on phones
// would: one op is one Register call, one transaction. The sub-benchmarks
// run GOMAXPROCS×1 and ×8 goroutines; on SQLite with synchronous=FULL (the
// default: every commit survives a power cut) and NORMAL (commits survive a
// crash of the process only), to show what the durability costs. Ask for a
// few thousand ops (-benchtime 3000x or 5s): a handful measures little.
func BenchmarkRegistrationThroughput(b *testing.B) {
	eachDurability(b, registrationThroughput)
}

// eachDurability runs bench on each engine, on SQLite with synchronous
// FULL and NORMAL, with GOMAXPROCS×1 and ×8 goroutines.
func eachDurability(b *testing.B, bench func(b *testing.B, e dbtest.Engine, durability string, par int)) {
	for _, e := range dbtest.Engines(b) {
		durabilities := []string{""}
		if e.Name == "sqlite" {
			durabilities = []string{"full", "normal"}
		}
		for _, durability := range durabilities {
			for _, par := range []int{1, 8} {
				name := fmt.Sprintf("%s/par=%d", e.Name, par)
				if durability != "" {
					name = fmt.Sprintf("%s-%s/par=%d", e.Name, durability, par)
				}
				b.Run(name, func(b *testing.B) { bench(b, e, durability, par) })
			}
		}
	}
}

// timedParallel runs op b.N times from par×GOMAXPROCS goroutines with the
// timer on, fails the benchmark if any op failed, and reports ops a second
// in unit (the timer is stopped on return).
func timedParallel(b *testing.B, par int, unit string, op func() error) {
	var (
		failed   atomic.Int64
		mu       sync.Mutex
		firstErr error
	)
	b.SetParallelism(par)
	b.StartTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil && failed.Add(1) == 1 {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
		}
	})
	took := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		mu.Lock()
		defer mu.Unlock()
		b.Fatalf("%d of %d %s failed, one with %v", n, b.N, unit, firstErr)
	}
	b.ReportMetric(float64(b.N)/took.Seconds(), unit+"/s")
}

func registrationThroughput(b *testing.B, e dbtest.Engine, durability string, par int) {
	b.StopTimer()
	// Warm up first, a few registrations from each goroutine, so the
	// pool holds its connections before the clock runs.
	goroutines := par * runtime.GOMAXPROCS(0)
	f := throughput(b, e, durability, b.N+2*goroutines)
	ctx := system()
	var warm sync.WaitGroup
	for range goroutines {
		warm.Go(func() {
			for range 2 {
				k := atomic.AddInt64(&f.next, 1) - 1
				if _, err := f.svc.Activities.Register(ctx, f.activities[k%throughputActivities], f.residents[k/throughputActivities]); err != nil {
					b.Error(err)
				}
			}
		})
	}
	warm.Wait()
	timedParallel(b, par, "registrations", func() error {
		k := atomic.AddInt64(&f.next, 1) - 1
		_, err := f.svc.Activities.Register(ctx, f.activities[k%throughputActivities], f.residents[k/throughputActivities])
		return err
	})
}

// BenchmarkCandidates ranks the volunteers for one request among 100,000
// volunteers of a station (a district's worth), with a year of services
// confirmed and a month of claims: one op is one Candidates call, as the
// API makes it, with what matching keeps in memory already loaded.
func BenchmarkCandidates(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := dbtest.OpenWith(b, e.DSN(b), sqlstore.Options{})
			svc := sqlstore.NewServices(db)
			ctx := system()
			res, err := demo.Seed(ctx, svc)
			if err != nil {
				b.Fatal(err)
			}
			var areas []guli.ID
			for _, a := range res.Station.Areas {
				areas = append(areas, a.ID)
			}
			resident, err := svc.Accounts.Register(ctx, guli.RegisterInput{Name: "王阿姨", Phone: "13911115001",
				Password: "secret-123", AreaID: areas[0], BirthYear: 1948})
			if err != nil {
				b.Fatal(err)
			}
			if err := sqlstore.SeedVolunteers(ctx, db, res.Station.ID, areas, resident.ID, 100_000, 1); err != nil {
				b.Fatal(err)
			}
			if err := db.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			needed := time.Now().AddDate(0, 0, 3)
			as := guli.NewContextWithUser(ctx, resident)
			for _, category := range []string{"repair", "tech"} {
				h, err := svc.Help.AskForHelp(as, guli.HelpRequestInput{Title: "需要帮忙", Category: category, NeededBy: needed})
				if err != nil {
					b.Fatal(err)
				}
				b.Run(category, func(b *testing.B) {
					start := time.Now()
					if _, err := svc.Help.Candidates(as, h.ID); err != nil { // loads the directory
						b.Fatal(err)
					}
					b.Logf("the first call, loading what matching keeps: %s", time.Since(start))
					b.ResetTimer()
					for b.Loop() {
						cs, err := svc.Help.Candidates(as, h.ID)
						if err != nil || len(cs) != guli.MaxCandidates {
							b.Fatalf("%d candidates, %v", len(cs), err)
						}
					}
				})
			}
		})
	}
}

// transferPeople is the number of residents the transfer benchmark moves
// minutes between: enough that parallel goroutines seldom share one.
const transferPeople = 64

var transferFixtures = map[string]*throughputFixture{}

// BenchmarkTransferThroughput gives minutes between residents from
// parallel goroutines, each transfer one transaction with an
// Idempotency-Key, as the time bank's page sends it: one op is one
// Transfer call. On SQLite with synchronous=FULL and NORMAL, as
// BenchmarkRegistrationThroughput.
func BenchmarkTransferThroughput(b *testing.B) {
	eachDurability(b, transferThroughput)
}

func transferThroughput(b *testing.B, e dbtest.Engine, durability string, par int) {
	b.StopTimer()
	ctx := system()
	f := transferFixtures[e.Name+durability]
	if f == nil {
		svc := sqlstore.NewServices(dbtest.OpenWith(suiteTB{b}, e.DSN(suiteTB{b}), sqlstore.Options{Synchronous: durability}))
		res, err := demo.Seed(ctx, svc)
		if err != nil {
			b.Fatal(err)
		}
		people, err := demo.Residents(ctx, svc, res.Station.ID, transferPeople, 1)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range people {
			if _, err := svc.TimeBank.Credit(ctx, p, guli.MaxTransferMinutes, "压测"); err != nil {
				b.Fatal(err)
			}
		}
		f = &throughputFixture{svc: svc, station: res.Station.ID, residents: people}
		transferFixtures[e.Name+durability] = f
	}
	timedParallel(b, par, "transfers", func() error {
		k := atomic.AddInt64(&f.next, 1)
		from, to := f.residents[k%transferPeople], f.residents[(k+1)%transferPeople]
		as := guli.NewContextWithUser(ctx, &guli.User{ID: from, Roles: []guli.Role{guli.RoleResident}})
		_, err := f.svc.TimeBank.Transfer(as, guli.TransferInput{ToUserID: to, Minutes: 1, Key: fmt.Sprintf("bench-%d", k)})
		return err
	})
}

// BenchmarkSafetyAlert posts a safety alert to a station of 10,000
// residents (and the demo's): one op is one CreatePost, which tells every
// one of them in its own transaction with one INSERT … SELECT.
func BenchmarkSafetyAlert(b *testing.B) {
	const residents = 10_000
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := dbtest.OpenWith(b, e.DSN(b), sqlstore.Options{})
			svc := sqlstore.NewServices(db)
			ctx := system()
			res, err := demo.Seed(ctx, svc)
			if err != nil {
				b.Fatal(err)
			}
			var areas []guli.ID
			for _, a := range res.Station.Areas {
				areas = append(areas, a.ID)
			}
			requester, err := sqlstore.QueryInt(ctx, db, "SELECT id FROM users WHERE phone = ?", "13800000008")
			if err != nil {
				b.Fatal(err)
			}
			if err := sqlstore.SeedVolunteers(ctx, db, res.Station.ID, areas, guli.ID(requester), residents, 1); err != nil {
				b.Fatal(err)
			}
			if err := db.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			staffID, err := sqlstore.QueryInt(ctx, db, "SELECT id FROM users WHERE phone = ?", "13800000001")
			if err != nil {
				b.Fatal(err)
			}
			told, err := sqlstore.QueryInt(ctx, db, "SELECT COUNT(*) FROM users u JOIN areas a ON a.id = u.area_id WHERE a.station_id = ?", res.Station.ID)
			if err != nil || told < residents {
				b.Fatalf("%d residents, %v", told, err)
			}
			staff := guli.NewContextWithUser(ctx, &guli.User{ID: guli.ID(staffID), Name: "顾小里", Roles: []guli.Role{guli.RoleStaff},
				StaffStations: []guli.ID{res.Station.ID}})
			before, _ := sqlstore.QueryInt(ctx, db, "SELECT COUNT(*) FROM notifications")
			n := 0
			for b.Loop() {
				if _, err := svc.Posts.CreatePost(staff, guli.PostInput{StationID: res.Station.ID, Kind: guli.PostSafetyAlert,
					Title: "台风天请勿外出", Body: "关好门窗。"}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			after, _ := sqlstore.QueryInt(ctx, db, "SELECT COUNT(*) FROM notifications")
			if after-before != n*told {
				b.Fatalf("%d notifications for %d alerts to %d residents", after-before, n, told)
			}
			b.ReportMetric(float64(told), "residents/alert")
		})
	}
}
