package ui

import (
	"net/http"
	"slices"
	"time"

	"guli"
	"guli/web/core"
)

// roomSlot is something holding a room: a booking or an activity.
type roomSlot struct {
	Start, End time.Time
	Title      string
	Booking    *guli.Booking // nil for activities
	Mine       bool
}

type roomDay struct {
	Date  time.Time
	Open  bool
	Slots []roomSlot
}

type roomData struct {
	Room       *guli.Room
	Days       []roomDay
	Prev, Next string
}

// Room is a room's calendar for a week, with a form to book it.
func (h *Handlers) Room(w http.ResponseWriter, r *http.Request) error {
	h.renderRoom(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderRoom(w http.ResponseWriter, r *http.Request, status int, failure error) {
	v := h.NewView(r, "rooms.title", "")
	id := core.PathID(r, "id")
	// The room's own station, whichever the reader chose: a link may lead
	// to a room elsewhere.
	st, err := h.Stations.StationOfRoom(r.Context(), id)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v.Station = st
	var room *guli.Room
	for _, rm := range st.Rooms {
		if rm.ID == id {
			room = rm
		}
	}
	if room == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	loc := v.Station.Location()
	from := core.StartOfDay(h.TimeNow(), loc)
	if d, ok := guli.ParseDate(r.URL.Query().Get("from")); ok {
		from, _ = time.ParseInLocation(time.DateOnly, string(d), loc)
	}
	to := from.AddDate(0, 0, 7)
	bookings, err := h.Rooms.Bookings(r.Context(), id, from, to)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	acts, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: v.Station.ID, From: from.Add(-24 * time.Hour), To: to},
		guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	d := roomData{Room: room, Prev: weekLink(from.AddDate(0, 0, -7)), Next: weekLink(to)}
	for i := range 7 {
		day := from.AddDate(0, 0, i)
		rd := roomDay{Date: day, Open: len(v.Station.OpeningHours.On(day.Weekday())) > 0}
		end := day.AddDate(0, 0, 1)
		for _, b := range bookings {
			if b.Start.Before(end) && b.End.After(day) {
				title := v.T("rooms.booked")
				if guli.SeesBookingPurpose(v.User, b) {
					title = b.Purpose
				}
				rd.Slots = append(rd.Slots, roomSlot{Start: b.Start, End: b.End, Title: title, Booking: b,
					Mine: guli.MayCancelBooking(v.User, b)})
			}
		}
		for _, a := range acts.Items {
			if a.RoomID == id && a.Status == guli.ActivityScheduled && a.Start.Before(end) && a.End.After(day) {
				rd.Slots = append(rd.Slots, roomSlot{Start: a.Start, End: a.End, Title: a.Title})
			}
		}
		slices.SortFunc(rd.Slots, func(a, b roomSlot) int { return a.Start.Compare(b.Start) })
		d.Days = append(d.Days, rd)
	}
	for _, f := range []string{"date", "from", "to", "purpose"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.RenameErrors(map[string]string{"start": "from", "end": "to"})
	}
	if v.Form["date"] == "" {
		v.Form["date"], v.Form["from"], v.Form["to"] = from.Format(time.DateOnly), "14:00", "15:00"
	}
	v.Data = d
	h.Render(w, r, status, "room", v)
}

// BookRoom books the room from its calendar page.
func (h *Handlers) BookRoom(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	st, err := h.Stations.StationOfRoom(r.Context(), id)
	if err != nil {
		return err
	}
	date, loc := r.PostForm.Get("date"), st.Location()
	_, err = h.Rooms.Book(r.Context(), id, guli.BookingInput{Start: formTime(date, r.PostForm.Get("from"), loc),
		End: formTime(date, r.PostForm.Get("to"), loc), Purpose: r.PostForm.Get("purpose")})
	if err != nil {
		h.renderRoom(w, r, 0, err)
		return nil
	}
	back(w, r, "/rooms/"+id.String()+"?from="+r.PostForm.Get("date"), "booked")
	return nil
}

// CancelBooking frees a booking from the room's calendar page.
func (h *Handlers) CancelBooking(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	if err := h.Rooms.CancelBooking(r.Context(), core.PathID(r, "id")); err != nil {
		return err
	}
	back(w, r, localPath(r.PostForm.Get("next")), "booking_cancelled")
	return nil
}
