package ui

import (
	"net/http"
	"strings"

	"guli"
	"guli/web/core"
)

// Pages of the councils (议事会): the station's councils, and a council's
// page with its members for staff, leading on to its meetings, proposals
// and polls. What may be done is what the domain says (Council.CheckRun).

type councilsData struct {
	Councils []*guli.Council
	Staff    bool // the reader runs the station's councils: the form to set one up
	Kinds    []string
}

// CouncilList lists the station's councils.
func (h *Handlers) CouncilList(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "part.councils", "councils")
	d := &councilsData{Kinds: guli.CouncilKinds}
	v.Data = d
	if v.Station != nil {
		d.Staff = v.User.WorksAt(v.Station.ID)
		page, err := h.Councils.Councils(r.Context(), guli.CouncilFilter{StationID: v.Station.ID, ListOptions: guli.ListOptions{Limit: guli.MaxLimit}})
		if err != nil {
			h.FormError(v, err)
		}
		d.Councils = page.Items
	}
	h.Render(w, r, http.StatusOK, "councils", v)
	return nil
}

// NewCouncil sets a council up at the station, from the list's form.
func (h *Handlers) NewCouncil(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "part.councils", "councils")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	c, err := h.Councils.CreateCouncil(r.Context(), guli.CouncilInput{StationID: v.Station.ID, Name: r.PostForm.Get("name"), Kind: r.PostForm.Get("kind")})
	if err != nil {
		v.Form["name"], v.Form["kind"] = r.PostForm.Get("name"), r.PostForm.Get("kind")
		v.Data = &councilsData{Kinds: guli.CouncilKinds, Staff: true}
		status := h.FormError(v, err)
		h.Render(w, r, status, "councils", v)
		return nil
	}
	back(w, r, "/councils/"+c.ID.String(), "council_created")
	return nil
}

type councilPageData struct {
	Council *guli.Council
	Staff   bool // the reader runs it: members and the form to add one
	Member  bool
	Members []*guli.CouncilMember
}

// CouncilPage is a council: what it is, its members for staff and
// members, and the way to its meetings, proposals and polls.
func (h *Handlers) CouncilPage(w http.ResponseWriter, r *http.Request) error {
	h.renderCouncil(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderCouncil(w http.ResponseWriter, r *http.Request, status int, failure error) {
	c, err := h.Councils.Council(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "council.title", "councils")
	d := &councilPageData{Council: c, Staff: c.Runs(v.User)}
	if v.User != nil {
		d.Member, _ = h.Councils.IsMember(r.Context(), c.ID)
	}
	if d.Staff || d.Member {
		d.Members, _ = h.Councils.Members(r.Context(), c.ID)
	}
	v.Form["phone"] = r.PostFormValue("phone")
	if failure != nil {
		status = h.FormError(v, failure)
	}
	v.Data = d
	h.Render(w, r, status, "council", v)
}

// AddCouncilMember adds the resident of the phone number staff typed.
func (h *Handlers) AddCouncilMember(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	phone := guli.NormalizePhone(r.PostForm.Get("phone"))
	var person guli.ID
	if guli.ValidPhone(phone) {
		if found, err := h.Accounts.FindUsers(r.Context(), phone, guli.ListOptions{Limit: 2}); err == nil {
			for _, u := range found.Items {
				if u.Phone == phone {
					person = u.ID
				}
			}
		}
	}
	var err error
	switch {
	case !guli.ValidPhone(phone):
		err = guli.Invalid("phone", guli.FRInvalidPhone)
	case person == 0:
		err = guli.Invalid("phone", guli.FRUnknownPhone)
	default:
		err = h.Councils.AddMember(r.Context(), id, person)
		if e := guli.AsError(err); e.Code == guli.ECValidation && e.Fields["user_id"] != "" {
			err = guli.Invalid("phone", e.Fields["user_id"])
		}
	}
	if err != nil && guli.ErrorCode(err) != guli.ECAlreadyMember {
		h.renderCouncil(w, r, 0, err)
		return nil
	}
	back(w, r, "/councils/"+id.String(), "member_added")
	return nil
}

// RemoveCouncilMember ends a membership from the council's page.
func (h *Handlers) RemoveCouncilMember(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	if err := h.Councils.RemoveMember(r.Context(), id, guli.ParseID(strings.TrimSpace(r.PostForm.Get("user_id")))); err != nil {
		h.renderCouncil(w, r, 0, err)
		return nil
	}
	back(w, r, "/councils/"+id.String(), "member_removed")
	return nil
}
