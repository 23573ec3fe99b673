package ui

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"guli"
	"guli/web/core"
)

// Pages of the incubator (社区孵化器): the station's teams by kind, a
// team's page (a studio's is its talent's introduction, members and
// upcoming classes), the desk's page to start teams and decide
// nominations, and the committees' form to nominate a talent. What may be
// done is what the domain says (Team.CheckAddMember, CheckNominate and the
// rest), the rules the API answers by.

// teamCard is one team in the station's list; cards are kept (View.Part)
// under Key, the team's row and its leaders.
type teamCard struct {
	*guli.Team
	Leaders                 string
	Excerpt                 string
	ThumbWidth, ThumbHeight int // of the photo's thumbnail, when it has one
	Key                     string
}

// teamExcerpt is how much of a team's introduction its card shows.
const teamExcerpt = 80

type teamGroup struct {
	Kind  string
	Cards []teamCard
}

type teamsData struct {
	Groups []teamGroup
	Chips  []chip
	Kind   string
	Staff  bool   // the reader works at the station: the desk's link
	Files  bool   // the reader may nominate a talent
	More   string // the link to the next page of teams, "" on the last
}

// TeamList is the station's teams, grouped by kind, or of one kind.
func (h *Handlers) TeamList(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "part.teams", "teams")
	d := &teamsData{}
	v.Data = d
	if v.Station == nil {
		h.Render(w, r, http.StatusOK, "teams", v)
		return nil
	}
	if k := r.URL.Query().Get("kind"); slices.Contains(guli.TeamKinds, k) {
		d.Kind = k
	}
	d.Chips = append(d.Chips, chip{Href: "/teams", Label: v.T("category.all"), Current: d.Kind == ""})
	for _, k := range guli.TeamKinds {
		d.Chips = append(d.Chips, chip{Href: "/teams?kind=" + k, Label: v.T("teamkind." + k), Current: k == d.Kind})
	}
	d.Staff = v.User.WorksAt(v.Station.ID)
	d.Files = d.Staff || h.sitsOnCommittee(r, v)
	page, err := h.Teams.Teams(r.Context(), guli.TeamFilter{StationID: v.Station.ID, Kind: d.Kind,
		ListOptions: guli.ListOptions{Limit: guli.MaxLimit, Cursor: r.URL.Query().Get("cursor")}})
	if err != nil {
		h.FormError(v, err)
	}
	if page.NextCursor != "" {
		more := url.Values{"cursor": {page.NextCursor}}
		if d.Kind != "" {
			more.Set("kind", d.Kind)
		}
		d.More = "/teams?" + more.Encode()
	}
	for _, k := range guli.TeamKinds {
		g := teamGroup{Kind: k}
		for _, t := range page.Items {
			if t.Kind != k {
				continue
			}
			c := teamCard{Team: t, Leaders: strings.Join(t.LeaderNames, "、"), Excerpt: guli.Excerpt(t.Description, teamExcerpt)}
			c.ThumbWidth, c.ThumbHeight = guli.FitWithin(t.PhotoWidth, t.PhotoHeight, guli.ThumbLongSide)
			c.Key = strings.Join([]string{t.ID.String(), t.Name, t.Description, c.Leaders, itoa(t.MemberCount), t.PhotoID.String()}, "\x1f")
			g.Cards = append(g.Cards, c)
		}
		if len(g.Cards) > 0 {
			d.Groups = append(d.Groups, g)
		}
	}
	h.Render(w, r, http.StatusOK, "teams", v)
	return nil
}

// sitsOnCommittee reports whether the reader is in a committee team of
// the station, and so may nominate talents.
func (h *Handlers) sitsOnCommittee(r *http.Request, v *core.View) bool {
	if v.User == nil || v.Station == nil {
		return false
	}
	mine, err := h.Teams.MyTeams(r.Context())
	if err != nil {
		return false
	}
	return slices.ContainsFunc(mine, func(t *guli.Team) bool { return t.StationID == v.Station.ID && t.Kind == guli.TeamCommittee })
}

type teamPageData struct {
	Team    *guli.Team
	Leaders string
	Classes []*guli.Activity
	Manages bool // the reader may add and remove members
	Staff   bool // the reader may name leaders
	Removes map[guli.ID]bool
	Members []guli.TeamMember
	Roles   []string // the roles staff may give
}

// TeamPage is one team: what it is, who leads it, its members by name and
// the classes its leaders hold next, each with its sign-up.
func (h *Handlers) TeamPage(w http.ResponseWriter, r *http.Request) error {
	h.renderTeam(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderTeam(w http.ResponseWriter, r *http.Request, status int, failure error) {
	t, err := h.Teams.Team(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "teams.team_title", "teams")
	d := &teamPageData{Team: t, Leaders: strings.Join(t.LeaderNames, "、"), Manages: t.Manages(v.User), Staff: v.User.WorksAt(t.StationID),
		Members: t.Members, Removes: map[guli.ID]bool{}, Roles: []string{guli.TeamMemberRole, guli.TeamLeaderRole}}
	if d.Manages {
		for _, m := range t.Members {
			d.Removes[m.UserID] = t.CheckRemoveMember(v.User, m.UserID) == nil
		}
	}
	classes, err := h.Teams.UpcomingClasses(r.Context(), t.ID, 10)
	if err != nil {
		v.ReadFailed()
	}
	for _, a := range classes {
		if v.User != nil { // the reader's own place on it
			if mine, err := h.Activities.Activity(r.Context(), a.ID); err == nil {
				a = mine
			}
		}
		d.Classes = append(d.Classes, a)
	}
	for _, f := range []string{"phone", "role"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if v.Form["role"] == "" {
		v.Form["role"] = guli.TeamMemberRole
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.RenameErrors(map[string]string{"photo_id": "photo"})
	}
	v.Data = d
	h.Render(w, r, status, "team", v)
}

// teamPhotoParts bounds the parts of the photo form read before its photo.
const teamPhotoParts = 4

// TeamPhotoPost sets the team's photo from the team's page: a multipart
// form whose photo is uploaded as it arrives and made the team's, in place
// of the one it had; or a plain form with "remove", which takes the photo
// away. Who may is asked before a byte of the photo is read, so nobody
// spends their uploads on a team they may not change.
func (h *Handlers) TeamPhotoPost(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	id := core.PathID(r, "id")
	t, err := h.Teams.Team(r.Context(), id)
	if err == nil {
		err = t.CheckManage(u)
	}
	if err != nil {
		h.renderTeam(w, r, 0, err)
		return nil
	}
	var photo guli.ID // 0 takes the photo away
	notice := "team_photo_removed"
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if photo, err = h.uploadTeamPhoto(r, t); err != nil {
			h.renderTeam(w, r, 0, err)
			return nil
		}
		notice = "team_photo_set"
	} else {
		if !h.parseForm(w, r) {
			return nil
		}
		if r.PostForm.Get("remove") == "" {
			h.renderTeam(w, r, 0, guli.Invalid("photo", guli.FRRequired))
			return nil
		}
	}
	if _, err := h.Teams.SetTeamPhoto(r.Context(), id, photo); err != nil {
		h.renderTeam(w, r, 0, err)
		return nil
	}
	back(w, r, "/teams/"+id.String()+"#photo", notice)
	return nil
}

// uploadTeamPhoto uploads the form's photo for the team's station and
// returns it; the form's other parts are passed over unread.
func (h *Handlers) uploadTeamPhoto(r *http.Request, t *guli.Team) (guli.ID, error) {
	form, err := r.MultipartReader()
	if err != nil {
		return 0, guli.Invalid("photo", guli.FRInvalid)
	}
	for range teamPhotoParts {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, formReadError(err)
		}
		if part.FormName() != "photo" || part.FileName() == "" {
			continue
		}
		p, err := h.Photos.Upload(r.Context(), t.StationID, part)
		if err != nil {
			return 0, photoFieldError(err)
		}
		return p.ID, nil
	}
	return 0, guli.Invalid("photo", guli.FRRequired)
}

// AddTeamMemberPost adds the person of a phone number to the team.
func (h *Handlers) AddTeamMemberPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	if _, err := h.Teams.AddMember(r.Context(), id, guli.MemberInput{Phone: r.PostForm.Get("phone"), Role: r.PostForm.Get("role")}); err != nil {
		h.renderTeam(w, r, 0, err)
		return nil
	}
	back(w, r, "/teams/"+id.String()+"#members", "member_added")
	return nil
}

// RemoveTeamMemberPost takes a member out of the team.
func (h *Handlers) RemoveTeamMemberPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	if err := h.Teams.RemoveMember(r.Context(), id, core.PathID(r, "user_id")); err != nil {
		h.renderTeam(w, r, 0, err)
		return nil
	}
	back(w, r, "/teams/"+id.String()+"#members", "member_removed")
	return nil
}

type deskTeamsData struct {
	Kinds       []string
	Teams       []*guli.Team
	Nominations []nominationCard // those waiting, then the latest decided
	Next        string           // the cursor of older nominations waiting
	// FormKey keeps the form to start a team (View.Keep) while it shows
	// nothing typed and no error; "" renders it afresh.
	FormKey string
}

// deskDecided is how many decided nominations the desk shows, after
// every one that waits: however many are filed, none waiting drops off.
const deskDecided = 20

// nominationCard is one nomination on the desk; cards are kept
// (View.Part) under Key: the nomination's row and whether it is the
// reader's own, which they may not decide.
type nominationCard struct {
	*guli.Nomination
	Own bool
	Key string
}

// PartKey keeps the card (core.Keyed).
func (c nominationCard) PartKey() string { return c.Key }

// DeskTeams is the staff's page: start a team, and the nominations that
// wait for a decision, and those decided.
func (h *Handlers) DeskTeams(w http.ResponseWriter, r *http.Request) error {
	h.renderDeskTeams(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderDeskTeams(w http.ResponseWriter, r *http.Request, status int, failure error) {
	if _, ok := h.requireStaff(w, r); !ok {
		return
	}
	v := h.NewView(r, "teams.desk_title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	d := &deskTeamsData{Kinds: guli.TeamKinds}
	if page, err := h.Teams.Teams(r.Context(), guli.TeamFilter{StationID: v.Station.ID, ListOptions: guli.ListOptions{Limit: guli.MaxLimit}}); err == nil {
		d.Teams = page.Items
	} else {
		v.ReadFailed()
	}
	cursor := r.URL.Query().Get("cursor")
	if len(cursor) > 512 {
		cursor = ""
	}
	waiting, err := h.Teams.Nominations(r.Context(), v.Station.ID, guli.NominationPending, guli.ListOptions{Limit: guli.MaxLimit, Cursor: cursor})
	if guli.ErrorCode(err) == guli.ECValidation { // a cursor of nonsense: the first page
		cursor = ""
		waiting, err = h.Teams.Nominations(r.Context(), v.Station.ID, guli.NominationPending, guli.ListOptions{Limit: guli.MaxLimit})
	}
	if err != nil {
		v.ReadFailed()
	}
	nominations := waiting.Items
	d.Next = waiting.NextCursor
	if cursor == "" {
		var decided []*guli.Nomination
		for _, status := range []string{guli.NominationApproved, guli.NominationDeclined} {
			page, err := h.Teams.Nominations(r.Context(), v.Station.ID, status, guli.ListOptions{Limit: deskDecided})
			if err != nil {
				v.ReadFailed()
			}
			decided = append(decided, page.Items...)
		}
		slices.SortFunc(decided, func(a, b *guli.Nomination) int { return cmp.Compare(b.ID, a.ID) })
		nominations = append(nominations, decided[:min(len(decided), deskDecided)]...)
	}
	for _, n := range nominations {
		own := n.NomineeID == v.User.ID
		d.Nominations = append(d.Nominations, nominationCard{Nomination: n, Own: own, Key: n.ID.String() + "\x1f" + strconv.FormatBool(own)})
	}
	for _, f := range []string{"name", "kind", "description", "phone"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if v.Form["kind"] == "" {
		v.Form["kind"] = guli.TeamStudio
	}
	if failure != nil {
		status = h.FormError(v, failure)
	} else if r.Method == http.MethodGet {
		d.FormKey = "new"
	}
	v.Data = d
	h.Render(w, r, status, "desk_teams", v)
}

// DeskTeamsPost starts a team; a leader is named by phone.
func (h *Handlers) DeskTeamsPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	station := h.NewView(r, "teams.desk_title", "desk").Station
	if station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	in := guli.TeamInput{StationID: station.ID, Name: r.PostForm.Get("name"), Kind: r.PostForm.Get("kind"), Description: r.PostForm.Get("description")}
	if phone := guli.NormalizePhone(r.PostForm.Get("phone")); phone != "" {
		leader, err := h.Accounts.FindUsers(r.Context(), phone, guli.ListOptions{Limit: 2})
		if err != nil || len(leader.Items) != 1 || leader.Items[0].Phone != phone {
			h.renderDeskTeams(w, r, 0, guli.Invalid("phone", guli.FRUnknownUser))
			return nil
		}
		in.LeaderID = leader.Items[0].ID
	}
	t, err := h.Teams.CreateTeam(r.Context(), in)
	if err != nil {
		if guli.AsError(err).Fields["leader_user_id"] != "" {
			err = guli.Invalid("phone", guli.FRUnknownUser)
		}
		h.renderDeskTeams(w, r, 0, err)
		return nil
	}
	back(w, r, "/teams/"+t.ID.String(), "team_created")
	return nil
}

// ApproveNominationPost and DeclineNominationPost decide a nomination from
// the desk's page.
func (h *Handlers) ApproveNominationPost(w http.ResponseWriter, r *http.Request) error {
	return h.decideNomination(w, r, h.Teams.Approve, "nomination_approved")
}

func (h *Handlers) DeclineNominationPost(w http.ResponseWriter, r *http.Request) error {
	return h.decideNomination(w, r, h.Teams.Decline, "nomination_declined")
}

func (h *Handlers) decideNomination(w http.ResponseWriter, r *http.Request, decide func(ctx context.Context, id guli.ID) (*guli.Nomination, error), notice string) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	if _, err := decide(r.Context(), core.PathID(r, "id")); err != nil {
		switch code := guli.ErrorCode(err); code {
		case guli.ECNotFound, guli.ECForbidden:
			h.RenderError(w, r, core.StatusOf(code))
		default:
			h.renderDeskTeams(w, r, 0, err)
		}
		return nil
	}
	back(w, r, "/desk/teams#nominations", notice)
	return nil
}

type nominateData struct {
	Areas []*guli.Area
}

// NewNomination is the form a committee nominates a talent with: staff of
// the station fill it in for a committee, members of a committee team for
// their own.
func (h *Handlers) NewNomination(w http.ResponseWriter, r *http.Request) error {
	h.renderNominate(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderNominate(w http.ResponseWriter, r *http.Request, status int, failure error) {
	if _, ok := h.requireLogin(w, r); !ok {
		return
	}
	v := h.NewView(r, "teams.nominate_title", "teams")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err := guli.CheckNominate(v.User, v.Station.ID, h.sitsOnCommittee(r, v)); err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	d := &nominateData{Areas: v.Station.Areas}
	for _, f := range []string{"area_id", "phone", "skill", "reason"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if failure != nil {
		status = h.FormError(v, failure)
	}
	v.Data = d
	h.Render(w, r, status, "nominate", v)
}

// NewNominationPost files the nomination.
func (h *Handlers) NewNominationPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	area := guli.ParseID(r.PostForm.Get("area_id"))
	if area < 0 {
		area = 0
	}
	_, err := h.Teams.Nominate(r.Context(), guli.NominationInput{AreaID: area, Phone: r.PostForm.Get("phone"),
		Skill: r.PostForm.Get("skill"), Reason: r.PostForm.Get("reason")})
	if err != nil {
		if code := guli.ErrorCode(err); code == guli.ECForbidden || code == guli.ECNotFound {
			h.RenderError(w, r, core.StatusOf(code))
			return nil
		}
		h.renderNominate(w, r, 0, err)
		return nil
	}
	back(w, r, "/teams", "nomination_filed")
	return nil
}
