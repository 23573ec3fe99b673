package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestPasswordWeakness(t *testing.T) {
	const phone = "13987654321"
	tests := []struct {
		pw   string
		want string
	}{
		{"1234567", guli.FRPasswordShort},
		{"血压计密码七个", guli.FRPasswordShort},
		{"12345678", guli.FRPasswordCommon},
		{"        ", guli.FRPasswordOneChar},
		{"aaaaaaaa", guli.FRPasswordOneChar},
		{"书书书书书书书书", guli.FRPasswordOneChar},
		{"password", guli.FRPasswordCommon},
		{"PassWord", guli.FRPasswordCommon},
		{"iloveyou", guli.FRPasswordCommon},
		{"woaini1314", guli.FRPasswordCommon},
		{"qq123456", guli.FRPasswordCommon},
		{phone, guli.FRPasswordIsPhone},
		{"139 8765 4321", guli.FRPasswordIsPhone},
		{"+8613987654321", guli.FRPasswordIsPhone},
		{"87654321", guli.FRPasswordIsPhone}, // the number without its first three digits
		{"１２３４５６７８", guli.FRPasswordCommon},
		{" 12345678", guli.FRPasswordCommon},
		{"12345678 ", guli.FRPasswordCommon},
		{"1234 5678", guli.FRPasswordCommon},
		{"aaaaaaaA", guli.FRPasswordOneChar},
		{"ａａａａａａａａ", guli.FRPasswordOneChar},
		{"１３９８７６５４３２１", guli.FRPasswordIsPhone},
		{"008613987654321", guli.FRPasswordIsPhone},
		{"86-139-8765-4321", guli.FRPasswordIsPhone},
		{"guli-demo-2023", ""},
		{"馨清佳苑三号楼二单元", ""},
		{"书法班的老同学们", ""},
		{"aaaaaaab", ""},
	}
	for _, tt := range tests {
		if got := guli.PasswordWeakness(tt.pw, phone); got != tt.want {
			t.Errorf("PasswordWeakness(%q) = %q, want %q", tt.pw, got, tt.want)
		}
	}
	if got := guli.PasswordWeakness("13812345678", ""); got != "" {
		t.Errorf("a number-like password for an account without a phone: %q", got)
	}
}

func TestWeakPasswordIsItsOwnErrorCode(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	in := guli.RegisterInput{Name: "陈阿姨", Phone: "13912345678", Password: "password", AreaID: 1}
	err := in.Validate(now)
	if e := guli.AsError(err); e.Code != guli.ECWeakPassword || e.Fields["password"] != guli.FRPasswordCommon {
		t.Fatalf("weak password alone: %v", err)
	}
	in.Name = ""
	if e := guli.AsError(in.Validate(now)); e.Code != guli.ECValidation || e.Fields["password"] != guli.FRPasswordCommon || e.Fields["name"] != guli.FRRequired {
		t.Fatalf("weak password and a missing name: %v", e)
	}
	in.Name, in.Password = "陈阿姨", "菊泉新城的桂花树"
	if err := in.Validate(now); err != nil {
		t.Fatalf("a good password: %v", err)
	}
}
