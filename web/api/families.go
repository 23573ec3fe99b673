package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// familyMember is a person on the other side of one's family link: a
// dependent in /me/dependents, a guardian in /me/guardians. id is the
// person's; link_id the link's, which /links/{id} accept and end.
type familyMember struct {
	ID        core.WireID  `json:"id"`
	Name      string       `json:"name"`
	BirthYear *int         `json:"birth_year"`
	AreaID    *core.WireID `json:"area_id,omitempty"`
	Phone     *string      `json:"phone"` // masked; null without a phone
	Relation  string       `json:"relation"`
	Status    string       `json:"status"`
	LinkID    core.WireID  `json:"link_id"`
	// Kept says the person has no account of their own.
	Kept bool `json:"kept"`
	// ConsentAt is when the guardian consented for a child under 14.
	ConsentAt *time.Time `json:"consent_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func viewFamilyMember(l *guli.FamilyLink, u *guli.User) familyMember {
	v := familyMember{ID: core.WireID(u.ID), Name: u.Name, AreaID: core.OptionalWireID(u.AreaID), Relation: l.Relation,
		Status: l.Status, LinkID: core.WireID(l.ID), Kept: l.Kept, CreatedAt: l.CreatedAt.In(core.DefaultZone)}
	if u.BirthYear != 0 {
		year := u.BirthYear
		v.BirthYear = &year
	}
	if u.Phone != "" {
		masked := guli.MaskPhone(u.Phone)
		v.Phone = &masked
	}
	if !l.ConsentAt.IsZero() {
		at := l.ConsentAt.In(core.DefaultZone)
		v.ConsentAt = &at
	}
	return v
}

// AddDependent adds a person without an account, kept by the signed-in
// resident (their consent recorded for a child under 14).
func (h *Handlers) AddDependent(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Name      string      `json:"name"`
		BirthYear int         `json:"birth_year"`
		Relation  string      `json:"relation"`
		AreaID    core.WireID `json:"area_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	l, err := h.Families.AddDependent(r.Context(), guli.DependentInput{Name: body.Name, BirthYear: body.BirthYear,
		Relation: body.Relation, AreaID: guli.ID(body.AreaID)})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewFamilyMember(l, l.Dependent), nil
}

func (h *Handlers) ListDependents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	links, err := h.Families.Dependents(r.Context())
	return listOf(guli.Page[*guli.FamilyLink]{Items: links}, err, func(l *guli.FamilyLink) familyMember {
		return viewFamilyMember(l, l.Dependent)
	})
}

func (h *Handlers) ListGuardians(w http.ResponseWriter, r *http.Request) (int, any, error) {
	links, err := h.Families.Guardians(r.Context())
	return listOf(guli.Page[*guli.FamilyLink]{Items: links}, err, func(l *guli.FamilyLink) familyMember {
		return viewFamilyMember(l, l.Guardian)
	})
}

// linkView is a link as its requests answer it.
type linkView struct {
	ID          core.WireID `json:"id"`
	Status      string      `json:"status"`
	GuardianID  core.WireID `json:"guardian_id"`
	DependentID core.WireID `json:"dependent_id"`
	Relation    string      `json:"relation"`
}

func viewLink(l *guli.FamilyLink) linkView {
	return linkView{ID: core.WireID(l.ID), Status: l.Status, GuardianID: core.WireID(l.GuardianID),
		DependentID: core.WireID(l.DependentID), Relation: l.Relation}
}

// RequestLink asks the account with a phone number to let the signed-in
// person act for them.
func (h *Handlers) RequestLink(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Phone string `json:"phone"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	l, err := h.Families.RequestLink(r.Context(), body.Phone)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewLink(l), nil
}

func (h *Handlers) AcceptLink(w http.ResponseWriter, r *http.Request) (int, any, error) {
	l, err := h.Families.AcceptLink(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewLink(l), nil
}

func (h *Handlers) EndLink(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Families.EndLink(r.Context(), core.PathID(r, "id")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
