package ui

import (
	"net/http"
	"slices"

	"guli"
	"guli/web/core"
)

// The big choice at the top of the timetable, an activity's page and the
// help form: for whom the reader signs up or asks — themself, or one of
// the people they act for under an active link (我的家人, guli.Actable).
// The chosen one's id goes with the page's forms (user_id, on_behalf_of),
// and the services decide again, under a lock, whether the reader may.

// personChip is one person of the choice: a link to the page acting for
// them, or on a form a radio whose value is ID ("" for the reader).
type personChip struct {
	ID, Label, Href string
	Current         bool
}

// actingChoice is the choice of a page: the people, none when the reader
// acts for nobody else, and the one chosen.
type actingChoice struct {
	People []personChip
	For    *guli.User // the dependent chosen; nil: the reader themself
}

// actable is whom the reader may act for besides themself; none when not
// signed in. It is read untracked: no kept part shows the choice, and the
// parts that show the one chosen hold them in their keys
// (View.ActingForKey), as the chrome holds the unread count.
func (h *Handlers) actable(r *http.Request) ([]*guli.User, error) {
	u := guli.UserFromContext(r.Context())
	if u == nil {
		return nil, nil
	}
	ctx := r.Context()
	if h.Changes != nil {
		ctx = h.Changes.Untracked(ctx)
	}
	links, err := h.Families.Dependents(ctx)
	if err != nil {
		return nil, err
	}
	return guli.Actable(u, links), nil
}

// chooseActingFor reads a page's choice and sets the view to act for the
// one chosen. raw is the id chosen (?for=), "" or the reader's own for
// themself; link is the page's address acting for an id ("" for the
// reader). Anyone else answers not_found, as the API does: someone not
// theirs, under a link not yet accepted or ended, or no id at all. A
// visitor, who acts for nobody, gets the page as everyone does.
func (h *Handlers) chooseActingFor(r *http.Request, v *core.View, raw string, link func(id string) string) (actingChoice, error) {
	var c actingChoice
	if v.User == nil {
		return c, nil
	}
	people, err := h.actable(r)
	if err != nil {
		return c, err
	}
	if raw != "" && raw != v.User.ID.String() {
		id := guli.ParseID(raw)
		i := slices.IndexFunc(people, func(p *guli.User) bool { return p.ID == id })
		if i < 0 {
			return c, guli.Errorf(guli.ECNotFound)
		}
		c.For = people[i]
	}
	c.People = peopleChips(v, people, c.For, link)
	v.ActingFor = c.For
	return c, nil
}

// peopleChips are the reader and the people they act for, the one chosen
// current; none when there is nobody else to choose.
func peopleChips(v *core.View, people []*guli.User, chosen *guli.User, link func(id string) string) []personChip {
	if len(people) == 0 {
		return nil
	}
	chips := []personChip{{Label: v.T("acting.myself"), Href: link(""), Current: chosen == nil}}
	for _, p := range people {
		id := p.ID.String()
		chips = append(chips, personChip{ID: id, Label: p.Name, Href: link(id), Current: chosen != nil && chosen.ID == p.ID})
	}
	return chips
}
