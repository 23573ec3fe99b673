package ui

import (
	"net/http"

	"guli"
	"guli/web/core"
)

type familyData struct {
	Dependents, Guardians []*guli.FamilyLink
	Relations             []string
}

// Family is 我的家人: the people one acts for, those who may act for one
// (with a button to accept a request), and forms to add a child or a
// parent without a phone and to ask a parent with an account to link.
func (h *Handlers) Family(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	return h.renderFamily(w, r, http.StatusOK, nil)
}

func (h *Handlers) renderFamily(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	v := h.NewView(r, "family.title", "me")
	deps, err := h.Families.Dependents(r.Context())
	if err != nil {
		return err
	}
	guardians, err := h.Families.Guardians(r.Context())
	if err != nil {
		return err
	}
	v.Data = familyData{Dependents: deps, Guardians: guardians, Relations: guli.Relations}
	for _, f := range []string{"name", "birth_year", "relation", "phone"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if failure != nil {
		status = h.FormError(v, failure)
		if v.Alert == "" {
			v.Alert = v.T("error.validation_failed")
		}
	}
	h.Render(w, r, status, "family", v)
	return nil
}

// FamilyAddDependent adds a child or a person without a phone.
func (h *Handlers) FamilyAddDependent(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	f := r.PostForm
	birth := 0
	if f.Get("birth_year") != "" {
		birth = formInt(f.Get("birth_year"))
	}
	if _, err := h.Families.AddDependent(r.Context(), guli.DependentInput{Name: f.Get("name"), BirthYear: birth, Relation: f.Get("relation")}); err != nil {
		return h.renderFamily(w, r, 0, err)
	}
	back(w, r, "/me/family", "dependent_added")
	return nil
}

// FamilyLink asks the account of a mobile number to let one act for them.
func (h *Handlers) FamilyLink(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	if _, err := h.Families.RequestLink(r.Context(), r.PostForm.Get("phone")); err != nil {
		return h.renderFamily(w, r, 0, err)
	}
	back(w, r, "/me/family", "link_requested")
	return nil
}

// FamilyAccept accepts a request to act for one.
func (h *Handlers) FamilyAccept(w http.ResponseWriter, r *http.Request) error {
	return h.familyStep(w, r, "link_accepted", func() error {
		_, err := h.Families.AcceptLink(r.Context(), core.PathID(r, "id"))
		return err
	})
}

// FamilyEnd ends a link, either side.
func (h *Handlers) FamilyEnd(w http.ResponseWriter, r *http.Request) error {
	return h.familyStep(w, r, "link_ended", func() error { return h.Families.EndLink(r.Context(), core.PathID(r, "id")) })
}

func (h *Handlers) familyStep(w http.ResponseWriter, r *http.Request, notice string, do func() error) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	if err := do(); err != nil {
		if code := guli.ErrorCode(err); code == guli.ECNotFound || code == guli.ECForbidden {
			h.RenderError(w, r, core.StatusOf(code))
			return nil
		}
		return h.renderFamily(w, r, 0, err)
	}
	back(w, r, "/me/family", notice)
	return nil
}
