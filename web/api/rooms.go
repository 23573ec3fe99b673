package api

import (
	"net/http"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// bookingView is a booking; who booked it and why are shown to them and to
// staff only. Everyone else sees that the room is booked then.
type bookingView struct {
	ID        core.WireID  `json:"id"`
	RoomID    core.WireID  `json:"room_id"`
	UserID    *core.WireID `json:"user_id,omitempty"`
	Start     time.Time    `json:"start"`
	End       time.Time    `json:"end"`
	Purpose   *string      `json:"purpose,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
}

func viewBooking(viewer *guli.User, b *guli.Booking) bookingView {
	v := bookingView{ID: core.WireID(b.ID), RoomID: core.WireID(b.RoomID), Start: b.Start, End: b.End, CreatedAt: b.CreatedAt}
	if guli.SeesBookingPurpose(viewer, b) {
		user := core.WireID(b.UserID)
		v.UserID, v.Purpose = &user, &b.Purpose
	}
	return v
}

// bookingBody is a booking as clients send it.
type bookingBody struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Purpose string `json:"purpose"`
}

func (h *Handlers) Book(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body bookingBody
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	p := guli.Problems{}
	in := guli.BookingInput{Start: wireTime(p, "start", body.Start), End: wireTime(p, "end", body.End), Purpose: body.Purpose}
	if len(p) > 0 {
		return 0, nil, withWireProblems(p, in.Validate())
	}
	b, err := h.Rooms.Book(r.Context(), core.PathID(r, "id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewBooking(guli.UserFromContext(r.Context()), b), nil
}

// timeRange reads ?from= and ?to= (RFC 3339 or a date); absent ends are open.
func timeRange(r *http.Request) (from, to time.Time, err error) {
	p := guli.Problems{}
	for _, tf := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(tf.name); v != "" {
			t, ok := parseTimeOrDate(v)
			if !ok {
				p.Add(tf.name, guli.FRTime)
			}
			*tf.dst = t
		}
	}
	return from, to, p.Err()
}

func (h *Handlers) ListBookings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	from, to, err := timeRange(r)
	if err != nil {
		return 0, nil, err
	}
	items, err := h.Rooms.Bookings(r.Context(), core.PathID(r, "id"), from, to)
	viewer := guli.UserFromContext(r.Context())
	return listOf(guli.Page[*guli.Booking]{Items: items}, err, func(b *guli.Booking) bookingView { return viewBooking(viewer, b) })
}

func (h *Handlers) CancelBooking(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Rooms.CancelBooking(r.Context(), core.PathID(r, "id")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// closureView is a day a station is closed.
type closureView struct {
	StationID core.WireID `json:"station_id"`
	Date      guli.Date   `json:"date"`
	Reason    string      `json:"reason"`
}

func viewClosure(c *guli.Closure) closureView {
	return closureView{StationID: core.WireID(c.StationID), Date: c.Date, Reason: c.Reason}
}

// closureBody is a closure day as clients send it.
type closureBody struct {
	Date   string `json:"date"`
	Reason string `json:"reason"`
}

func (h *Handlers) AddClosure(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b closureBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	in := guli.ClosureInput{Date: guli.Date(strings.TrimSpace(b.Date)), Reason: b.Reason}
	c, err := h.Rooms.AddClosure(r.Context(), core.PathID(r, "id"), in)
	return created(view(c, err, viewClosure))
}

func (h *Handlers) ListClosures(w http.ResponseWriter, r *http.Request) (int, any, error) {
	from := guli.DateOf(h.TimeNow().In(core.DefaultZone))
	if v := r.URL.Query().Get("from"); v != "" {
		d, ok := guli.ParseDate(v)
		if !ok {
			return 0, nil, guli.Invalid("from", guli.FRDate)
		}
		from = d
	}
	items, err := h.Rooms.Closures(r.Context(), core.PathID(r, "id"), from)
	return listOf(guli.Page[*guli.Closure]{Items: items}, err, viewClosure)
}

func (h *Handlers) RemoveClosure(w http.ResponseWriter, r *http.Request) (int, any, error) {
	day, ok := guli.ParseDate(r.PathValue("date"))
	if !ok {
		return 0, nil, guli.Errorf(guli.ECNotFound)
	}
	if err := h.Rooms.RemoveClosure(r.Context(), core.PathID(r, "id"), day); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
