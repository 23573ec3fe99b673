package guli_test

import (
	"testing"
	"time"

	"guli"
)

// A visit brought in afterwards is checked as the desk and the door count
// one: each problem names its field.
func TestVisitAsCounted(t *testing.T) {
	at := time.Date(2023, 3, 1, 16, 45, 0, 0, guli.Zone(guli.DefaultTimezone))
	desk := guli.Visit{StationID: 1, Count: 12, Purpose: "activity", Day: "2023-03-01", Source: guli.VisitAtDesk, RecordedBy: 2, CreatedAt: at}
	door := guli.Visit{StationID: 1, UserID: 9, Count: 1, Purpose: "other", Day: "2023-03-01", Source: guli.VisitCheckin, CreatedAt: at}
	tests := []struct {
		name   string
		v      guli.Visit
		change func(v *guli.Visit)
		field  string // "" when valid
	}{
		{"the desk's count", desk, func(v *guli.Visit) {}, ""},
		{"a named visitor at the desk", desk, func(v *guli.Visit) { v.UserID, v.Count = 9, 1 }, ""},
		{"a door check-in", door, func(v *guli.Visit) {}, ""},
		{"500 at once", desk, func(v *guli.Visit) { v.Count = 500 }, ""},
		{"501 at once", desk, func(v *guli.Visit) { v.Count = 501 }, "count"},
		{"nobody", desk, func(v *guli.Visit) { v.Count = 0 }, "count"},
		{"a named visitor counted twice", desk, func(v *guli.Visit) { v.UserID, v.Count = 9, 2 }, "count"},
		{"no station", desk, func(v *guli.Visit) { v.StationID = 0 }, "station_id"},
		{"the 30th of February", desk, func(v *guli.Visit) { v.Day = "2023-02-30" }, "day"},
		{"an unknown purpose", desk, func(v *guli.Visit) { v.Purpose = "shopping" }, "purpose"},
		{"counted by nobody", desk, func(v *guli.Visit) { v.RecordedBy = 0 }, "recorded_by"},
		{"a check-in of nobody", door, func(v *guli.Visit) { v.UserID = 0 }, "user_id"},
		{"a check-in counted by staff", door, func(v *guli.Visit) { v.RecordedBy = 2 }, "recorded_by"},
		{"counted at a window", door, func(v *guli.Visit) { v.Source = "window" }, "source"},
		{"at no time", door, func(v *guli.Visit) { v.CreatedAt = time.Time{} }, "created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			tt.change(&v)
			err := v.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if e := guli.AsError(err); err == nil || e.Code != guli.ECValidation || e.Fields[tt.field] == "" || len(e.Fields) != 1 {
				t.Fatalf("%v, want a problem with %s alone", err, tt.field)
			}
		})
	}
}
