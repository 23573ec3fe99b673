package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// stream is an open GET /events.
type stream struct {
	resp *http.Response
	r    *bufio.Reader
}

func openStream(t *testing.T, ctx context.Context, url, token string) (*stream, int) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, resp.StatusCode
	}
	t.Cleanup(func() { resp.Body.Close() })
	return &stream{resp: resp, r: bufio.NewReader(resp.Body)}, 200
}

// next reads the next event, skipping comments; err at the stream's end.
func (s *stream) next() (event string, data map[string]any, err error) {
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return "", nil, err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && event != "":
			return event, data, nil
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &data); err != nil {
				return "", nil, err
			}
		}
	}
}

// An open stream says the count at once, and a new notice with its title
// after the server's read and write timeouts have passed; a person holds
// at most five streams, however many they open at once; a shutdown ends
// the streams.
func TestTheLiveStream(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		// The server as guli serve sets it up, with timeouts short enough
		// to pass while the stream is open.
		hs := httptest.NewUnstartedServer(srv.Web)
		hs.Config.ReadTimeout, hs.Config.WriteTimeout = 200*time.Millisecond, 200*time.Millisecond
		hs.Start()
		defer hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()

		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		residentID := myID(t, srv, resident)
		activity := createActivity(t, srv, staff, map[string]any{"title": "八段锦"})["id"].(string)

		s, status := openStream(t, ctx, hs.URL, resident)
		if status != 200 || s.resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
			t.Fatalf("open: %d", status)
		}
		event, data, err := s.next()
		if err != nil || event != "unread" {
			t.Fatalf("first event %q %v %v", event, data, err)
		}
		before := int(data["unread"].(float64))

		time.Sleep(3 * hs.Config.WriteTimeout) // past the server's timeouts
		if r := srv.Do(t, "POST", "/api/v1/activities/"+activity+"/registrations", staff, map[string]any{"user_id": residentID}); r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		event, data, err = s.next()
		if err != nil || event != "unread" || int(data["unread"].(float64)) != before+1 || !strings.Contains(data["title"].(string), "八段锦") {
			t.Fatalf("after staff registered the resident: %q %v %v", event, data, err)
		}

		// Ten streams of one person at once: five are let in. They go to
		// the server without the short timeouts, which a busy machine may
		// pass while ten requests are read at once.
		talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
		var mu sync.Mutex
		count := map[int]int{}
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				_, status := openStream(t, ctx, srv.URL, talent)
				mu.Lock()
				count[status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if count[200] != 5 || count[429] != 5 {
			t.Errorf("ten streams at once: %v, want five 200 and five 429", count)
		}

		srv.Web.CloseStreams()
		if _, _, err := s.next(); err != io.EOF {
			t.Fatalf("after CloseStreams the stream goes on: %v", err)
		}
	})
}
