package guli_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
)

var shanghai = time.FixedZone("CST", 8*3600)

// saturdayMorning is free time on Saturdays, 09:00–12:00.
func saturdayMorning() *guli.OpeningHours {
	var oh guli.OpeningHours
	oh[5] = []guli.Span{{From: 9 * 60, To: 12 * 60}}
	return &oh
}

// ranked names the candidates in order, each as "id:score:reasons".
func ranked(cs []guli.Candidate) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%d:%d:%s", c.UserID, c.Score, strings.Join(c.Reasons.Codes(), "+")))
	}
	return strings.Join(out, " ")
}

func TestRankCandidatesPinsTheOrder(t *testing.T) {
	// Saturday 2023-10-14 10:00 in Shanghai.
	saturday10 := time.Date(2023, 10, 14, 10, 0, 0, 0, shanghai)
	repair := &guli.HelpRequest{ID: 1, RequesterID: 8, AreaID: 3, Category: "repair", NeededBy: saturday10}
	tech := &guli.HelpRequest{ID: 2, RequesterID: 8, AreaID: 3, Category: "tech"}
	tests := []struct {
		name       string
		request    *guli.HelpRequest
		volunteers []guli.VolunteerFacts
		want       string
	}{{
		name:    "the skill counts most, then the area, then free time",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 20, HomeAreaID: 3},                                                  // area only
			{UserID: 21, Skills: guli.Skills("repair")},                                  // skill only
			{UserID: 22, Skills: guli.Skills("repair"), AreaIDs: []guli.ID{3}},           // skill and area
			{UserID: 23, Skills: guli.Skills("repair"), Availability: saturdayMorning()}, // skill and time
			{UserID: 24, Skills: guli.Skills("errand"), HomeAreaID: 4},                   // fits in nothing
		},
		want: "22:81:skill+area+free+rested 23:71:skill+available+free+rested 21:56:skill+free+rested 20:41:area+free+rested",
	}, {
		name:    "a volunteer with requests in hand goes after one without",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 30, Skills: guli.Skills("repair"), OpenClaims: 2},
			{UserID: 31, Skills: guli.Skills("repair"), OpenClaims: 1},
			{UserID: 32, Skills: guli.Skills("repair")},
		},
		want: "32:56:skill+free+rested 31:51:skill+rested 30:46:skill+rested",
	}, {
		name:    "who was asked least lately goes first",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 40, Skills: guli.Skills("repair"), RecentClaims: 3},
			{UserID: 41, Skills: guli.Skills("repair"), RecentClaims: 1},
			{UserID: 42, Skills: guli.Skills("repair")},
		},
		want: "42:56:skill+free+rested 41:54:skill+free 40:50:skill+free",
	}, {
		name:    "a track record counts, up to five services",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 50, Skills: guli.Skills("repair"), Services: 2},
			{UserID: 51, Skills: guli.Skills("repair"), Services: 40},
			{UserID: 52, Skills: guli.Skills("repair")},
		},
		want: "51:61:skill+free+rested+record 50:58:skill+free+rested+record 52:56:skill+free+rested",
	}, {
		name:    "equal scores: the one asked less lately, then the lower id",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 62, Skills: guli.Skills("repair"), Services: 2},                  // 40+10+6+2
			{UserID: 61, Skills: guli.Skills("repair"), RecentClaims: 1, Services: 4}, // 40+10+4+4
			{UserID: 60, Skills: guli.Skills("repair"), Services: 2},
		},
		want: "60:58:skill+free+rested+record 62:58:skill+free+rested+record 61:58:skill+free+record",
	}, {
		name:    "phone help: the area does not matter, the skill is needed",
		request: tech,
		volunteers: []guli.VolunteerFacts{
			{UserID: 70, HomeAreaID: 3},                              // near, but cannot help with phones
			{UserID: 71, Skills: guli.Skills("tech"), HomeAreaID: 9}, // far away, can
			{UserID: 72, Skills: guli.Skills("tech"), HomeAreaID: 3},
		},
		want: "71:56:skill+anywhere+free+rested 72:56:skill+anywhere+free+rested",
	}, {
		name:    "the requester is never their own candidate",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 8, Skills: guli.Skills("repair"), HomeAreaID: 3},
		},
		want: "",
	}, {
		name:    "free on another day is not free when it is needed",
		request: repair,
		volunteers: []guli.VolunteerFacts{
			{UserID: 80, Skills: guli.Skills("repair"), Availability: func() *guli.OpeningHours {
				var oh guli.OpeningHours
				oh[0] = []guli.Span{{From: 9 * 60, To: 12 * 60}}  // Mondays
				oh[5] = []guli.Span{{From: 14 * 60, To: 17 * 60}} // Saturday afternoons
				return &oh
			}()},
		},
		want: "80:56:skill+free+rested",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ranked(guli.RankCandidates(tt.request, tt.volunteers, shanghai)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			// The order does not depend on the order they were offered in.
			reversed := slices.Clone(tt.volunteers)
			slices.Reverse(reversed)
			if got := ranked(guli.RankCandidates(tt.request, reversed, shanghai)); got != tt.want {
				t.Errorf("offered the other way round: got %s", got)
			}
		})
	}
}

func TestRankCandidatesKeepsTheTenBest(t *testing.T) {
	request := &guli.HelpRequest{RequesterID: 1, AreaID: 3, Category: "errand"}
	var vs []guli.VolunteerFacts
	for i := 100; i < 130; i++ {
		vs = append(vs, guli.VolunteerFacts{UserID: guli.ID(i), Skills: guli.Skills("errand"), Services: (i * 7) % 9})
	}
	got := guli.RankCandidates(request, vs, shanghai)
	if len(got) != guli.MaxCandidates {
		t.Fatalf("%d candidates, want %d", len(got), guli.MaxCandidates)
	}
	// The ten best by record (5 for 5..8 services), ties to the lower id.
	all := slices.Clone(vs)
	slices.SortStableFunc(all, func(a, b guli.VolunteerFacts) int { return min(b.Services, 5) - min(a.Services, 5) })
	for i, c := range got {
		if c.UserID != all[i].UserID {
			t.Fatalf("place %d: got %d, want %d (all: %s)", i, c.UserID, all[i].UserID, ranked(got))
		}
	}
}

func TestCheckSeeCandidates(t *testing.T) {
	h := &guli.HelpRequest{StationID: 1, RequesterID: 8}
	tests := []struct {
		name  string
		actor *guli.User
		want  string
	}{
		{"the requester", &guli.User{ID: 8}, ""},
		{"staff of the station", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}, ""},
		{"staff of another station", &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, guli.ECForbidden},
		{"a volunteer", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleVolunteer}}, guli.ECForbidden},
		{"nobody", nil, guli.ECUnauthenticated},
	}
	for _, tt := range tests {
		if got := codeOf(h.CheckSeeCandidates(tt.actor)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSkillSet(t *testing.T) {
	s := guli.Skills("repair", "tech", "no-such-skill")
	for _, c := range guli.HelpCategories {
		if got, want := s.Has(c), c == "repair" || c == "tech"; got != want {
			t.Errorf("%s: %v, want %v", c, got, want)
		}
	}
	if guli.Skills() != 0 || guli.Skills("no-such-skill").Has("no-such-skill") {
		t.Error("an unknown skill is held")
	}
}

func TestFreeBefore(t *testing.T) {
	oh := *saturdayMorning()
	tests := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2023, 10, 14, 10, 0, 0, 0, shanghai), true},  // inside the morning
		{time.Date(2023, 10, 14, 9, 0, 0, 0, shanghai), true},   // as it starts
		{time.Date(2023, 10, 14, 8, 59, 0, 0, shanghai), false}, // before it starts
		{time.Date(2023, 10, 14, 18, 0, 0, 0, shanghai), true},  // later that day: free in the morning
		{time.Date(2023, 10, 15, 10, 0, 0, 0, shanghai), false}, // Sunday
	}
	for _, tt := range tests {
		if got := guli.FreeBefore(oh, tt.at); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.at, got, tt.want)
		}
	}
}
