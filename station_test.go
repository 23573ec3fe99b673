package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestZoneIsReadOnceAndNeverFails(t *testing.T) {
	a, b := guli.Zone("Asia/Shanghai"), guli.Zone("Asia/Shanghai")
	if a != b {
		t.Error("the zone was read twice")
	}
	if _, off := time.Date(2026, 11, 28, 12, 0, 0, 0, a).Zone(); off != 8*3600 {
		t.Errorf("Shanghai is at %d s from UTC", off)
	}
	// A zone gone from the zone database falls back to China's offset.
	if _, off := time.Date(2026, 11, 28, 12, 0, 0, 0, guli.Zone("Nowhere/Gone")).Zone(); off != 8*3600 {
		t.Errorf("a missing zone is at %d s from UTC", off)
	}
	st := &guli.Station{Timezone: "Europe/London"}
	if st.Location() != guli.Zone("Europe/London") {
		t.Error("a station's location is not its zone")
	}
}
