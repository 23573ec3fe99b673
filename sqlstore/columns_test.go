package sqlstore

import (
	"reflect"
	"testing"
	"time"

	"guli"
)

// The JSON columns keep the form rows already hold: these are its bytes.
func TestColumnForms(t *testing.T) {
	oh, err := guli.ParseOpeningHours("opening_hours", map[string][]string{"sat": {"13:30-17:00", "09:00-12:00"}, "wed": {"09:00-17:00"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 5, 2, 9, 30, 0, 0, guli.Zone(guli.DefaultTimezone))
	params := guli.NotificationParams{ActivityID: 7, ActivityTitle: "书法", Start: start, Timezone: guli.DefaultTimezone}
	stored, err := storeParams(params)
	if err != nil {
		t.Fatal(err)
	}
	none, _ := storeParams(guli.NotificationParams{})
	helped := guli.NotificationParams{HelpID: 9, HelpTitle: "修水管", Person: "小李", Minutes: 45}
	storedHelp, _ := storeParams(helped)
	for _, tt := range []struct{ got, want string }{
		{hoursColumn(oh), `{"sat":["09:00-12:00","13:30-17:00"],"wed":["09:00-17:00"]}`},
		{hoursColumn(guli.OpeningHours{}), `{}`},
		{idsColumn([]guli.ID{3, 42}), `["3","42"]`},
		{idsColumn([]guli.ID{}), `[]`},
		{idsColumn(nil), `null`},
		{stored, `{"activity_id":"7","activity_title":"书法","start":"2026-05-02T09:30:00+08:00","timezone":"Asia/Shanghai"}`},
		{none, `{}`},
		{storedHelp, `{"help_id":"9","help_title":"修水管","person":"小李","minutes":45}`},
	} {
		if tt.got != tt.want {
			t.Errorf("stored %s, want %s", tt.got, tt.want)
		}
	}

	if back, err := parseHoursColumn(hoursColumn(oh)); err != nil || back.Map()["sat"][1] != "13:30-17:00" || len(back.Map()) != 2 {
		t.Errorf("hours read back as %v, %v", back.Map(), err)
	}
	if back, err := parseIDsColumn(`["3","42"]`); err != nil || !reflect.DeepEqual(back, []guli.ID{3, 42}) {
		t.Errorf("ids read back as %v, %v", back, err)
	}
	back, err := parseParams(stored)
	if err != nil || back.ActivityID != 7 || back.ActivityTitle != "书法" || !back.Start.Equal(start) || back.Timezone != guli.DefaultTimezone {
		t.Errorf("params read back as %+v, %v", back, err)
	}
	if back, err := parseParams(storedHelp); err != nil || back != helped {
		t.Errorf("help params read back as %+v, %v", back, err)
	}
	if back, err := parseParams(`{}`); err != nil || back != (guli.NotificationParams{}) {
		t.Errorf("empty params read back as %+v, %v", back, err)
	}
}
