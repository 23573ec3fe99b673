package guli_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"guli"
)

func TestMeetingRules(t *testing.T) {
	c := &guli.Council{ID: 3, StationID: 1, Name: "居民议事会"}
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}}
	visitor := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{2}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 4, Roles: []guli.Role{guli.RoleAdmin}}
	start := time.Date(2025, 5, 20, 9, 30, 0, 0, time.UTC)
	resolution := func(status string) *guli.Resolution { return &guli.Resolution{ID: 5, Status: status} }
	change := func(status, note string) *guli.ResolutionChange {
		return &guli.ResolutionChange{Status: status, Note: note}
	}
	minutes := func(s string) *string { return &s }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a resident of the station proposes", c.CheckPropose(resident), ""},
		{"staff of the station propose", c.CheckPropose(staff), ""},
		{"an admin proposes", c.CheckPropose(admin), ""},
		{"a resident of another station", c.CheckPropose(visitor), guli.ECForbidden},
		{"staff of another station", c.CheckPropose(elsewhere), guli.ECNotFound},
		{"nobody signed in", c.CheckPropose(nil), guli.ECUnauthenticated},
		{"a first support", c.CheckSupport(resident, false), ""},
		{"a second support", c.CheckSupport(resident, true), guli.ECAlreadySupported},
		{"support from another station", c.CheckSupport(visitor, false), guli.ECForbidden},
		{"a meeting", (&guli.MeetingInput{CouncilID: 3, Title: "议事会", Start: start, Agenda: []string{"一", " ", "二"}}).Validate(), ""},
		{"a meeting with no title", (&guli.MeetingInput{Title: " ", Start: start}).Validate(), guli.ECValidation},
		{"a meeting with no time", (&guli.MeetingInput{Title: "会"}).Validate(), guli.ECValidation},
		{"a meeting in year 3000", (&guli.MeetingInput{Title: "会", Start: start.AddDate(1000, 0, 0)}).Validate(), guli.ECValidation},
		{"a long agenda line", (&guli.MeetingInput{Title: "会", Start: start, Agenda: []string{strings.Repeat("议", 201)}}).Validate(), guli.ECValidation},
		{"too long an agenda", (&guli.MeetingInput{Title: "会", Start: start, Agenda: make31("议")}).Validate(), guli.ECValidation},
		{"minutes and resolutions", (&guli.MeetingRecord{Minutes: minutes("纪要"), Resolutions: []guli.ResolutionInput{{Text: "加装扶手"}}}).Validate(), ""},
		{"long minutes", (&guli.MeetingRecord{Minutes: minutes(strings.Repeat("纪", guli.MaxMinutesRunes+1))}).Validate(), guli.ECValidation},
		{"a rule", (&guli.MeetingRecord{Resolutions: []guli.ResolutionInput{{Text: "七十岁以上留紧急联系人", Rule: &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: 70}}}}).Validate(), ""},
		{"a rule Guli cannot keep", (&guli.MeetingRecord{Resolutions: []guli.ResolutionInput{{Text: "禁烟", Rule: &guli.ResolutionRule{Kind: "no_smoking", Age: 70}}}}).Validate(), guli.ECValidation},
		{"a rule with no resolution's text", (&guli.MeetingRecord{Resolutions: []guli.ResolutionInput{{Text: "  ", Rule: &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: 70}}}}).Validate(), guli.ECValidation},
		{"a rule from age 0", (&guli.MeetingRecord{Resolutions: []guli.ResolutionInput{{Text: "人人", Rule: &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge}}}}).Validate(), guli.ECValidation},
		{"open to in progress", resolution(guli.ResolutionOpen).CheckChange(change(guli.ResolutionInProgress, "已联系物业")), ""},
		{"open straight to done", resolution(guli.ResolutionOpen).CheckChange(change(guli.ResolutionDone, "")), ""},
		{"a note without a move", resolution(guli.ResolutionInProgress).CheckChange(change(guli.ResolutionInProgress, "下周完工")), ""},
		{"back to open", resolution(guli.ResolutionInProgress).CheckChange(change(guli.ResolutionOpen, "")), guli.ECValidation},
		{"done stays done", resolution(guli.ResolutionDone).CheckChange(change(guli.ResolutionDone, "再记一笔")), guli.ECResolutionDone},
		{"a status nobody has", resolution(guli.ResolutionOpen).CheckChange(change("forgotten", "")), guli.ECValidation},
		{"no status", resolution(guli.ResolutionOpen).CheckChange(change("", "")), guli.ECValidation},
		{"a proposal", (&guli.ProposalInput{Title: "楼道加装扶手", Body: "三号楼老人多"}).Validate(), ""},
		{"a proposal with no title", (&guli.ProposalInput{Title: "  ", Body: "正文"}).Validate(), guli.ECValidation},
		{"a long proposal", (&guli.ProposalInput{Title: "题", Body: strings.Repeat("议", 2001)}).Validate(), guli.ECValidation},
		{"an answer", (&guli.ProposalAnswer{MeetingID: 2, Outcome: guli.ProposalAccepted, Answer: "下次议事会讨论"}).Validate(), ""},
		{"on the agenda, not answered yet", (&guli.ProposalAnswer{MeetingID: 2}).Validate(), ""},
		{"an outcome nobody has", (&guli.ProposalAnswer{Outcome: "maybe"}).Validate(), guli.ECValidation},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func make31(s string) []string {
	out := make([]string, guli.MaxAgendaItems+1)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestAChangeWithoutANoteKeepsIt(t *testing.T) {
	r := &guli.Resolution{ID: 5, Status: guli.ResolutionInProgress, Note: "已联系物业"}
	keep := &guli.ResolutionChange{Status: guli.ResolutionDone, KeepNote: true}
	if err := r.CheckChange(keep); err != nil || keep.Note != "已联系物业" {
		t.Errorf("kept: %v, note %q", err, keep.Note)
	}
	clear := &guli.ResolutionChange{Status: guli.ResolutionDone}
	if err := r.CheckChange(clear); err != nil || clear.Note != "" {
		t.Errorf("cleared: %v, note %q", err, clear.Note)
	}
}

func TestNewResolutions(t *testing.T) {
	have := []*guli.Resolution{{ID: 1, Text: "加装扶手"}, {ID: 2, Text: "七十岁以上留紧急联系人"}}
	in := func(texts ...string) []guli.ResolutionInput {
		out := []guli.ResolutionInput{}
		for _, s := range texts {
			out = append(out, guli.ResolutionInput{Text: s})
		}
		return out
	}
	rule := func(age int) *guli.ResolutionRule {
		return &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: age}
	}
	ruled := func(text string, age int) guli.ResolutionInput {
		return guli.ResolutionInput{Text: text, Rule: rule(age)}
	}
	withRule := []*guli.Resolution{{ID: 1, Text: "加装扶手"}, {ID: 2, Text: "七十岁以上留紧急联系人", Rule: rule(70)}}
	tests := []struct {
		name        string
		have        []*guli.Resolution
		given, want []guli.ResolutionInput
		reason      string // the refusal, if any
	}{
		{"the first record", nil, in("加装扶手", "修路灯"), in("加装扶手", "修路灯"), ""},
		{"the same list again", have, in("加装扶手", "七十岁以上留紧急联系人"), in(), ""},
		{"one more", have, in("加装扶手", "七十岁以上留紧急联系人", "修路灯"), in("修路灯"), ""},
		{"one given twice", nil, in("修路灯", "修路灯"), in("修路灯"), ""},
		{"nothing", have, nil, in(), ""},
		// The page sends the resolutions' lines and the rule's line apart:
		// a text in both keeps its rule, in its first place.
		{"a text given plain and with a rule", nil, []guli.ResolutionInput{{Text: "留紧急联系人"}, {Text: "修路灯"}, ruled("留紧急联系人", 70)},
			[]guli.ResolutionInput{ruled("留紧急联系人", 70), {Text: "修路灯"}}, ""},
		{"a text given with two rules", nil, []guli.ResolutionInput{ruled("留紧急联系人", 70), ruled("留紧急联系人", 75)}, nil, guli.FRInvalid},
		{"a rule recorded again", withRule, []guli.ResolutionInput{ruled("七十岁以上留紧急联系人", 70)}, in(), ""},
		{"a recorded text sent plain", withRule, in("七十岁以上留紧急联系人"), in(), ""},
		{"another age on a recorded rule", withRule, []guli.ResolutionInput{ruled("七十岁以上留紧急联系人", 75)}, nil, guli.FRResolutionRecorded},
		{"a rule on a recorded plain text", withRule, []guli.ResolutionInput{ruled("加装扶手", 80)}, nil, guli.FRResolutionRecorded},
	}
	for _, tt := range tests {
		got, err := guli.NewResolutions(tt.have, tt.given)
		if reason := guli.AsError(err).Fields["resolutions"]; reason != tt.reason || tt.reason == "" && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, %v; want %v, %q", tt.name, got, err, tt.want, tt.reason)
		}
	}
}

func TestActivityAgeRule(t *testing.T) {
	byCouncil := &guli.AgeRule{EmergencyContactFromAge: 70, ResolutionID: 9, Resolution: "七十岁以上留紧急联系人", CouncilName: "居民议事会"}
	own := func(age int) *guli.AgeRule { return &guli.AgeRule{EmergencyContactFromAge: age} }
	tests := []struct {
		name          string
		chosen        *guli.AgeRule
		set           bool
		stationRule   *guli.AgeRule
		wantAge       int // 0: no rule
		wantBasedOnID guli.ID
	}{
		{"no rule anywhere", nil, false, nil, 0, 0},
		{"the station's default", nil, false, byCouncil, 70, 9},
		{"staff chose none", nil, true, byCouncil, 0, 0},
		{"staff chose the default's age", own(70), true, byCouncil, 70, 9},
		{"staff chose another age", own(80), true, byCouncil, 80, 0},
		{"a rule from an older client, no default", own(70), false, nil, 70, 0},
		{"a rule from an older client, a default", own(75), false, byCouncil, 75, 0},
	}
	for _, tt := range tests {
		got := guli.ActivityAgeRule(tt.chosen, tt.set, tt.stationRule)
		age, based := 0, guli.ID(0)
		if got != nil {
			age, based = got.EmergencyContactFromAge, got.ResolutionID
		}
		if age != tt.wantAge || based != tt.wantBasedOnID {
			t.Errorf("%s: from %d on resolution %d, want from %d on %d", tt.name, age, based, tt.wantAge, tt.wantBasedOnID)
		}
	}
}

func TestResolutionAgeRule(t *testing.T) {
	r := &guli.Resolution{ID: 4, Text: "七十岁以上留紧急联系人", CouncilName: "居民议事会",
		Rule: &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: 70}}
	r.MeetingID = 2
	want := &guli.AgeRule{EmergencyContactFromAge: 70, ResolutionID: 4, Resolution: r.Text, CouncilName: "居民议事会", MeetingID: 2}
	if got := r.AgeRule(); !reflect.DeepEqual(got, want) {
		t.Errorf("rule %+v, want %+v", got, want)
	}
	if got := (&guli.Resolution{ID: 5, Text: "修路灯"}).AgeRule(); got != nil {
		t.Errorf("a resolution with no rule made %+v", got)
	}
}

func TestProposalTellsAuthor(t *testing.T) {
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	author := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	for _, tc := range []struct {
		name            string
		outcome, answer string // the proposal's, before
		in              guli.ProposalAnswer
		actor           *guli.User
		want            bool
	}{
		{"first outcome", "", "", guli.ProposalAnswer{Outcome: guli.ProposalAccepted, Answer: "下月施工"}, staff, true},
		{"outcome without answer", "", "", guli.ProposalAnswer{Outcome: guli.ProposalDeclined}, staff, true},
		{"outcome changed", guli.ProposalAccepted, "下月施工", guli.ProposalAnswer{Outcome: guli.ProposalDone, Answer: "下月施工"}, staff, true},
		{"answer changed", guli.ProposalAccepted, "下月施工", guli.ProposalAnswer{Outcome: guli.ProposalAccepted, Answer: "推迟到年底"}, staff, true},
		{"the same again", guli.ProposalAccepted, "下月施工", guli.ProposalAnswer{Outcome: guli.ProposalAccepted, Answer: "下月施工"}, staff, false},
		{"only put on a meeting", "", "", guli.ProposalAnswer{MeetingID: 3}, staff, false},
		{"an answer without outcome", "", "", guli.ProposalAnswer{Answer: "正在商议"}, staff, false},
		{"staff answering their own", "", "", guli.ProposalAnswer{Outcome: guli.ProposalAccepted}, author, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &guli.Proposal{ID: 2, AuthorID: author.ID, Outcome: tc.outcome, Answer: tc.answer}
			if got := p.TellsAuthor(tc.in, tc.actor); got != tc.want {
				t.Errorf("TellsAuthor = %v, want %v", got, tc.want)
			}
		})
	}
}
