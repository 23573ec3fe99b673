package ui

import (
	"context"
	"net/http"
	"net/url"

	"guli"
	"guli/web/core"
)

// Families at the desk: beside a resident found, the family links they
// have, and for a parent who came in person the staff's confirmation of
// their son's or daughter's request to act for them ("staff confirm at
// the desk"), or its end. The rules are the domain's (MayAnswerLink,
// MayEndLink); the store decides again and audits what staff do.

// familyRow is one of a resident's family links as the desk shows it.
type familyRow struct {
	Link *guli.FamilyLink
	// Other is the person on the link's other side; Guardian says the
	// resident acts for them, else they act for the resident.
	Other    *guli.User
	Guardian bool
	// Accept and End are the buttons staff may press.
	Accept, End bool
}

// familyRows loads the family links of the people found, for the rows
// of residentRows; a failure shows above the form.
func (h *Handlers) familyRows(r *http.Request, v *core.View, found []*guli.User) map[guli.ID][]familyRow {
	if len(found) == 0 || v.User == nil {
		return nil
	}
	people := make([]guli.ID, len(found))
	byID := map[guli.ID]*guli.User{}
	for i, u := range found {
		people[i], byID[u.ID] = u.ID, u
	}
	links, err := h.Families.LinksOf(r.Context(), people)
	if err != nil {
		h.FormError(v, err)
		return nil
	}
	out := map[guli.ID][]familyRow{}
	for _, l := range links {
		for _, side := range []struct {
			person   guli.ID
			other    *guli.User
			guardian bool
		}{{l.GuardianID, l.Dependent, true}, {l.DependentID, l.Guardian, false}} {
			if byID[side.person] == nil {
				continue
			}
			row := familyRow{Link: l, Other: side.other, Guardian: side.guardian}
			row.Accept = l.Status == guli.LinkPending && guli.MayAnswerLink(v.User, l, l.Dependent)
			row.End = guli.MayEndLink(v.User, l, l.Dependent)
			out[side.person] = append(out[side.person], row)
		}
	}
	return out
}

// DeskLinkAccept is the staff's confirmation, for the parent at the desk,
// of a request to act for them.
func (h *Handlers) DeskLinkAccept(w http.ResponseWriter, r *http.Request) error {
	return h.deskLinkStep(w, r, "link_accepted", func(ctx context.Context, id guli.ID) error {
		_, err := h.Families.AcceptLink(ctx, id)
		return err
	})
}

// DeskLinkEnd ends a family link at the desk.
func (h *Handlers) DeskLinkEnd(w http.ResponseWriter, r *http.Request) error {
	return h.deskLinkStep(w, r, "link_ended", h.Families.EndLink)
}

// deskLinkStep does one step on a link and goes back to the resident's
// row in the search it came from (q, resident). Someone else's link, or
// one that has ended, is a page not found, as to the API.
func (h *Handlers) deskLinkStep(w http.ResponseWriter, r *http.Request, notice string, do func(context.Context, guli.ID) error) error {
	if _, ok := h.requireStaff(w, r); !ok || !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	if id <= 0 {
		h.RenderError(w, r, http.StatusNotFound) // no link has that id
		return nil
	}
	if err := do(r.Context(), id); err != nil {
		h.RenderErrorOf(w, r, err)
		return nil
	}
	to := "/desk/residents?q=" + url.QueryEscape(r.PostForm.Get("q"))
	if resident := guli.ParseID(r.PostForm.Get("resident")); resident > 0 {
		to += "#resident-" + resident.String()
	}
	back(w, r, to, notice)
	return nil
}
