package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// The live stream of an open page (GET /events): server-sent events that
// say the reader's count of unread notices whenever it changes, and the
// newest notice's title when one arrives. The page's script (live.js)
// shows them; without it pages are as they were.
const (
	// heartbeat keeps proxies from closing a quiet stream and finds
	// readers that went away.
	heartbeat = 25 * time.Second
	// streamLifetime ends every stream now and then: the browser comes
	// back at once, signed in afresh (a session ended meanwhile ends its
	// stream), and perhaps to a less busy process.
	streamLifetime = 30 * time.Minute
	// streamRetry is how long a browser waits before it comes back.
	streamRetry = 5 * time.Second
)

// liveEvent is the data of an "unread" event.
type liveEvent struct {
	Unread int    `json:"unread"`
	Title  string `json:"title,omitempty"` // of a notice that just came
}

// Events streams the reader's unread count. Anonymous readers are told
// 401, not sent to the sign-in page: a browser's EventSource follows no
// such page and gives up on anything but 200.
func (h *Handlers) Events(w http.ResponseWriter, r *http.Request) error {
	if guli.UserFromContext(r.Context()) == nil {
		h.Fail(w, r, http.StatusUnauthorized, guli.Errorf(guli.ECUnauthenticated))
		return nil
	}
	if h.Live == nil || h.Notifications == nil {
		return guli.Errorf(guli.ECNotFound)
	}
	ctx, cancel := context.WithTimeout(r.Context(), streamLifetime)
	defer cancel()
	wake, err := h.Live.Listen(ctx)
	if err != nil {
		if e := guli.AsError(err); e.RetryAfter > 0 {
			w.Header().Set("Retry-After", core.RetryAfter(e))
		}
		return err
	}
	// The server's read and write timeouts bound requests that end; a
	// stream would be cut by them. Each write gets a deadline instead.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no") // a proxy that buffers would hold the events
	w.WriteHeader(http.StatusOK)

	lang := core.Info(r).Lang
	last := -1
	write := func(s string) bool {
		rc.SetWriteDeadline(time.Now().Add(2 * heartbeat))
		if _, err := fmt.Fprint(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// tell sends the count when it changed; false ends the stream (the
	// browser comes back after streamRetry).
	tell := func(prefix string) bool {
		n, err := h.Notifications.UnreadCount(ctx)
		if err != nil {
			return false
		}
		if n == last {
			return true
		}
		ev := liveEvent{Unread: n}
		if last >= 0 && n > last {
			page, err := h.Notifications.Notifications(ctx, guli.ListOptions{Limit: 1})
			if err == nil && len(page.Items) == 1 && !page.Items[0].Read {
				ev.Title = h.ViewNotification(lang, page.Items[0]).Title
			}
		}
		last = n
		data, _ := json.Marshal(ev)
		return write(prefix + "event: unread\ndata: " + string(data) + "\n\n")
	}
	if !tell(fmt.Sprintf("retry: %d\n", streamRetry.Milliseconds())) {
		return nil
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.Closing():
			return nil
		case <-wake:
			if !tell("") {
				return nil
			}
		case <-beat.C:
			if !write(": ping\n\n") {
				return nil
			}
		}
	}
}
