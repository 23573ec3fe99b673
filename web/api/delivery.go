package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// weComView is a station's group robot: its address masked, never whole.
type weComView struct {
	StationID core.WireID `json:"station_id"`
	On        bool        `json:"on"`
	Webhook   string      `json:"webhook"`
}

func viewWeCom(s *guli.WeComSetting) weComView {
	return weComView{StationID: core.WireID(s.StationID), On: s.Masked != "", Webhook: s.Masked}
}

// deliveryView is a line of a station's delivery log; its time is in
// China's zone.
type deliveryView struct {
	ID             core.WireID  `json:"id"`
	JobID          core.WireID  `json:"job_id"`
	Channel        string       `json:"channel"`
	Target         string       `json:"target"`
	NotificationID *core.WireID `json:"notification_id,omitempty"`
	Status         string       `json:"status"`
	Error          string       `json:"error,omitempty"`
	Attempt        int          `json:"attempt"`
	Final          bool         `json:"final"`
	CreatedAt      time.Time    `json:"created_at"`
}

func viewDelivery(d *guli.Delivery) deliveryView {
	return deliveryView{ID: core.WireID(d.ID), JobID: core.WireID(d.JobID), Channel: d.Channel, Target: d.Target,
		NotificationID: core.OptionalWireID(d.NotificationID), Status: d.Status, Error: d.Error, Attempt: d.Attempt,
		Final: d.Final, CreatedAt: d.At.In(core.DefaultZone)}
}

// WeComWebhook shows the station's robot, masked; staff of the station.
func (h *Handlers) WeComWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	s, err := h.Deliveries.WeComWebhook(r.Context(), core.PathID(r, "id"))
	return ok(view(s, err, viewWeCom))
}

// SetWeComWebhook sets the station's robot address; an empty url turns the
// robot off.
func (h *Handlers) SetWeComWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		URL *string `json:"url"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if body.URL == nil {
		return 0, nil, guli.Invalid("url", guli.FRRequired)
	}
	s, err := h.Deliveries.SetWeComWebhook(r.Context(), core.PathID(r, "id"), *body.URL)
	return ok(view(s, err, viewWeCom))
}

// ListDeliveries lists the station's delivery log, newest first.
func (h *Handlers) ListDeliveries(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Deliveries.Deliveries(r.Context(), core.PathID(r, "id"), opts)
	return listOf(page, err, viewDelivery)
}
