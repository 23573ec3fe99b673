package ui

import (
	"net/http"

	"guli"
	"guli/web/core"
)

type deliveriesData struct {
	WeCom *guli.WeComSetting
	Items []*guli.Delivery
	Next  string
}

// deliveriesView starts the delivery page of the current station, for
// staff; it answers the request itself when it cannot.
func (h *Handlers) deliveriesView(w http.ResponseWriter, r *http.Request) (*core.View, bool) {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil, false
	}
	v := h.NewView(r, "deliveries.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil, false
	}
	return v, true
}

// DeskDeliveries shows the station's group robot (its address masked) with
// the form that sets it, and the log of what was delivered outside the
// app, newest first.
func (h *Handlers) DeskDeliveries(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.deliveriesView(w, r)
	if !ok {
		return nil
	}
	return h.renderDeliveries(w, r, v, http.StatusOK)
}

func (h *Handlers) renderDeliveries(w http.ResponseWriter, r *http.Request, v *core.View, status int) error {
	ctx := r.Context()
	wecom, err := h.Deliveries.WeComWebhook(ctx, v.Station.ID)
	if err != nil {
		return err
	}
	cursor := r.URL.Query().Get("cursor")
	if len(cursor) > 512 {
		cursor = ""
	}
	page, err := h.Deliveries.Deliveries(ctx, v.Station.ID, guli.ListOptions{Cursor: cursor})
	if guli.ErrorCode(err) == guli.ECValidation { // a cursor of nonsense: the first page
		page, err = h.Deliveries.Deliveries(ctx, v.Station.ID, guli.ListOptions{})
	}
	if err != nil {
		return err
	}
	loc := v.Station.Location()
	for _, d := range page.Items {
		d.At = d.At.In(loc)
	}
	v.Data = deliveriesData{WeCom: wecom, Items: page.Items, Next: page.NextCursor}
	h.Render(w, r, status, "deliveries", v)
	return nil
}

// DeskWeComPost sets the station's robot address; an empty one turns it
// off. The address is never shown back, not even after a mistake.
func (h *Handlers) DeskWeComPost(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.deliveriesView(w, r)
	if !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	if _, err := h.Deliveries.SetWeComWebhook(r.Context(), v.Station.ID, r.PostForm.Get("url")); err != nil {
		status := h.FormError(v, err)
		return h.renderDeliveries(w, r, v, status)
	}
	back(w, r, "/desk/deliveries", "saved")
	return nil
}
