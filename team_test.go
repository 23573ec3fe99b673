package guli_test

import (
	"strings"
	"testing"
	"time"

	"guli"
)

func TestTeamRules(t *testing.T) {
	leader := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident, guli.RoleTalent}}
	member := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}}
	outsider := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}
	team := &guli.Team{ID: 5, StationID: 1, Kind: guli.TeamStudio, LeaderIDs: []guli.ID{8}, Members: []guli.TeamMember{
		{UserID: 8, Role: guli.TeamLeaderRole}, {UserID: 9, Role: guli.TeamMemberRole}}}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"staff start a team", guli.CheckCreateTeam(staff, 1), ""},
		{"an admin starts one anywhere", guli.CheckCreateTeam(admin, 7), ""},
		{"staff of another station", guli.CheckCreateTeam(elsewhere, 1), guli.ECNotFound},
		{"a talent starts a team", guli.CheckCreateTeam(leader, 1), guli.ECForbidden},
		{"nobody signed in", guli.CheckCreateTeam(nil, 1), guli.ECUnauthenticated},

		{"staff add a member", team.CheckAddMember(staff, 10, guli.TeamMemberRole), ""},
		{"staff add a leader", team.CheckAddMember(staff, 10, guli.TeamLeaderRole), ""},
		{"the leader adds a member", team.CheckAddMember(leader, 10, guli.TeamMemberRole), ""},
		{"the leader names another leader", team.CheckAddMember(leader, 10, guli.TeamLeaderRole), guli.ECForbidden},
		{"a member adds someone", team.CheckAddMember(member, 10, guli.TeamMemberRole), guli.ECForbidden},
		{"an outsider adds themself", team.CheckAddMember(outsider, 10, guli.TeamMemberRole), guli.ECForbidden},
		{"staff of another station", team.CheckAddMember(elsewhere, 10, guli.TeamMemberRole), guli.ECNotFound},
		{"someone already in", team.CheckAddMember(staff, 9, guli.TeamMemberRole), guli.ECAlreadyMember},
		{"nobody signed in adds", team.CheckAddMember(nil, 10, guli.TeamMemberRole), guli.ECUnauthenticated},

		{"staff remove the leader", team.CheckRemoveMember(staff, 8), ""},
		{"the leader removes a member", team.CheckRemoveMember(leader, 9), ""},
		{"the leader leaves", team.CheckRemoveMember(leader, 8), ""},
		{"a member removes the leader", team.CheckRemoveMember(member, 8), guli.ECForbidden},
		{"someone not in the team", team.CheckRemoveMember(staff, 10), guli.ECNotFound},
		{"staff of another station remove", team.CheckRemoveMember(elsewhere, 9), guli.ECNotFound},

		{"a person of the station joins", guli.CheckJoinStation(&guli.User{Stations: []guli.ID{1}}, 1), ""},
		{"a person of another station", guli.CheckJoinStation(&guli.User{Stations: []guli.ID{2}}, 1), guli.ECValidation},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTeamInput(t *testing.T) {
	long := strings.Repeat("字", guli.MaxTeamName+1)
	tests := []struct {
		name  string
		in    guli.TeamInput
		field string // "" when valid
	}{
		{"a choir", guli.TeamInput{StationID: 1, Name: " 社区合唱队 ", Kind: guli.TeamInterestGroup}, ""},
		{"no station", guli.TeamInput{Name: "合唱队", Kind: guli.TeamInterestGroup}, "station_id"},
		{"no name", guli.TeamInput{StationID: 1, Name: "  ", Kind: guli.TeamStudio}, "name"},
		{"a long name", guli.TeamInput{StationID: 1, Name: long, Kind: guli.TeamStudio}, "name"},
		{"no kind", guli.TeamInput{StationID: 1, Name: "队"}, "kind"},
		{"an unknown kind", guli.TeamInput{StationID: 1, Name: "队", Kind: "club"}, "kind"},
		{"a negative leader", guli.TeamInput{StationID: 1, Name: "队", Kind: guli.TeamVolunteer, LeaderID: -1}, "leader_user_id"},
		{"a photo that is no id", guli.TeamInput{StationID: 1, Name: "队", Kind: guli.TeamStudio, PhotoID: guli.NoID}, "photo_id"},
		{"with a photo", guli.TeamInput{StationID: 1, Name: "墨迹书香", Kind: guli.TeamStudio, PhotoID: 7}, ""},
		{"a long description", guli.TeamInput{StationID: 1, Name: "队", Kind: guli.TeamVolunteer, Description: strings.Repeat("字", guli.MaxTeamDescription+1)}, "description"},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if e := guli.AsError(err); e.Code != guli.ECValidation || e.Fields[tt.field] == "" {
			t.Errorf("%s: got %v, want a problem with %s", tt.name, err, tt.field)
		}
	}
	in := guli.TeamInput{StationID: 1, Name: " 社区合唱队 ", Kind: guli.TeamInterestGroup}
	if in.Validate(); in.Name != "社区合唱队" {
		t.Errorf("name kept as %q", in.Name)
	}
}

func TestMemberInput(t *testing.T) {
	tests := []struct {
		in    guli.MemberInput
		field string
		role  string
	}{
		{guli.MemberInput{UserID: 4}, "", guli.TeamMemberRole},
		{guli.MemberInput{UserID: 4, Role: guli.TeamLeaderRole}, "", guli.TeamLeaderRole},
		{guli.MemberInput{Role: guli.TeamMemberRole}, "user_id", ""},
		{guli.MemberInput{UserID: -4}, "user_id", ""},
		{guli.MemberInput{UserID: 4, Role: "captain"}, "role", ""},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if got := guli.AsError(err).Fields[tt.field]; tt.field != "" && got == "" {
			t.Errorf("%+v: got %v, want a problem with %s", tt.in, err, tt.field)
		}
		if tt.field == "" && (err != nil || tt.in.Role != tt.role) {
			t.Errorf("%+v: got %v, role %q", tt.in, err, tt.in.Role)
		}
	}
}

func TestNominationRules(t *testing.T) {
	resident := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}
	nomination := func(status string) *guli.Nomination {
		return &guli.Nomination{ID: 4, StationID: 1, NomineeID: 9, Nominee: "叶苗龙", Skill: "书法", Status: status}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"staff file for a committee", guli.CheckNominate(staff, 1, false), ""},
		{"a committee member files", guli.CheckNominate(resident, 1, true), ""},
		{"a resident off the committees", guli.CheckNominate(resident, 1, false), guli.ECForbidden},
		{"staff of another station", guli.CheckNominate(elsewhere, 1, false), guli.ECNotFound},
		{"an admin", guli.CheckNominate(admin, 1, false), ""},
		{"nobody signed in", guli.CheckNominate(nil, 1, true), guli.ECUnauthenticated},

		{"a resident of the station", guli.CheckNominee(staff, &guli.User{ID: 9, HomeStation: 1}, 1), ""},
		{"a visitor from another station", guli.CheckNominee(staff, &guli.User{ID: 9, HomeStation: 2, Stations: []guli.ID{1, 2}}, 1), guli.ECValidation},
		{"someone with no area", guli.CheckNominee(staff, &guli.User{ID: 9}, 1), guli.ECValidation},
		{"a committee member nominates themself", guli.CheckNominee(resident, &guli.User{ID: 9, HomeStation: 1}, 1), guli.ECValidation},
		{"staff nominate themselves", guli.CheckNominee(staff, &guli.User{ID: 1, HomeStation: 1}, 1), guli.ECValidation},
		{"a skill not put forward yet", guli.CheckNotNominated(false), ""},
		{"a skill pending or approved already", guli.CheckNotNominated(true), guli.ECAlreadyNominated},

		{"staff decide", nomination(guli.NominationPending).CheckDecide(staff), ""},
		{"staff decide twice", nomination(guli.NominationApproved).CheckDecide(staff), guli.ECAlreadyDecided},
		{"staff decide a declined one", nomination(guli.NominationDeclined).CheckDecide(staff), guli.ECAlreadyDecided},
		{"a resident decides", nomination(guli.NominationPending).CheckDecide(resident), guli.ECForbidden},
		{"staff of another station decide", nomination(guli.NominationPending).CheckDecide(elsewhere), guli.ECNotFound},
		{"staff of another station, decided", nomination(guli.NominationApproved).CheckDecide(elsewhere), guli.ECNotFound},
		{"nobody signed in decides", nomination(guli.NominationPending).CheckDecide(nil), guli.ECUnauthenticated},
		{"staff decide their own nomination", nomination(guli.NominationPending).CheckDecide(
			&guli.User{ID: 9, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}), guli.ECForbidden},
		{"an admin decides their own nomination", nomination(guli.NominationPending).CheckDecide(
			&guli.User{ID: 9, Roles: []guli.Role{guli.RoleAdmin}}), guli.ECForbidden},

		{"every status", guli.CheckNominationStatus(""), ""},
		{"pending ones", guli.CheckNominationStatus(guli.NominationPending), ""},
		{"an unknown status", guli.CheckNominationStatus("maybe"), guli.ECValidation},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := nomination(guli.NominationPending).StudioName(); got != "叶苗龙·书法" {
		t.Errorf("studio named %q", got)
	}
	long := &guli.Nomination{Nominee: "叶苗龙", Skill: strings.Repeat("书", guli.MaxTeamName)}
	if got := []rune(long.StudioName()); len(got) != guli.MaxTeamName {
		t.Errorf("a long studio name has %d characters", len(got))
	}
}

func TestNominationInput(t *testing.T) {
	tests := []struct {
		name  string
		in    guli.NominationInput
		field string
	}{
		{"a calligrapher", guli.NominationInput{AreaID: 1, UserID: 2, Skill: " 书法 ", Reason: "写得一手好字"}, ""},
		{"no area", guli.NominationInput{UserID: 2, Skill: "书法", Reason: "好"}, "area_id"},
		{"a negative area", guli.NominationInput{AreaID: -1, UserID: 2, Skill: "书法", Reason: "好"}, "area_id"},
		{"nobody nominated", guli.NominationInput{AreaID: 1, Skill: "书法", Reason: "好"}, "user_id"},
		{"no skill", guli.NominationInput{AreaID: 1, UserID: 2, Skill: " ", Reason: "好"}, "skill"},
		{"a long skill", guli.NominationInput{AreaID: 1, UserID: 2, Skill: strings.Repeat("书", guli.MaxSkill+1), Reason: "好"}, "skill"},
		{"no reason", guli.NominationInput{AreaID: 1, UserID: 2, Skill: "书法"}, "reason"},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if tt.field == "" {
			if err != nil || tt.in.Skill != "书法" {
				t.Errorf("%s: %v, skill %q", tt.name, err, tt.in.Skill)
			}
			continue
		}
		if guli.AsError(err).Fields[tt.field] == "" {
			t.Errorf("%s: got %v, want a problem with %s", tt.name, err, tt.field)
		}
	}
}

func TestTeamShownTo(t *testing.T) {
	now := time.Date(2023, 10, 15, 10, 0, 0, 0, time.UTC)
	const here guli.ID = 1
	team := &guli.Team{StationID: here, LeaderNames: []string{"汪老师"}, Members: []guli.TeamMember{
		{UserID: 10, Name: "汪老师", Role: guli.TeamLeaderRole, BirthYear: 1960},
		{UserID: 20, Name: "小明", Role: guli.TeamMemberRole, BirthYear: 2015},
		{UserID: 21, Name: "某人", Role: guli.TeamMemberRole}, // birth year unknown
	}}
	for _, tt := range []struct {
		name   string
		reader *guli.User
		hidden bool
	}{
		{"signed out", nil, true},
		{"the leader", &guli.User{ID: 10}, true},
		{"the child", &guli.User{ID: 20}, false},
		{"the station's staff", &guli.User{ID: 30, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}, false},
		{"another station's staff", &guli.User{ID: 31, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, true},
	} {
		got := team.ShownTo(tt.reader, now)
		child := got.Members[1]
		if hidden := child.Name == "" && child.Child; hidden != tt.hidden {
			t.Errorf("%s: %+v", tt.name, child)
		}
		if got.Members[0].Name != "汪老师" || got.Members[2].Name != "某人" || len(got.LeaderNames) != 1 || got.LeaderNames[0] != "汪老师" {
			t.Errorf("%s: grown-ups hidden: %+v", tt.name, got)
		}
	}
	if team.Members[1].Name != "小明" {
		t.Fatal("the team itself was changed")
	}
}
