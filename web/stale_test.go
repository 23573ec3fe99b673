package web_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
	"guli/sqlstore"
	"guli/web"
)

// Pages are kept whole (for readers not signed in) and in parts (cards,
// a page's body, the header) under what the request read. This test
// writes at random through the services of the server's own database
// handle and after each write asks for every page as several readers,
// from the server and from one that keeps nothing, on a handle of its
// own: any difference is a stale page.
func TestKeptPagesAreNeverStale(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		steps := 30
		if underRace || testing.Short() { // a page takes many times longer to render
			steps = 3
		}
		newStalePages(t, e, 20231015).run(steps)
	})
}

// stalePages is the demo station on a server, a handle that keeps nothing,
// and the readers.
type stalePages struct {
	t     *testing.T
	rng   *rand.Rand
	srv   *testserver.Server
	svc   guli.Services // the server's own handle: its writes are the server's
	other guli.Services // another process's, on the same database
	fresh *sqlstore.DB
	cat   *i18n.Catalog

	mu  sync.Mutex
	now time.Time // the clock of both servers and the writes

	tokens  map[string]string // reader → bearer token ("" for nobody)
	readers []string
	step    int
	done    []string
	fails   int
}

func newStalePages(t *testing.T, e dbtest.Engine, seed uint64) *stalePages {
	t.Helper()
	// The clock stands still but for the steps that move it: a page says
	// how long ago things were and what has started, and both servers
	// must say it of the same moment.
	p := &stalePages{t: t, rng: rand.New(rand.NewPCG(seed, 3)), cat: i18n.MustLoad(), now: time.Now().Truncate(time.Minute)}
	dsn := e.DSN(t)
	p.srv = testserver.NewOnDSN(t, dsn, testserver.Options{Now: p.clock})
	p.svc = sqlstore.NewServices(p.srv.DB)
	p.other = sqlstore.NewServices(dbtest.OpenWith(t, dsn, sqlstore.Options{Now: p.clock}))
	p.fresh = dbtest.OpenWith(t, dsn, sqlstore.Options{Now: p.clock})
	p.tokens = map[string]string{"nobody": ""}
	for name, phone := range map[string]string{"admin": testserver.AdminPhone, "staff": testserver.StaffPhone,
		"talent": testserver.TalentPhone, "resident": testserver.ResidentPhone, "neighbour": "13800000007"} {
		p.tokens[name] = p.srv.Login(t, phone, testserver.Password)
	}
	p.readers = []string{"nobody", "admin", "staff", "talent", "resident", "neighbour"}
	return p
}

func (p *stalePages) clock() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now
}

// user is a reader as a request knows them now; nil for nobody.
func (p *stalePages) user(reader string) *guli.User {
	if p.tokens[reader] == "" {
		return nil
	}
	u, err := sqlstore.NewAccounts(p.fresh, nil).Authenticate(context.Background(), p.tokens[reader])
	if err != nil {
		p.t.Fatalf("%s's session: %v", reader, err)
	}
	return u
}

func (p *stalePages) as(reader string) context.Context {
	return guli.NewContextWithUser(context.Background(), p.user(reader))
}

// ids are the newest things of a kind, as the handle that keeps nothing
// lists them.
type staleIDs struct {
	activities, requests, posts, councils, polls, meetings, proposals, teams []guli.ID
}

func (p *stalePages) ids() staleIDs {
	var ids staleIDs
	svc := sqlstore.NewServices(p.fresh)
	ctx, st := p.as("admin"), p.srv.Station.ID
	acts, _ := svc.Activities.Activities(ctx, guli.ActivityFilter{StationID: st, From: p.clock().Add(-24 * time.Hour), To: p.clock().AddDate(0, 0, 14)}, guli.ListOptions{Limit: 100})
	for _, a := range acts.Items {
		ids.activities = append(ids.activities, a.ID)
	}
	reqs, _ := svc.Help.HelpRequests(ctx, guli.HelpFilter{StationID: st}, guli.ListOptions{Limit: 8})
	for _, h := range reqs.Items {
		ids.requests = append(ids.requests, h.ID)
	}
	posts, _ := svc.Posts.Posts(ctx, guli.PostFilter{StationID: st, ListOptions: guli.ListOptions{Limit: 4}})
	for _, x := range posts.Items {
		ids.posts = append(ids.posts, x.ID)
	}
	councils, _ := svc.Councils.Councils(ctx, guli.CouncilFilter{StationID: st})
	for _, c := range councils.Items {
		ids.councils = append(ids.councils, c.ID)
		polls, _ := svc.Polls.Polls(ctx, guli.PollFilter{CouncilID: c.ID, ListOptions: guli.ListOptions{Limit: 3}})
		for _, x := range polls.Items {
			ids.polls = append(ids.polls, x.ID)
		}
		meetings, _ := svc.Meetings.Meetings(ctx, c.ID, guli.ListOptions{Limit: 2})
		for _, x := range meetings.Items {
			ids.meetings = append(ids.meetings, x.ID)
		}
		proposals, _ := svc.Meetings.Proposals(ctx, c.ID, guli.ListOptions{Limit: 3})
		for _, x := range proposals.Items {
			ids.proposals = append(ids.proposals, x.ID)
		}
	}
	teams, _ := svc.Teams.Teams(ctx, guli.TeamFilter{StationID: st})
	for _, x := range teams.Items {
		ids.teams = append(ids.teams, x.ID)
	}
	return ids
}

// pages are the pages to compare, with who may read them; pages a read of
// writes (an audited look) are left out: the handle that keeps nothing
// would write.
func (p *stalePages) pages(ids staleIDs) map[string][]string {
	everyone := p.readers
	signedIn := p.readers[1:]
	staff := []string{"admin", "staff"}
	st := p.srv.Station.ID.String()
	out := map[string][]string{
		"/": everyone, "/activities": everyone, "/activities?from=" + p.clock().AddDate(0, 0, 7).Format(time.DateOnly): everyone,
		"/help": everyone, "/notices": everyone, "/notices?kind=tip": everyone, "/notices/week": everyone, "/teams": everyone,
		"/councils": everyone, "/stats": everyone, "/stations/" + st + "/impact": everyone, "/stations": everyone,
		"/me": signedIn, "/my/activities": signedIn, "/my/services": signedIn, "/timebank": signedIn, "/me/volunteer": {"talent"},
		"/desk": staff, "/desk/help": staff, "/desk/teams": staff, "/desk/stats": staff, "/desk/moderation": staff, "/admin/district": {"admin"},
	}
	for _, id := range last(ids.activities, 4) {
		out["/activities/"+id.String()] = everyone
	}
	for _, id := range ids.posts {
		out["/notices/"+id.String()] = everyone
	}
	for _, id := range ids.teams {
		out["/teams/"+id.String()] = everyone
	}
	for _, id := range ids.councils {
		for _, page := range []string{"", "/meetings", "/proposals", "/polls"} {
			out["/councils/"+id.String()+page] = everyone
		}
	}
	for _, id := range ids.polls {
		out["/polls/"+id.String()] = everyone
	}
	for _, id := range ids.meetings {
		out["/meetings/"+id.String()] = everyone
	}
	return out
}

func last[T any](xs []T, n int) []T { return xs[max(0, len(xs)-n):] }

func pickOf[T any](p *stalePages, xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	return xs[p.rng.IntN(len(xs))]
}

// A write through the server's services; what it did, in words.
type stalePageWrite struct {
	name   string
	weight int
	do     func(p *stalePages, svc guli.Services, ids staleIDs) error
}

var stalePageWrites = []stalePageWrite{
	{"sign up", 6, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Activities.Register(p.as(pickOf(p, []string{"resident", "neighbour", "talent"})), pickOf(p, ids.activities), 0)
		return err
	}},
	{"give up a place", 4, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		return svc.Activities.CancelRegistration(p.as(pickOf(p, []string{"resident", "neighbour", "talent"})), pickOf(p, ids.activities), 0)
	}},
	{"new activity", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		start := p.clock().Add(time.Duration(2+p.rng.IntN(24*6)) * time.Hour).Truncate(time.Hour)
		_, err := svc.Activities.CreateActivities(p.as("staff"), guli.ActivityInput{StationID: p.srv.Station.ID, Title: "太极拳",
			Category: "class", Start: start, End: start.Add(time.Hour), Capacity: 2, HostID: p.user("talent").ID})
		return err
	}},
	{"cancel an activity", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		return svc.Activities.CancelActivity(p.as("staff"), pickOf(p, ids.activities))
	}},
	{"ask for help", 3, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Help.AskForHelp(p.as(pickOf(p, []string{"resident", "neighbour"})), guli.HelpRequestInput{Title: "帮忙买菜", Category: "errand"})
		return err
	}},
	{"claim", 3, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Help.Claim(p.as("talent"), pickOf(p, ids.requests))
		return err
	}},
	{"done", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Help.Done(p.as("talent"), pickOf(p, ids.requests), 45)
		return err
	}},
	{"confirm", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Help.Confirm(p.as("staff"), pickOf(p, ids.requests), guli.ConfirmInput{Rating: 5})
		return err
	}},
	{"visit", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		n := 1
		_, err := svc.Visits.RecordVisit(p.as("staff"), p.srv.Station.ID, guli.VisitInput{Count: &n, Purpose: "health_check"})
		return err
	}},
	{"post", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Posts.CreatePost(p.as("resident"), guli.PostInput{StationID: p.srv.Station.ID, Kind: guli.PostTip, Title: "小贴士", Body: "天冷了"})
		return err
	}},
	{"comment", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Posts.AddComment(p.as("neighbour"), pickOf(p, ids.posts), guli.CommentInput{Body: "谢谢"})
		return err
	}},
	{"hide or restore", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		if p.rng.IntN(2) == 0 {
			_, err := svc.Posts.Hide(p.as("staff"), pickOf(p, ids.posts))
			return err
		}
		_, err := svc.Posts.Restore(p.as("staff"), pickOf(p, ids.posts))
		return err
	}},
	{"vote", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		id := pickOf(p, ids.polls)
		poll, err := sqlstore.NewPolls(p.fresh).Poll(p.as("resident"), id)
		if err != nil {
			return err
		}
		return svc.Polls.Vote(p.as(pickOf(p, []string{"resident", "neighbour", "talent"})), guli.Ballot{PollID: id, OptionIDs: []guli.ID{pickOf(p, poll.Options).ID}})
	}},
	{"support", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Meetings.Support(p.as(pickOf(p, []string{"resident", "neighbour", "talent"})), pickOf(p, ids.proposals))
		return err
	}},
	{"propose", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Meetings.CreateProposal(p.as("resident"), guli.ProposalInput{CouncilID: pickOf(p, ids.councils), Title: "加装扶手"})
		return err
	}},
	{"attendance", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Meetings.SetAttendance(p.as("staff"), pickOf(p, ids.meetings), []guli.ID{p.user("resident").ID})
		return err
	}},
	{"team member", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Teams.AddMember(p.as("staff"), pickOf(p, ids.teams), guli.MemberInput{UserID: p.user("neighbour").ID})
		return err
	}},
	{"rename", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		reader := pickOf(p, []string{"resident", "neighbour", "talent", "staff"})
		name := p.user(reader).Name
		if strings.HasSuffix(name, "·") {
			name = strings.TrimSuffix(name, "·")
		} else {
			name += "·"
		}
		_, err := svc.Accounts.UpdateMe(p.as(reader), guli.UpdateMeInput{Name: &name})
		return err
	}},
	{"hours", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		days := []string{"wed", "thu", "fri", "sat", "sun"}
		hours := map[string][]string{}
		for _, d := range days[:1+p.rng.IntN(len(days))] {
			hours[d] = []string{"09:00-17:00"}
		}
		_, err := svc.Stations.SetOpeningHours(p.as("staff"), p.srv.Station.ID, hours)
		return err
	}},
	{"volunteer profile", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Accounts.SetVolunteerProfile(p.as("talent"), guli.VolunteerProfileInput{Skills: []string{pickOf(p, guli.HelpCategories)}})
		return err
	}},
	{"roles", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		// The neighbour becomes a volunteer, or a resident again: the menu,
		// the help lists and the buttons they are shown change.
		roles := []guli.Role{guli.RoleResident}
		if !p.user("neighbour").Has(guli.RoleVolunteer) {
			roles = append(roles, guli.RoleVolunteer)
		}
		_, err := svc.Accounts.SetRoles(p.as("admin"), p.user("neighbour").ID, guli.RolesInput{Roles: roles})
		return err
	}},
	{"council member", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		c, who := pickOf(p, ids.councils), p.user(pickOf(p, []string{"resident", "neighbour", "talent"})).ID
		if p.rng.IntN(2) == 0 {
			return svc.Councils.RemoveMember(p.as("staff"), c, who)
		}
		return svc.Councils.AddMember(p.as("staff"), c, who)
	}},
	{"close a poll", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Polls.ClosePoll(p.as("staff"), pickOf(p, ids.polls))
		return err
	}},
	{"record a meeting", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		minutes := fmt.Sprintf("纪要%d", p.step)
		_, err := svc.Meetings.RecordMeeting(p.as("staff"), pickOf(p, ids.meetings), guli.MeetingRecord{Minutes: &minutes,
			Resolutions: []guli.ResolutionInput{{Text: "增设休息椅"}}})
		return err
	}},
	{"answer a proposal", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		_, err := svc.Meetings.AnswerProposal(p.as("staff"), pickOf(p, ids.proposals), guli.ProposalAnswer{Outcome: pickOf(p, guli.ProposalOutcomes), Answer: "好"})
		return err
	}},
	{"nominate", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		u := p.user(pickOf(p, []string{"resident", "neighbour"}))
		_, err := svc.Teams.Nominate(p.as("staff"), guli.NominationInput{AreaID: u.AreaID, UserID: u.ID, Skill: "剪纸", Reason: "手巧"})
		return err
	}},
	{"time passes", 2, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.now = p.now.Add(time.Duration(1+p.rng.IntN(180)) * time.Minute)
		return nil
	}},
	{"read a notice", 1, func(p *stalePages, svc guli.Services, ids staleIDs) error {
		reader := pickOf(p, []string{"resident", "neighbour", "talent"})
		page, err := sqlstore.NewNotifications(p.fresh).Notifications(p.as(reader), guli.ListOptions{})
		if err != nil || len(page.Items) == 0 {
			return err
		}
		return svc.Notifications.MarkRead(p.as(reader), []guli.ID{page.Items[0].ID})
	}},
}

// get asks h for path as reader.
func get(t *testing.T, h http.Handler, path, token string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, unique.ReplaceAllString(string(b), "$1")
}

// unique is what differs between two renderings of one page: a form's
// idempotency key, a chart's element ids.
var unique = regexp.MustCompile(`(name="key" value=")[A-Z0-9]+|(svgchart-)[0-9]+`)

func (p *stalePages) run(steps int) {
	total := 0
	for _, s := range stalePageWrites {
		total += s.weight
	}
	compared := 0
	for p.step = 0; p.step <= steps && p.fails < 3; p.step++ {
		ids := p.ids()
		elsewhere := false
		if p.step > 0 {
			n := p.rng.IntN(total)
			svc, by := p.svc, "here"
			if elsewhere = p.rng.IntN(10) < 3; elsewhere {
				svc, by = p.other, "elsewhere"
			}
			for _, s := range stalePageWrites {
				if n -= s.weight; n < 0 {
					p.done = append(p.done, fmt.Sprintf("%d %s: %s%s", p.step, by, s.name, outcomeOf(s.do(p, svc, ids))))
					break
				}
			}
			ids = p.ids()
		}
		// A server that keeps nothing: no caches of pages, no kept answers.
		plain, err := web.New(web.Config{Services: sqlstore.NewServices(p.fresh), DB: p.fresh, Catalog: p.cat})
		if err != nil {
			p.t.Fatal(err)
		}
		pages := p.pages(ids)
		paths := make([]string, 0, len(pages))
		for path := range pages {
			paths = append(paths, path)
		}
		slices.Sort(paths)
		type view struct {
			path, reader, want string
			code               int
		}
		var views []view
		// Every page as two of the readers, in turn: the parts kept stay
		// until what they were read from is written, and are met again.
		readers := []string{p.readers[p.step%len(p.readers)], p.readers[(p.step+3)%len(p.readers)]}
		for _, path := range paths {
			for _, reader := range pages[path] {
				if !slices.Contains(readers, reader) {
					continue
				}
				code, want := get(p.t, plain, path, p.tokens[reader])
				views = append(views, view{path, reader, want, code})
			}
		}
		compared += len(views)
		// Another process's write is heard of within a moment.
		var stale []string
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			stale = stale[:0]
			for i, v := range views {
				code, got := get(p.t, p.srv.Web, v.path, p.tokens[v.reader])
				if code != v.code || got != v.want {
					// Some pages write as they are read (opening an alert
					// marks it read): what the first reading changed is
					// read afresh once more before the kept page is called
					// stale.
					v.code, v.want = get(p.t, plain, v.path, p.tokens[v.reader])
					views[i] = v
				}
				if code != v.code || got != v.want {
					stale = append(stale, fmt.Sprintf("%s as %s: %d, afresh %d\n%s", v.path, v.reader, code, v.code, firstDifference(got, v.want)))
				}
			}
			if len(stale) == 0 || !elsewhere || time.Now().After(deadline) {
				break
			}
		}
		if len(stale) > 0 {
			p.fails++
			p.t.Errorf("step %d: stale pages after\n  %s\n%s", p.step, strings.Join(last(p.done, 5), "\n  "), strings.Join(last(stale, 6), "\n"))
			// Start afresh to find the next: a new server, nothing kept, on
			// the same handle.
			p.svc = sqlstore.NewServices(p.srv.DB)
			p.srv.Web, _ = web.New(web.Config{Services: p.svc, DB: p.srv.DB, Changes: p.srv.DB, Catalog: p.cat})
		}
	}
	p.t.Logf("%d steps, %d pages compared", p.step-1, compared)
}

func outcomeOf(err error) string {
	if err != nil {
		return " → " + guli.ErrorCode(err)
	}
	return ""
}

// firstDifference shows where two pages part, a line of each.
func firstDifference(got, want string) string {
	a, b := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("  line %d kept:  %s\n  line %d fresh: %s", i+1, strings.TrimSpace(x), i+1, strings.TrimSpace(y))
		}
	}
	return ""
}
