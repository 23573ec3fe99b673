package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"guli"
)

// Help implements guli.HelpService. Every change of a request locks its
// row first, so the state it decides on is the state it writes: two
// volunteers claiming at once find one of them first, and a service
// confirmed twice at once is credited once (and the ledger's unique
// help_id refuses a second credit even so).
//
// Requests and lists of them are read far more than they change: they are
// kept while the data version holds (memo.go), lists of one's own per
// reader. Callers must not change what they get.
type Help struct {
	db       *DB
	match    *matching
	requests memo[guli.ID, *guli.HelpRequest]
	lists    memo[helpListKey, guli.Page[*guli.HelpRequest]]
	rankings memo[rankingKey, []guli.Candidate]
}

// helpListKey is everything a list of requests depends on.
type helpListKey struct {
	reader           guli.ID // the reader, for a list of their own or of their stations; 0 for all
	mine             bool
	status, category string
	station, area    guli.ID
	before, needed   int64
	cursor           string
	limit            int
}

// NewHelp returns the mutual-aid service of db.
func NewHelp(db *DB) *Help {
	return &Help{db: db, match: &matching{db: db}, requests: memo[guli.ID, *guli.HelpRequest]{max: 10000},
		lists: memo[helpListKey, guli.Page[*guli.HelpRequest]]{max: 1000}, rankings: memo[rankingKey, []guli.Candidate]{max: 1000}}
}

var _ guli.HelpService = (*Help)(nil)

const helpColumns = `h.id, h.station_id, h.requester_id, r.name, COALESCE(r.phone, ''), COALESCE(r.area_id, 0), h.title, h.description, h.category,
	h.needed_by, h.status, COALESCE(h.volunteer_id, 0), COALESCE(v.name, ''), h.minutes, h.rating, h.comment,
	COALESCE(h.filed_by, 0), h.created_at, h.claimed_at, h.done_at, h.confirmed_at, s.timezone, COALESCE(r.birth_year, 0),
	h.filed_as, COALESCE(f.name, ''), COALESCE(f.phone, '')`

const helpFrom = `
	FROM help_requests h
	JOIN users r ON r.id = h.requester_id
	JOIN stations s ON s.id = h.station_id
	LEFT JOIN users v ON v.id = h.volunteer_id
	LEFT JOIN users f ON f.id = h.filed_by`

func scanHelp(row interface{ Scan(...any) error }) (*guli.HelpRequest, error) {
	var h guli.HelpRequest
	var id, station, requester, area, volunteer, filed, created int64
	var neededBy, claimed, done, confirmed sql.NullInt64
	var tz, filedAs, filer, filerPhone string
	err := row.Scan(&id, &station, &requester, &h.Requester, &h.RequesterPhone, &area, &h.Title, &h.Description, &h.Category,
		&neededBy, &h.Status, &volunteer, &h.Volunteer, &h.Minutes, &h.Rating, &h.Comment,
		&filed, &created, &claimed, &done, &confirmed, &tz, &h.RequesterBirthYear, &filedAs, &filer, &filerPhone)
	if err != nil {
		return nil, err
	}
	if filedAs == guli.FiledByFamily {
		h.Family, h.FamilyPhone = filer, filerPhone
	}
	loc := guli.Zone(tz)
	at := func(v sql.NullInt64) time.Time {
		if !v.Valid {
			return time.Time{}
		}
		return fromMS(v.Int64).In(loc)
	}
	h.ID, h.StationID, h.RequesterID, h.AreaID = guli.ID(id), guli.ID(station), guli.ID(requester), guli.ID(area)
	h.VolunteerID, h.FiledBy, h.CreatedAt = guli.ID(volunteer), guli.ID(filed), fromMS(created).In(loc)
	h.NeededBy, h.ClaimedAt, h.DoneAt, h.ConfirmedAt = at(neededBy), at(claimed), at(done), at(confirmed)
	return &h, nil
}

// AskForHelp posts a request, for oneself or, by staff, for a resident of
// their stations (audited).
func (s *Help) AskForHelp(ctx context.Context, in guli.HelpRequestInput) (*guli.HelpRequest, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	requester := actor.ID
	if in.OnBehalfOf != 0 {
		requester = in.OnBehalfOf
	}
	// Who to tell is ranked in the transaction, on volunteers kept in
	// memory: loaded first if need be, while no connection is held.
	if err := s.match.warm(ctx); err != nil {
		return nil, s.db.mapErr(err)
	}
	var asked *guli.HelpRequest // as committed
	err = s.db.tx(ctx, func(q runner) error {
		closed, err := lockPerson(ctx, q, requester)
		if err != nil {
			return err
		}
		person, err := personIn(ctx, q, requester)
		if isNotFound(err) && requester != actor.ID {
			if actor.IsStaff() {
				return guli.Invalid("on_behalf_of", guli.FRUnknownUser)
			}
			return hidden()
		}
		if err != nil {
			return err
		}
		// Guardians ask for their dependents; staff for the people of
		// their stations.
		acting, err := actingFor(ctx, q, actor, requester, person.Stations...)
		if isNotFound(err) && actor.IsStaff() {
			return guli.Invalid("on_behalf_of", guli.FRUnknownUser) // another station's: as if there were none
		}
		if err != nil {
			return err
		}
		if closed {
			return guli.Errorf(guli.ECAccountClosed)
		}
		// One's own request is one's home station's, and one a guardian
		// asks for a dependent's; one filed by staff, the station they
		// file it for.
		station := person.HomeStation
		if acting == guli.ActsAsStaff {
			station = actor.StationLookingAfter(person)
		}
		if station, err = orFirstStation(ctx, q, station); err != nil {
			return err
		}
		var neededBy sql.NullInt64
		if !in.NeededBy.IsZero() {
			neededBy = sql.NullInt64{Int64: ms(in.NeededBy), Valid: true}
		}
		filed, filedAs := guli.ID(0), ""
		if requester != actor.ID {
			filed, filedAs = actor.ID, guli.FiledByStaff
			if acting == guli.ActsAsGuardian {
				filedAs = guli.FiledByFamily
			}
		}
		id, err := q.in(station).insert(ctx, `INSERT INTO help_requests (station_id, requester_id, title, description, category, needed_by, status, filed_by, filed_as, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, station, requester, in.Title, in.Description, in.Category, neededBy, guli.HelpOpen, nullID(filed), filedAs, ms(now))
		if err != nil {
			return err
		}
		if asked, err = s.load(ctx, q, id); err != nil {
			return err
		}
		if err := s.tellFitting(ctx, q, asked, now); err != nil {
			return err
		}
		switch acting {
		case guli.ActsAsStaff:
			return audit(ctx, q, now, actor, "help.file_on_behalf", requester, id.String())
		case guli.ActsAsGuardian:
			if err := audit(ctx, q, now, actor, "help.file_by_family", requester, id.String()); err != nil {
				return err
			}
			return tellDependent(ctx, q, now, actor, requester, guli.NotifyFamilyHelpAsked, helpParams(asked))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return asked, nil
}

func (s *Help) load(ctx context.Context, q runner, id guli.ID) (*guli.HelpRequest, error) {
	h, err := scanHelp(q.row(ctx, "SELECT "+helpColumns+helpFrom+" WHERE h.id = ?", id))
	return h, s.db.mapErr(notFound(err))
}

// HelpRequest returns one request to those it is visible to
// (HelpRequest.VisibleTo); to anyone else it does not exist. Staff who
// are shown a resident's phone on it, as staff (not as its requester or
// claimer), are audited.
func (s *Help) HelpRequest(ctx context.Context, id guli.ID) (*guli.HelpRequest, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	h, err := s.requests.get(ctx, s.db, id, func(ctx context.Context) (*guli.HelpRequest, error) { return s.load(ctx, s.db.read(), id) })
	if err != nil {
		return nil, err
	}
	// A guardian reads their dependent's requests, the child's name on it.
	guardian := false
	if actor.ID != h.RequesterID && !actor.WorksAt(h.StationID) {
		acting, err := readActingFor(ctx, s.db.read(), actor, h.RequesterID)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		guardian = acting == guli.ActsAsGuardian
	}
	if !guardian && !h.VisibleTo(actor) {
		return nil, hidden()
	}
	if h.StaffSeesContact(actor) {
		err = s.db.tx(ctx, func(q runner) error {
			return audit(ctx, q, s.db.now(), actor, "help.view_contact", h.RequesterID, h.ID.String())
		})
	}
	return h.ShownTo(actor, guardian, s.db.now()), err
}

// HelpRequests lists requests, newest first: all of them, by status, or
// the reader's own (asked or claimed). Lists hold no phone: it is read on
// the request itself, where staff reading it are audited.
func (s *Help) HelpRequests(ctx context.Context, f guli.HelpFilter, opts guli.ListOptions) (guli.Page[*guli.HelpRequest], error) {
	var page guli.Page[*guli.HelpRequest]
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	where, args := []string{"h.id < ?"}, []any{before}
	if f.Status != "" {
		switch f.Status {
		case guli.HelpOpen, guli.HelpClaimed, guli.HelpDone, guli.HelpConfirmed, guli.HelpCancelled:
		default:
			return page, guli.Invalid("status", guli.FRInvalid)
		}
		where, args = append(where, "h.status = ?"), append(args, f.Status)
	}
	scope := guli.HelpListScopeOf(me)
	switch {
	case f.Mine || scope == guli.ListOwn:
		where, args = append(where, "(h.requester_id = ? OR h.volunteer_id = ?)"), append(args, me.ID, me.ID)
	case scope == guli.ListStaffStations:
		cond, more := "h.requester_id = ? OR h.volunteer_id = ?", []any{me.ID, me.ID}
		if len(me.StaffStations) > 0 {
			cond += " OR h.station_id IN (" + placeholders(len(me.StaffStations)) + ")"
			more = append(more, anys(me.StaffStations)...)
		}
		where, args = append(where, "("+cond+")"), append(args, more...)
	}
	if f.StationID != 0 {
		where, args = append(where, "h.station_id = ?"), append(args, f.StationID)
	}
	if f.Category != "" {
		if !slices.Contains(guli.HelpCategories, f.Category) {
			return page, guli.Invalid("category", guli.FRInvalid)
		}
		where, args = append(where, "h.category = ?"), append(args, f.Category)
	}
	if f.AreaID != 0 {
		where, args = append(where, "r.area_id = ?"), append(args, f.AreaID)
	}
	if !f.CreatedBefore.IsZero() {
		where, args = append(where, "h.created_at < ?"), append(args, ms(f.CreatedBefore))
	}
	if !f.NeededBefore.IsZero() {
		where, args = append(where, "h.needed_by < ?"), append(args, ms(f.NeededBefore))
	}
	limit := opts.PageSize()
	key := helpListKey{status: f.Status, category: f.Category, station: f.StationID, area: f.AreaID, cursor: opts.Cursor, limit: limit, mine: f.Mine}
	if f.Mine || scope != guli.ListAll {
		key.reader = me.ID // a list of one's own, or of one's stations
	}
	if !f.CreatedBefore.IsZero() {
		key.before = ms(f.CreatedBefore)
	}
	if !f.NeededBefore.IsZero() {
		key.needed = ms(f.NeededBefore)
	}
	page, err = s.lists.get(ctx, s.db, key, func(ctx context.Context) (guli.Page[*guli.HelpRequest], error) {
		if f.StationID != 0 {
			readsStation(ctx, f.StationID) // the requests are the station's (h.station_id = ?)
		}
		var page guli.Page[*guli.HelpRequest]
		var err error
		page.Items, err = list(ctx, s.db.read(), scanHelp,
			"SELECT "+helpColumns+helpFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY h.id DESC LIMIT ?", append(args, limit+1)...)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		for _, h := range page.Items {
			h.RequesterPhone, h.FamilyPhone = "", ""
		}
		return trim(page, limit, func(h *guli.HelpRequest) []string { return []string{h.ID.String()} }), nil
	})
	if err != nil {
		return page, err
	}
	// Lists are kept for many readers: a child is hidden from each on the
	// way out, on a copy (HelpRequest.ShownTo).
	now := s.db.now()
	shown := page
	shown.Items = make([]*guli.HelpRequest, len(page.Items))
	for i, h := range page.Items {
		shown.Items[i] = h.ShownTo(me, false, now)
	}
	return shown, nil
}

// change locks a request, lets decide check it against the actor and
// write the change, and returns the request as it then is. Someone it is
// not visible to is answered as if there were none: not theirs to know
// of, let alone act on.
func (s *Help) change(ctx context.Context, id guli.ID, decide func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error) (*guli.HelpRequest, error) {
	return lockedChange(ctx, s.db, "help_requests", id, s.load, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if !h.VisibleTo(actor) {
			return hidden()
		}
		return decide(q, h, actor, now)
	})
}

// changeByVolunteer is change for what the claimer does (claim, release,
// mark done): they read a child who asked without a name.
func (s *Help) changeByVolunteer(ctx context.Context, id guli.ID, decide func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error) (*guli.HelpRequest, error) {
	h, err := s.change(ctx, id, decide)
	if err != nil {
		return nil, err
	}
	return h.ShownTo(guli.UserFromContext(ctx), false, s.db.now()), nil
}

// changeForRequester is change for what a guardian may do on their
// dependent's request (confirm it, withdraw it): under an active link
// (actingFor locks it) the guardian decides as the requester would, and
// the act is audited as theirs, which an adult dependent reads; told is
// the kind of notification that tells such a dependent.
func (s *Help) changeForRequester(ctx context.Context, id guli.ID, action, told string, decide func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error) (*guli.HelpRequest, error) {
	return lockedChange(ctx, s.db, "help_requests", id, s.load, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if actor.ID != h.RequesterID && !actor.WorksAt(h.StationID) {
			acting, err := actingFor(ctx, q, actor, h.RequesterID)
			if err != nil && !isNotFound(err) {
				return err
			}
			if acting == guli.ActsAsGuardian {
				as := *actor
				as.ID = h.RequesterID
				if err := decide(q, h, &as, now); err != nil {
					return err
				}
				if err := audit(ctx, q, now, actor, "help."+action+"_by_family", h.RequesterID, h.ID.String()); err != nil {
					return err
				}
				return tellDependent(ctx, q, now, actor, h.RequesterID, told, helpParams(h))
			}
		}
		if !h.VisibleTo(actor) {
			return hidden()
		}
		return decide(q, h, actor, now)
	})
}

// lockedChange locks the row id of table for the signed-in actor, loads
// it, lets decide check and change it, and returns it as it then is: the
// state a change decides on is the state it writes.
func lockedChange[T any](ctx context.Context, db *DB, table string, id guli.ID, load func(context.Context, runner, guli.ID) (T, error),
	decide func(q runner, v T, actor *guli.User, now time.Time) error) (T, error) {
	var out T
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return out, err
	}
	err = db.tx(ctx, func(q runner) error {
		var locked int64
		if err := q.row(ctx, "SELECT id FROM "+table+" WHERE id = ?"+q.d.forUpdate(), id).Scan(&locked); err != nil {
			return notFound(err)
		}
		v, err := load(ctx, q, id)
		if err != nil {
			return err
		}
		if err := decide(q, v, actor, db.now()); err != nil {
			return err
		}
		out, err = load(ctx, q, id)
		return err
	})
	return out, err
}

// reclaim is the throttle of a volunteer taking back a request they gave
// back: every claim and release tells the requester.
func reclaim(volunteer, request guli.ID) limited {
	return limited{guli.ThrottleReclaim, volunteer.String() + ":" + request.String()}
}

// Claim takes an open request: one volunteer at a time, and one who gave
// it back often waits before taking it again.
func (s *Help) Claim(ctx context.Context, id guli.ID) (*guli.HelpRequest, error) {
	return s.changeByVolunteer(ctx, id, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if err := h.CheckClaim(actor); err != nil {
			return err
		}
		// A volunteer whose account closed while this request was on its
		// way must not leave a request claimed by nobody who can do it.
		closed, err := lockPerson(ctx, q, actor.ID)
		if err != nil {
			return err
		}
		if closed {
			return guli.Errorf(guli.ECAccountClosed)
		}
		if err := waitFor(ctx, q, reclaim(actor.ID, id), now); err != nil {
			return err // the request's row is locked: its claims wait for each other
		}
		if _, err := q.in(h.StationID).exec(ctx, "UPDATE help_requests SET status = ?, volunteer_id = ?, claimed_at = ? WHERE id = ?", guli.HelpClaimed, actor.ID, ms(now), id); err != nil {
			return err
		}
		return notifyHelp(ctx, q, now, h.RequesterID, guli.NotifyHelpClaimed, h, actor.Name)
	})
}

// Release gives a claimed request back to the open list.
func (s *Help) Release(ctx context.Context, id guli.ID) (*guli.HelpRequest, error) {
	return s.changeByVolunteer(ctx, id, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if err := h.CheckRelease(actor); err != nil {
			return err
		}
		if _, err := q.in(h.StationID).exec(ctx, "UPDATE help_requests SET status = ?, volunteer_id = NULL, claimed_at = NULL WHERE id = ?", guli.HelpOpen, id); err != nil {
			return err
		}
		if _, err := fail(ctx, q, reclaim(actor.ID, id), now); err != nil {
			return err
		}
		return notifyHelp(ctx, q, now, h.RequesterID, guli.NotifyHelpReleased, h, h.Volunteer)
	})
}

// Done records that the claimer did the service, and how long it took.
func (s *Help) Done(ctx context.Context, id guli.ID, minutes int) (*guli.HelpRequest, error) {
	return s.changeByVolunteer(ctx, id, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if err := h.CheckDone(actor, minutes); err != nil {
			return err
		}
		if _, err := q.in(h.StationID).exec(ctx, "UPDATE help_requests SET status = ?, minutes = ?, done_at = ? WHERE id = ?", guli.HelpDone, minutes, ms(now), id); err != nil {
			return err
		}
		h.Minutes = minutes
		return notifyHelp(ctx, q, now, h.RequesterID, guli.NotifyHelpDone, h, h.Volunteer)
	})
}

// Confirm closes a done request, by the requester or staff of its station,
// and credits the volunteer its minutes, once: from the station's fund, or
// from the requester's own balance when they choose to pay.
func (s *Help) Confirm(ctx context.Context, id guli.ID, in guli.ConfirmInput) (*guli.HelpRequest, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.changeForRequester(ctx, id, "confirm", guli.NotifyFamilyHelpConfirmed, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if err := h.CheckConfirm(actor, in); err != nil {
			return err
		}
		if _, err := q.in(h.StationID).exec(ctx, "UPDATE help_requests SET status = ?, rating = ?, comment = ?, confirmed_at = ? WHERE id = ?",
			guli.HelpConfirmed, in.Rating, in.Comment, ms(now), id); err != nil {
			return err
		}
		if err := bumpCounter(ctx, q, confirmedCounter(h.StationID)); err != nil {
			return err
		}
		pay := movement{minutes: h.Minutes, fromKind: guli.EntryIssued, toKind: guli.EntryEarned, memo: h.Title, help: h.ID}
		var err error
		if in.PayFromBalance {
			pay.fromKind = guli.EntryTransferOut
			pay.from, pay.to, err = personalAccounts(ctx, q, h.RequesterID, h.VolunteerID)
		} else if pay.from, err = stationFund(ctx, q, h.StationID); err == nil {
			pay.to, err = personalAccount(ctx, q, h.VolunteerID)
		}
		if err != nil {
			return err
		}
		if _, err := move(ctx, q, now, pay); err != nil {
			return err
		}
		if err := notifyHelp(ctx, q, now, h.VolunteerID, guli.NotifyHelpConfirmed, h, requesterAsToldTo(h, now)); err != nil {
			return err
		}
		if actor.ID != h.RequesterID {
			return audit(ctx, q, now, actor, "help.confirm_on_behalf", h.RequesterID, h.ID.String())
		}
		return nil
	})
}

// CancelHelp withdraws a request that is not done yet; staff who withdraw
// someone's request are audited.
func (s *Help) CancelHelp(ctx context.Context, id guli.ID) (*guli.HelpRequest, error) {
	return s.changeForRequester(ctx, id, "cancel", guli.NotifyFamilyHelpCancelled, func(q runner, h *guli.HelpRequest, actor *guli.User, now time.Time) error {
		if err := h.CheckCancel(actor); err != nil {
			return err
		}
		if _, err := q.in(h.StationID).exec(ctx, "UPDATE help_requests SET status = ? WHERE id = ?", guli.HelpCancelled, id); err != nil {
			return err
		}
		if h.VolunteerID != 0 {
			if err := notifyHelp(ctx, q, now, h.VolunteerID, guli.NotifyHelpCancelled, h, requesterAsToldTo(h, now)); err != nil {
				return err
			}
		}
		if actor.ID != h.RequesterID {
			return audit(ctx, q, now, actor, "help.cancel_on_behalf", h.RequesterID, h.ID.String())
		}
		return nil
	})
}

// notifyHelp tells userID of a change of h that person made.
func notifyHelp(ctx context.Context, q runner, now time.Time, userID guli.ID, kind string, h *guli.HelpRequest, person string) error {
	p := helpParams(h)
	p.Person = person
	return notify(ctx, q, now, userID, kind, p)
}

// helpParams are what a notification of h names.
func helpParams(h *guli.HelpRequest) guli.NotificationParams {
	return guli.NotificationParams{HelpID: h.ID, HelpTitle: h.Title, Minutes: h.Minutes}
}

// requesterAsToldTo names the requester in what volunteers are told: ""
// for a child, whom the message calls "a child" (HelpRequest.ShownTo).
func requesterAsToldTo(h *guli.HelpRequest, now time.Time) string {
	return h.ShownTo(nil, false, now).Requester
}

// tellFitting tells the volunteers who fit a new request best of it, each
// at most guli.FitsPerDay times a day.
func (s *Help) tellFitting(ctx context.Context, q runner, h *guli.HelpRequest, now time.Time) error {
	best, err := s.match.rank(ctx, q, h, h.CreatedAt.Location(), now, 0) // warmed before the transaction
	if err != nil {
		return err
	}
	// What each was told today is counted under a lock on them, taken in
	// the order of their ids, so requests asked at once wait for each
	// other rather than each counting the same.
	ids := make([]guli.ID, len(best))
	for i, c := range best {
		ids[i] = c.UserID
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := q.lock(ctx, "guli:fits:"+id.String()); err != nil {
			return err
		}
	}
	told := 0
	for _, c := range best {
		if told == guli.TellFitting {
			break
		}
		var n int
		if err := q.row(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ? AND created_at >= ?",
			c.UserID, guli.NotifyHelpFits, ms(guli.FitsSince(now))).Scan(&n); err != nil {
			return err
		}
		if !guli.MayTellFit(n) {
			continue
		}
		if err := notifyHelp(ctx, q, now, c.UserID, guli.NotifyHelpFits, h, requesterAsToldTo(h, now)); err != nil {
			return err
		}
		told++
	}
	return nil
}
