package roster_test

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"guli"
	"guli/roster"
)

// gb is s as Chinese Excel saves a CSV file: GB18030.
func gb(t *testing.T, s string) string {
	t.Helper()
	out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A CSV file is read in the encoding it was saved in, and a few bytes
// that no encoding reads spoil their own cells, not the whole file: a
// UTF-8 file without a byte-order mark, as most programs but Excel save
// it, with one bad byte is still read as UTF-8.
func TestACSVFileIsReadInItsEncoding(t *testing.T) {
	const header = "姓名,手机号,小区\n"
	tests := []struct {
		name  string
		data  func(t *testing.T) string
		names []string // the rows' names as read
	}{
		{"UTF-8", func(*testing.T) string { return header + "钱秀英,13900000001,馨清佳苑\n" }, []string{"钱秀英"}},
		{"UTF-8 with a byte-order mark", func(*testing.T) string { return "\uFEFF" + header + "钱秀英,13900000001,馨清佳苑\n" }, []string{"钱秀英"}},
		{"GB18030", func(t *testing.T) string {
			return gb(t, header+"钱秀英,13900000001,馨清佳苑\n孙桂兰,13900000002,馨清佳苑\n")
		},
			[]string{"钱秀英", "孙桂兰"}},
		{"GB18030, names only", func(t *testing.T) string { return gb(t, "姓名,手机号\n钱秀英,13900000001\n") }, []string{"钱秀英"}},
		{"UTF-8 without a byte-order mark, a bad byte in a name", func(*testing.T) string {
			return header + "钱秀英,13900000001,馨清佳苑\n王\xff五,13900000002,馨清佳苑\n"
		}, []string{"钱秀英", "王\xff五"}},
		{"UTF-8 without a byte-order mark, bad bytes before a name", func(*testing.T) string {
			return header + "\xff\xfe坏,13900000004,馨清佳苑\n孙桂兰,13900000002,馨清佳苑\n"
		}, []string{"\xff\xfe坏", "孙桂兰"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := roster.Read([]byte(tt.data(t)), nil)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			var names []string
			for _, row := range r.Rows {
				names = append(names, row.Cells[guli.ColName])
			}
			if strings.Join(names, "|") != strings.Join(tt.names, "|") {
				t.Errorf("names %q, want %q", names, tt.names)
			}
		})
	}
}
