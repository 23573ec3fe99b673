package ui

import (
	"net/http"
	"slices"

	"guli"
	"guli/web/core"
)

// The volunteer's profile (我能帮什么): what they can help with, where and
// when, in a few ticks. Matching suggests them for requests from it.

// dayParts are the parts of a day a volunteer ticks as free.
var dayParts = []struct {
	key  string
	span guli.Span
}{
	{"morning", guli.Span{From: 8 * 60, To: 12 * 60}},
	{"afternoon", guli.Span{From: 13 * 60, To: 17 * 60}},
	{"evening", guli.Span{From: 18 * 60, To: 21 * 60}},
}

// choice is one tick box of the profile form.
type choice struct {
	Name, Value, Label string
	Checked            bool
}

type volunteerData struct {
	Skills, Areas []choice
	Days          []volunteerDay
}

// volunteerPage is the page's data: the form's ticks and errors. Key, set
// when nothing went wrong, keeps the form (View.Part) by its owner and the
// station whose areas it offers; the data version covers the profile.
type volunteerPage struct {
	D      volunteerData
	Errors map[string]string
	Key    string
}

type volunteerDay struct {
	Label string
	Parts []choice
}

// volunteerForm is the form's ticks for vp, in v's language, with the areas
// of v's station.
func volunteerForm(vp *guli.VolunteerProfile, v *core.View) volunteerData {
	lang, station := v.T, v.Station
	var d volunteerData
	for _, s := range guli.HelpCategories {
		d.Skills = append(d.Skills, choice{"skill", s, lang("helpcat." + s), slices.Contains(vp.Skills, s)})
	}
	if station != nil {
		for _, a := range station.Areas {
			d.Areas = append(d.Areas, choice{"area", a.ID.String(), a.Name, slices.Contains(vp.AreaIDs, a.ID)})
		}
	}
	for i, day := range guli.Weekdays {
		vd := volunteerDay{Label: lang("weekday." + day)}
		for _, p := range dayParts {
			vd.Parts = append(vd.Parts, choice{"free", day + "-" + p.key, lang("daypart." + p.key), slices.Contains(vp.Availability[i], p.span)})
		}
		d.Days = append(d.Days, vd)
	}
	return d
}

// VolunteerProfile shows the volunteer's profile form.
func (h *Handlers) VolunteerProfile(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	if !u.Has(guli.RoleVolunteer) {
		h.RenderError(w, r, http.StatusForbidden)
		return nil
	}
	vp, err := h.Accounts.VolunteerProfile(r.Context(), u.ID)
	if err != nil {
		h.RenderError(w, r, h.FormError(h.NewView(r, "volunteer.title", "me"), err))
		return nil
	}
	v := h.NewView(r, "volunteer.title", "me")
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = v.T("volunteer.saved")
	}
	var station guli.ID
	if v.Station != nil {
		station = v.Station.ID
	}
	v.Data = volunteerPage{D: volunteerForm(vp, v), Key: u.ID.String() + "@" + station.String()}
	h.Render(w, r, http.StatusOK, "volunteer", v)
	return nil
}

// VolunteerProfilePost saves what was ticked.
func (h *Handlers) VolunteerProfilePost(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok || !h.parseForm(w, r) {
		return nil
	}
	in := guli.VolunteerProfileInput{Skills: r.PostForm["skill"], Availability: map[string][]string{}}
	for _, a := range r.PostForm["area"] {
		in.AreaIDs = append(in.AreaIDs, guli.ParseID(a))
	}
	for _, day := range guli.Weekdays {
		for _, p := range dayParts {
			if slices.Contains(r.PostForm["free"], day+"-"+p.key) {
				in.Availability[day] = append(in.Availability[day], p.span.String())
			}
		}
	}
	if _, err := h.Accounts.SetVolunteerProfile(r.Context(), in); err != nil {
		v := h.NewView(r, "volunteer.title", "me")
		status := h.FormError(v, err)
		vp, _ := in.Validate() // show what was ticked, as far as it reads
		if vp == nil {
			vp = &guli.VolunteerProfile{}
		}
		vp.UserID = u.ID
		v.Data = volunteerPage{D: volunteerForm(vp, v), Errors: v.Errors}
		h.Render(w, r, status, "volunteer", v)
		return nil
	}
	http.Redirect(w, r, "/me/volunteer?saved=1", http.StatusSeeOther)
	return nil
}
