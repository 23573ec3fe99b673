package guli_test

import (
	"strings"
	"testing"
	"time"

	"guli"
)

func TestHelpRequestFlow(t *testing.T) {
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	volunteer := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}
	other := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	req := func(status string, volunteer guli.ID) *guli.HelpRequest {
		return &guli.HelpRequest{ID: 5, StationID: 1, RequesterID: 8, Status: status, VolunteerID: volunteer}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a volunteer claims an open request", req(guli.HelpOpen, 0).CheckClaim(volunteer), ""},
		{"a resident who is no volunteer", req(guli.HelpOpen, 0).CheckClaim(resident), guli.ECForbidden},
		{"a volunteer claims their own", (&guli.HelpRequest{RequesterID: 9, Status: guli.HelpOpen}).CheckClaim(volunteer), guli.ECOwnRequest},
		{"a second claim", req(guli.HelpClaimed, 9).CheckClaim(other), guli.ECNotOpen},
		{"nobody signed in", req(guli.HelpOpen, 0).CheckClaim(nil), guli.ECUnauthenticated},
		{"the claimer releases", req(guli.HelpClaimed, 9).CheckRelease(volunteer), ""},
		{"someone else releases", req(guli.HelpClaimed, 9).CheckRelease(other), guli.ECForbidden},
		{"the claimer is done", req(guli.HelpClaimed, 9).CheckDone(volunteer, 90), ""},
		{"no minutes", req(guli.HelpClaimed, 9).CheckDone(volunteer, 0), guli.ECValidation},
		{"more than a day", req(guli.HelpClaimed, 9).CheckDone(volunteer, 1441), guli.ECValidation},
		{"done twice", req(guli.HelpDone, 9).CheckDone(volunteer, 30), guli.ECNotOpen},
		{"the requester confirms", req(guli.HelpDone, 9).CheckConfirm(resident, guli.ConfirmInput{Rating: 5}), ""},
		{"staff of the station confirm", req(guli.HelpDone, 9).CheckConfirm(staff, guli.ConfirmInput{Rating: 0}), ""},
		{"staff of another station", req(guli.HelpDone, 9).CheckConfirm(elsewhere, guli.ConfirmInput{Rating: 0}), guli.ECForbidden},
		{"the volunteer confirms their own work", req(guli.HelpDone, 9).CheckConfirm(volunteer, guli.ConfirmInput{Rating: 5}), guli.ECForbidden},
		{"confirmed before it is done", req(guli.HelpClaimed, 9).CheckConfirm(resident, guli.ConfirmInput{Rating: 5}), guli.ECNotDone},
		{"confirmed twice", req(guli.HelpConfirmed, 9).CheckConfirm(resident, guli.ConfirmInput{Rating: 5}), guli.ECNotDone},
		{"staff pay from the resident's minutes", req(guli.HelpDone, 9).CheckConfirm(staff, guli.ConfirmInput{PayFromBalance: true}), guli.ECForbidden},
		{"the requester pays from their minutes", req(guli.HelpDone, 9).CheckConfirm(resident, guli.ConfirmInput{PayFromBalance: true}), ""},
		{"a rating of six", (&guli.ConfirmInput{Rating: 6}).Validate(), guli.ECValidation},
		{"a rating below none", (&guli.ConfirmInput{Rating: -1}).Validate(), guli.ECValidation},
		{"a long word of thanks", (&guli.ConfirmInput{Comment: strings.Repeat("谢", 501)}).Validate(), guli.ECValidation},
		{"thanks of the longest", (&guli.ConfirmInput{Rating: 5, Comment: strings.Repeat("谢", 500)}).Validate(), ""},
		{"the requester cancels a claimed one", req(guli.HelpClaimed, 9).CheckCancel(resident), ""},
		{"cancelled once done", req(guli.HelpDone, 9).CheckCancel(resident), guli.ECNotCancellable},
		{"a volunteer cancels", req(guli.HelpOpen, 0).CheckCancel(volunteer), guli.ECForbidden},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWhoSeesTheRequestersContact(t *testing.T) {
	h := &guli.HelpRequest{StationID: 1, RequesterID: 8, VolunteerID: 9}
	for _, tt := range []struct {
		name   string
		viewer *guli.User
		want   bool
	}{
		{"the requester", &guli.User{ID: 8}, true},
		{"the claimer", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleVolunteer}}, true},
		{"another volunteer", &guli.User{ID: 10, Roles: []guli.Role{guli.RoleVolunteer}}, false},
		{"staff of the station", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}, true},
		{"staff elsewhere", &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, false},
		{"nobody", nil, false},
	} {
		if got := h.SeesRequesterContact(tt.viewer); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if (&guli.HelpRequest{VolunteerID: 0}).SeesRequesterContact(&guli.User{ID: 0}) {
		t.Error("an unclaimed request shows the contact to a user without id")
	}
}

func TestHelpRequestInputAndOverdue(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		in   guli.HelpRequestInput
		want string
	}{
		{"valid", guli.HelpRequestInput{Title: " 帮忙取药 ", Category: "errand", NeededBy: now.Add(3 * time.Hour)}, ""},
		{"empty", guli.HelpRequestInput{}, "category:required title:required"},
		{"an unknown category", guli.HelpRequestInput{Title: "修水管", Category: "plumbing"}, "category:invalid"},
		{"needed long ago", guli.HelpRequestInput{Title: "修水管", Category: "repair", NeededBy: now.AddDate(0, 0, -3)}, "needed_by:out_of_range"},
	} {
		if got := fieldsOf(tt.in.Validate(now)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	open := &guli.HelpRequest{Status: guli.HelpOpen, CreatedAt: now.Add(-49 * time.Hour)}
	claimed := &guli.HelpRequest{Status: guli.HelpClaimed, CreatedAt: now.Add(-49 * time.Hour)}
	fresh := &guli.HelpRequest{Status: guli.HelpOpen, CreatedAt: now.Add(-47 * time.Hour)}
	if !open.Overdue(now) || claimed.Overdue(now) || fresh.Overdue(now) {
		t.Error("overdue: open 49 h should be, claimed or 47 h not")
	}
}

func TestTransferInputValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   guli.TransferInput
		want string
	}{
		{"valid", guli.TransferInput{ToUserID: 2, Minutes: 30, Key: "a-1"}, ""},
		{"to oneself", guli.TransferInput{ToUserID: 1, Minutes: 30}, "to_user_id:invalid"},
		{"to nobody, nothing", guli.TransferInput{}, "minutes:out_of_range to_user_id:required"},
		{"a key of stray bytes", guli.TransferInput{ToUserID: 2, Minutes: 1, Key: "\xff\x00"}, "Idempotency-Key:invalid_text"},
		{"by phone", guli.TransferInput{ToPhone: "138 0000 0008", Minutes: 30}, ""},
		{"by a full-width phone", guli.TransferInput{ToPhone: "１３８００００００１０", Minutes: 30}, ""},
		{"by a phone that is not one", guli.TransferInput{ToPhone: "1380000", Minutes: 30}, "to_phone:invalid_phone"},
		{"by a landline", guli.TransferInput{ToPhone: "02156781234", Minutes: 30}, "to_phone:invalid_phone"},
		{"by id and phone at once", guli.TransferInput{ToUserID: 2, ToPhone: "13800000008", Minutes: 30}, "to_phone:one_of"},
		{"a blank phone and no id", guli.TransferInput{ToPhone: "  ", Minutes: 30}, "to_user_id:required"},
	} {
		if got := fieldsOf(tt.in.Validate(1)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTransferInputNormalizesThePhone(t *testing.T) {
	in := guli.TransferInput{ToPhone: " 138-0000-0008 ", Minutes: 1}
	if err := in.Validate(1); err != nil || in.ToPhone != "13800000008" {
		t.Fatalf("%v, phone %q", err, in.ToPhone)
	}
}

func TestTransferRecipientIsNotTheSender(t *testing.T) {
	byID, byPhone := guli.TransferInput{ToUserID: 1}, guli.TransferInput{ToPhone: "13800000008"}
	for _, tt := range []struct {
		name     string
		in       guli.TransferInput
		from, to guli.ID
		want     string
	}{
		{"someone else, by id", byID, 2, 1, ""},
		{"oneself, by id", byID, 1, 1, "to_user_id:invalid"},
		{"someone else, by phone", byPhone, 2, 3, ""},
		{"one's own phone", byPhone, 3, 3, "to_phone:own_phone"},
	} {
		if got := fieldsOf(tt.in.CheckRecipient(tt.from, tt.to)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckCredit(t *testing.T) {
	for _, tt := range []struct {
		name    string
		minutes int
		memo    string
		want    string
	}{
		{"an afternoon", 240, "重阳节活动", ""},
		{"nothing", 0, "", "minutes:out_of_range"},
		{"more than a thousand days", guli.MaxTransferMinutes + 1, "", "minutes:out_of_range"},
		{"a long memo", 60, strings.Repeat("谢", 201), "memo:too_long"},
	} {
		if got := fieldsOf(guli.CheckCredit(tt.minutes, tt.memo)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckWithdrawal(t *testing.T) {
	for _, tt := range []struct {
		name             string
		balance, minutes int
		fund             bool
		want             string
	}{
		{"within the balance", 60, 60, false, ""},
		{"more than the balance", 59, 60, false, guli.ECInsufficientBalance},
		{"the fund goes below zero", 0, 120, true, ""},
		{"nothing", 60, 0, false, guli.ECValidation},
		{"negative", 60, -5, false, guli.ECValidation},
	} {
		if got := codeOf(guli.CheckWithdrawal(tt.balance, tt.minutes, tt.fund)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// An Idempotency-Key is one transfer: sent again with the same recipient,
// minutes and memo it is that transfer; with anything else it is refused,
// so a form sent back with other minutes is not taken for the first.
func TestTransferKeyIsOneTransfer(t *testing.T) {
	first := guli.TransferInput{ToPhone: "138 0000 0008", Minutes: 30, Memo: " 给妈妈 ", Key: "k-1"}
	if err := first.Validate(1); err != nil {
		t.Fatal(err)
	}
	asked := first.Request()
	for _, tt := range []struct {
		name string
		in   guli.TransferInput
		want string
	}{
		{"the same, written otherwise", guli.TransferInput{ToPhone: "13800000008", Minutes: 30, Memo: "给妈妈", Key: "k-1"}, ""},
		{"other minutes", guli.TransferInput{ToPhone: "13800000008", Minutes: 60, Memo: "给妈妈", Key: "k-1"}, "Idempotency-Key:key_reused"},
		{"another number", guli.TransferInput{ToPhone: "13800000009", Minutes: 30, Memo: "给妈妈", Key: "k-1"}, "Idempotency-Key:key_reused"},
		{"another memo", guli.TransferInput{ToPhone: "13800000008", Minutes: 30, Memo: "给爸爸", Key: "k-1"}, "Idempotency-Key:key_reused"},
		{"named by id", guli.TransferInput{ToUserID: 9, Minutes: 30, Memo: "给妈妈", Key: "k-1"}, "Idempotency-Key:key_reused"},
	} {
		if err := tt.in.Validate(1); err != nil {
			t.Fatal(err)
		}
		if got := fieldsOf(tt.in.CheckReplay(asked)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	// A key kept before what it asked was kept answers as before.
	if err := (&guli.TransferInput{ToUserID: 9, Minutes: 5}).CheckReplay(""); err != nil {
		t.Errorf("a key kept without its request: %v", err)
	}
}

func TestAnActionAskedAgainFindsItDone(t *testing.T) {
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	volunteer := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}
	other := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	req := func(status string, volunteer guli.ID) *guli.HelpRequest {
		return &guli.HelpRequest{ID: 5, StationID: 1, RequesterID: 8, Status: status, VolunteerID: volunteer}
	}
	for _, tt := range []struct {
		name   string
		h      *guli.HelpRequest
		action string
		actor  *guli.User
		want   bool
	}{
		{"claimed by them", req(guli.HelpClaimed, 9), "claim", volunteer, true},
		{"claimed by another", req(guli.HelpClaimed, 10), "claim", volunteer, false},
		{"given back", req(guli.HelpOpen, 0), "release", volunteer, true},
		{"given back, to its requester", req(guli.HelpOpen, 0), "release", resident, false},
		{"taken by another meanwhile", req(guli.HelpClaimed, 10), "release", volunteer, false},
		{"done by them", req(guli.HelpDone, 9), "done", volunteer, true},
		{"done and confirmed", req(guli.HelpConfirmed, 9), "done", volunteer, true},
		{"done by another", req(guli.HelpDone, 10), "done", volunteer, false},
		{"still claimed", req(guli.HelpClaimed, 9), "done", volunteer, false},
		{"confirmed, to its requester", req(guli.HelpConfirmed, 9), "confirm", resident, true},
		{"confirmed, to staff of the station", req(guli.HelpConfirmed, 9), "confirm", staff, true},
		{"confirmed, to staff of another", req(guli.HelpConfirmed, 9), "confirm", elsewhere, false},
		{"confirmed, to another volunteer", req(guli.HelpConfirmed, 9), "confirm", other, false},
		{"only done", req(guli.HelpDone, 9), "confirm", resident, false},
		{"withdrawn, to its requester", req(guli.HelpCancelled, 0), "cancel", resident, true},
		{"withdrawn, to a stranger", req(guli.HelpCancelled, 0), "cancel", other, false},
		{"confirmed, withdrawn again", req(guli.HelpConfirmed, 9), "cancel", resident, false},
		{"nobody signed in", req(guli.HelpCancelled, 0), "cancel", nil, false},
		{"no such action", req(guli.HelpClaimed, 9), "fly", volunteer, false},
	} {
		if got := tt.h.Already(tt.action, tt.actor); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWhoReadsAHelpRequest(t *testing.T) {
	h := &guli.HelpRequest{StationID: 1, RequesterID: 8, VolunteerID: 9}
	tests := []struct {
		name   string
		viewer *guli.User
		reads  bool
		scope  guli.HelpListScope
	}{
		{"the requester", &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}, true, guli.ListOwn},
		{"the claimer", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}, true, guli.ListAll},
		{"another volunteer", &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}, true, guli.ListAll},
		{"a resident who signed up", &guli.User{ID: 11, Roles: []guli.Role{guli.RoleResident}}, false, guli.ListOwn},
		{"staff of the station", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}, true, guli.ListStaffStations},
		{"staff of another station", &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, false, guli.ListStaffStations},
		{"the district's admin", &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}, true, guli.ListAll},
		{"nobody", nil, false, guli.ListOwn},
	}
	for _, tt := range tests {
		if got := h.VisibleTo(tt.viewer); got != tt.reads {
			t.Errorf("%s reads it: %v, want %v", tt.name, got, tt.reads)
		}
		if got := guli.HelpListScopeOf(tt.viewer); got != tt.scope {
			t.Errorf("%s lists %v, want %v", tt.name, got, tt.scope)
		}
	}
}

func TestNobodyCreditsThemselves(t *testing.T) {
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	if guli.MayCreditTo(staff, staff.ID) || !guli.MayCreditTo(staff, 2) || guli.MayCreditTo(nil, 2) {
		t.Error("staff may credit themselves, or others may not be credited")
	}
}

func TestHelpRequestShownTo(t *testing.T) {
	now := time.Date(2023, 10, 15, 10, 0, 0, 0, time.UTC)
	const here guli.ID = 1
	child := &guli.HelpRequest{StationID: here, RequesterID: 20, Requester: "小明", RequesterBirthYear: 2015}
	grownUp := &guli.HelpRequest{StationID: here, RequesterID: 21, Requester: "张阿婆", RequesterBirthYear: 1948}
	volunteer := &guli.User{ID: 30, Roles: []guli.Role{guli.RoleVolunteer}}
	for _, tt := range []struct {
		name     string
		h        *guli.HelpRequest
		reader   *guli.User
		guardian bool
		hidden   bool
	}{
		{"a volunteer, a child", child, volunteer, false, true},
		{"nobody (a notification), a child", child, nil, false, true},
		{"the guardian, a child", child, volunteer, true, false},
		{"the station's staff, a child", child, &guli.User{ID: 31, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}, false, false},
		{"another station's staff, a child", child, &guli.User{ID: 32, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, false, true},
		{"a volunteer, a grown-up", grownUp, volunteer, false, false},
		{"a volunteer, birth year unknown", &guli.HelpRequest{Requester: "某人"}, volunteer, false, false},
	} {
		got := tt.h.ShownTo(tt.reader, tt.guardian, now)
		if hidden := got.Requester == "" && got.RequesterChild; hidden != tt.hidden || !tt.hidden && got != tt.h {
			t.Errorf("%s: %+v", tt.name, got)
		}
		if tt.h.Requester == "" {
			t.Fatalf("%s: the request itself was changed", tt.name)
		}
	}
}
