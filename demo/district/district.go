// Package district writes a synthetic district of community service
// stations into an empty database, at any size and fast: Chinese names,
// residents skewed old in the residential areas of their stations,
// volunteers, talents and their studios, a year of weekly classes with
// sign-ups and attendance, visits, help asked and given through the time
// bank, the notice board, councils with their meetings, proposals and
// polls; every derived count as the services would have kept it. The
// same seed and anchor write the same bytes.
//
// The first station is the demo's 顾里小站, seeded through the services
// as `guli serve --demo` does (so its accounts and instructions hold), on
// the anchor's clock; the district's other stations and every synthetic
// row are written beside it in bulk (sqlstore.Bulk), bypassing the
// services: argon2 for a million accounts alone would take hours. Every
// account with a phone has the demo's password (demo.PasswordHash).
package district

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"guli"
	"guli/demo"
	"guli/markdown"
	"guli/sqlstore"
)

// Options say what to write.
type Options struct {
	// Residents is how many synthetic residents live in the district's
	// stations, besides the demo's named people.
	Residents int
	// Stations is how many stations, 顾里小站 the first; 0: one for
	// each 10,000 residents or so.
	Stations int
	// Seed draws everything; the same seed and anchor write the same
	// district.
	Seed uint64
	// Anchor is the district's today: its records are of the 52 weeks
	// before it, its timetable goes on four weeks after. The database's
	// clock must show Now(Anchor) while it is written.
	Anchor guli.Date
	// Progress, when set, is told how many of the residents' stations
	// are written (done, total residents).
	Progress func(done, total int)
}

// ResidentsPerStation is a station's share when Options.Stations is 0.
const ResidentsPerStation = 10_000

// minPerStation is the fewest residents a station is given, and
// maxPerStation the most on average: a station's people are held in
// memory while it is written (200,000 in one station took 250 MB, in
// twenty 150 MB), so twenty million in one would not fit.
const (
	minPerStation = 50
	maxPerStation = 100_000
)

// Shares of the residents.
const (
	volunteerShare = 0.05  // hold the volunteer role
	talentShare    = 0.001 // talents with studios, at least one a station
)

// Now is the moment a district is written at: 08:00 of the anchor day in
// Shanghai, before any station opens, so the day's classes are still to
// come. Everything written is dated by it, not by the wall clock.
func Now(anchor guli.Date) time.Time {
	return anchor.In(guli.Zone(guli.DefaultTimezone)).Add(8 * time.Hour)
}

// Summary says what was written.
type Summary struct {
	Stations      []StationSummary
	Residents     int // synthetic residents
	Staff         int
	Volunteers    int
	Talents       int
	NoPhone       int // residents whose accounts staff keep
	Activities    int
	Registrations int
	Attendances   int
	Visits        int // rows; their counts add up to more
	HealthChecks  int
	HelpRequests  int
	Services      int // requests confirmed, credited through the time bank
	Posts         int
	Comments      int
	Meetings      int
	Proposals     int
	Polls         int
	Ballots       int
	Teams         int
	Rows          int64 // rows written in bulk
	// Accounts are some of each kind to sign in as (password
	// demo.Password): the first of every station.
	Accounts []Account
	// Demo is what the demo's seed made: 顾里小站 and its accounts.
	Demo *demo.Result
}

// StationSummary is one station of the district.
type StationSummary struct {
	ID        guli.ID
	Name      string
	Residents int
}

// Account is an account of the district to sign in as.
type Account struct {
	Kind      string // resident, volunteer, talent, staff, no_phone
	ID        guli.ID
	Name      string
	Phone     string // "" for an account staff keep
	StationID guli.ID
}

// ErrNotEmpty refuses a database with a station or an account.
var ErrNotEmpty = errors.New("the database is not empty: a district is written into an empty one (a new SQLite file, or a new PostgreSQL database)")

// Validate checks the options and fills in the number of stations.
func (o *Options) Validate() error {
	if o.Stations == 0 {
		o.Stations = max(1, (o.Residents+ResidentsPerStation/2)/ResidentsPerStation)
	}
	switch {
	case o.Residents < 1 || o.Residents > 20_000_000:
		return fmt.Errorf("--residents: from 1 to 20,000,000, not %d", o.Residents)
	case o.Stations < 1 || o.Stations > 10_000:
		return fmt.Errorf("--stations: from 1 to 10,000, not %d", o.Stations)
	case o.Residents < o.Stations*minPerStation:
		return fmt.Errorf("%d residents are too few for %d stations: a station needs %d at least", o.Residents, o.Stations, minPerStation)
	case o.Residents > o.Stations*maxPerStation:
		return fmt.Errorf("%d residents are too many for %d stations: a station holds %d at most (give --stations %d or more)",
			o.Residents, o.Stations, maxPerStation, (o.Residents+maxPerStation-1)/maxPerStation)
	}
	if _, ok := guli.ParseDate(string(o.Anchor)); !ok {
		return fmt.Errorf("the anchor %q is not a date (YYYY-MM-DD)", o.Anchor)
	}
	if o.Anchor < guli.Date("2023-06-01") || o.Anchor > guli.Date("2099-12-31") {
		return fmt.Errorf("the anchor %s is before 2023-06-01 (顾里小站 opened on 2023-02-10) or after 2099", o.Anchor)
	}
	return nil
}

// Generate writes the district into db, which must be empty and have
// been opened with its clock at Now(opts.Anchor) (sqlstore.Options.Now).
// It refreshes the planner's statistics when done. A district that fails
// halfway leaves what it wrote, marked unfinished (sqlstore.ClaimEmpty):
// start again on an empty database.
func Generate(ctx context.Context, db *sqlstore.DB, opts Options) (*Summary, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	now := Now(opts.Anchor)
	if !db.Now().Equal(now) {
		return nil, fmt.Errorf("the database's clock shows %s, not the district's now, %s", db.Now().Format(time.RFC3339), now.Format(time.RFC3339))
	}
	// Claimed, not just found empty: another district started at the
	// same moment is refused, and one stopped halfway leaves a mark that
	// guli check reports.
	claimed, err := db.ClaimEmpty(ctx)
	if err != nil {
		return nil, err
	}
	if !claimed {
		return nil, ErrNotEmpty
	}
	res, err := demo.SeedAt(ctx, sqlstore.NewServices(db), now)
	if err != nil {
		return nil, fmt.Errorf("the demo station: %w", err)
	}
	b, err := db.Bulk(ctx)
	if err != nil {
		return nil, err
	}
	g := newGen(b, opts, now, res)
	g.sum.Demo = res
	if err := g.run(); err != nil {
		b.Abort()
		return nil, err
	}
	g.sum.Rows = b.Rows()
	if err := b.Filled(); err != nil {
		b.Abort()
		return nil, err
	}
	if err := b.Close(); err != nil {
		return nil, err
	}
	if err := db.Analyze(ctx); err != nil {
		return nil, fmt.Errorf("statistics after the district: %w", err)
	}
	return &g.sum, nil
}

// gen is a district being written.
type gen struct {
	b    *sqlstore.Bulk
	t    tables
	opts Options
	now  time.Time
	loc  *time.Location
	// yearStart is the first day of the district's records, horizon the
	// end of its timetable.
	yearStart, horizon time.Time
	ids                ids
	phones             int64 // accounts with a phone so far
	res                *demo.Result
	admin              guli.ID
	sum                Summary
	md                 *markdown.Renderer
	topics             []demo.Topic
	askings            []demo.Asking
	thanks             []string
	confirmed          map[int64]int // services confirmed at each station
	// What is written when every station is: each new station's age rule
	// (station, resolution), which names a resolution written after the
	// station, and what moved in funds written before (account, minutes).
	ageRules, funds [][2]int64
	stamp           int32 // marks people drawn for one thing (person.mark)
}

// ids are the next id of each table with one.
type ids struct {
	station, area, room, user, council, meeting, resolution, proposal, poll, option, team, nomination,
	activity, registration, visit, health, help, account, entry, post, comment, audit int64
}

func next(p *int64) int64 { v := *p; *p++; return v }

func newGen(b *sqlstore.Bulk, opts Options, now time.Time, res *demo.Result) *gen {
	loc := guli.Zone(guli.DefaultTimezone)
	anchor := opts.Anchor.In(loc)
	g := &gen{b: b, opts: opts, now: now, loc: loc, res: res, md: markdown.New(),
		yearStart: anchor.AddDate(0, 0, -364), horizon: anchor.AddDate(0, 0, 28),
		topics: demo.Topics(), askings: demo.Askings(), thanks: demo.Thanks(), confirmed: map[int64]int{}}
	g.t = declare(b)
	for _, a := range res.Accounts {
		if slices.Contains(a.Roles, guli.RoleAdmin) {
			g.admin = a.ID
		}
	}
	return g
}

// rng is the random stream of one part of one station: each part draws
// from its own, so a change to one leaves the others as they were.
func (g *gen) rng(station int, part uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opts.Seed, uint64(station)<<16|part))
}

// The parts of a station, each with its stream.
const (
	partSetup uint64 = iota + 1
	partPeople
	partTimetable
	partVisits
	partHelp
	partLedger
	partBoard
	partCouncils
	partTeams
)

func (g *gen) run() error {
	for _, p := range []struct {
		table string
		next  *int64
	}{{"stations", &g.ids.station}, {"areas", &g.ids.area}, {"rooms", &g.ids.room}, {"users", &g.ids.user},
		{"councils", &g.ids.council}, {"meetings", &g.ids.meeting}, {"resolutions", &g.ids.resolution},
		{"proposals", &g.ids.proposal}, {"polls", &g.ids.poll}, {"poll_options", &g.ids.option}, {"teams", &g.ids.team},
		{"nominations", &g.ids.nomination}, {"activities", &g.ids.activity}, {"registrations", &g.ids.registration},
		{"visits", &g.ids.visit}, {"health_measurements", &g.ids.health}, {"help_requests", &g.ids.help},
		{"timebank_accounts", &g.ids.account}, {"timebank_entries", &g.ids.entry}, {"posts", &g.ids.post},
		{"post_comments", &g.ids.comment}, {"audit_log", &g.ids.audit}} {
		id, err := g.b.NextID(p.table)
		if err != nil {
			return err
		}
		*p.next = id
	}
	// Every account the demo made has its password; now every one has
	// the same bytes for it, so the same seed writes the same database.
	if err := g.b.Exec("UPDATE users SET password_hash = ? WHERE password_hash <> ''", demo.PasswordHash); err != nil {
		return err
	}
	shares := g.shares()
	done := 0
	for i, n := range shares {
		if err := g.station(i, n); err != nil {
			return fmt.Errorf("station %d: %w", i+1, err)
		}
		if err := g.b.Err(); err != nil {
			return err
		}
		done += n
		if g.opts.Progress != nil {
			g.opts.Progress(done, g.opts.Residents)
		}
	}
	for _, r := range g.ageRules {
		if err := g.b.Exec("UPDATE stations SET age_rule_from = ?, age_rule_resolution_id = ? WHERE id = ?",
			guli.CouncilEmergencyContactAge, r[1], r[0]); err != nil {
			return err
		}
	}
	for _, f := range g.funds {
		if err := g.b.Exec("UPDATE timebank_accounts SET balance = balance + ? WHERE id = ?", f[1], f[0]); err != nil {
			return err
		}
	}
	// The counters that say what matching keeps in memory is stale.
	if err := g.b.Exec(`INSERT INTO counters (name, n) VALUES ('volunteers', 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1`); err != nil {
		return err
	}
	stations := make([]int64, 0, len(g.confirmed))
	for id := range g.confirmed {
		stations = append(stations, id)
	}
	slices.Sort(stations)
	for _, id := range stations {
		if err := g.b.Exec(`INSERT INTO counters (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n`,
			fmt.Sprintf("confirmed:%d", id), g.confirmed[id]); err != nil {
			return err
		}
	}
	return g.b.Err()
}

// shares divides the residents among the stations, each given a weight
// between 0.7 and 1.3, in whole numbers that add up (largest remainders).
func (g *gen) shares() []int {
	r := g.rng(0, 0)
	m, n := g.opts.Stations, g.opts.Residents
	weights := make([]float64, m)
	for i := range weights {
		weights[i] = 0.7 + 0.6*r.Float64()
	}
	out := demo.Apportion(n-m*minPerStation, weights)
	for i := range out {
		out[i] += minPerStation
	}
	return out
}

// ms is a moment as stored.
func ms(t time.Time) int64 { return t.UnixMilli() }

// nullable is NULL for 0.
func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTime is NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// between draws a moment in [lo, hi); lo when the span is empty.
func between(r *rand.Rand, lo, hi time.Time) time.Time {
	d := hi.Sub(lo)
	if d <= 0 {
		return lo
	}
	return lo.Add(time.Duration(r.Int64N(int64(d)/int64(time.Second)+1)) * time.Second)
}

// byDay moves a moment to a time between 8:00 and 20:00 of its day, but
// never past now.
func (g *gen) byDay(r *rand.Rand, t time.Time) time.Time {
	d := guli.DateOf(t.In(g.loc)).In(g.loc).Add(8*time.Hour + time.Duration(r.IntN(12*60))*time.Minute)
	if !d.Before(g.now) {
		return g.now.Add(-time.Duration(1+r.IntN(60)) * time.Minute)
	}
	return d
}

// later is the later of two moments, earlier the earlier.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// audit appends an entry of the audit log, as the services write it.
func (g *gen) audit(actor int64, action string, subject int64, detail string, at time.Time) {
	kind := "thing"
	if guli.AuditAboutPerson(action, guli.ID(subject)) {
		kind = "person"
	}
	g.t.audit.Add(next(&g.ids.audit), nullable(actor), action, nullable(subject), kind, detail, ms(at))
}
