package password_test

import (
	"strings"
	"testing"

	"guli/password"
)

func TestHashAndVerify(t *testing.T) {
	for _, p := range []password.Params{password.Fast, password.Default} {
		h, err := password.Hash("顾里小站2023", p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$") {
			t.Fatalf("hash %q not in PHC argon2id form", h)
		}
		tests := []struct {
			pw   string
			want bool
		}{
			{"顾里小站2023", true},
			{"顾里小站2024", false},
			{"", false},
		}
		for _, tt := range tests {
			ok, err := password.Verify(tt.pw, h)
			if err != nil || ok != tt.want {
				t.Errorf("Verify(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
			}
		}
		h2, _ := password.Hash("顾里小站2023", p)
		if h2 == h {
			t.Error("two hashes of one password are equal: salt not random")
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, enc := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if ok, err := password.Verify("password", enc); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want false and an error", enc, ok, err)
		}
	}
}
