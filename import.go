package guli

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Importing residents from the residents' committees' rosters: the rules
// that need no database. The roster package reads the files; the store
// checks what needs the database (numbers already registered) and creates
// the accounts, all or none.

// RosterColumn is a column of a roster that the import reads.
type RosterColumn string

const (
	ColName           RosterColumn = "name"
	ColPhone          RosterColumn = "phone"
	ColBirth          RosterColumn = "birth"
	ColArea           RosterColumn = "area"
	ColEmergencyName  RosterColumn = "emergency_name"
	ColEmergencyPhone RosterColumn = "emergency_phone"
	ColNote           RosterColumn = "note"
)

// RosterColumns are the columns in the order of the template.
var RosterColumns = []RosterColumn{ColName, ColPhone, ColBirth, ColArea, ColEmergencyName, ColEmergencyPhone, ColNote}

// rosterHeaders are the headers committees write for each column, Chinese
// first (the template's), then English; compared as NormalizeHeader makes
// them.
var rosterHeaders = map[RosterColumn][]string{
	ColName:           {"姓名", "名字", "居民姓名", "name", "fullname"},
	ColPhone:          {"手机号", "手机", "手机号码", "联系电话", "电话", "电话号码", "phone", "mobile", "phonenumber", "mobilephone"},
	ColBirth:          {"出生年份", "出生年", "出生日期", "出生年月", "出生年月日", "生日", "birthyear", "yearofbirth", "birthdate", "dateofbirth", "birthday", "born"},
	ColArea:           {"小区", "所在小区", "所属小区", "居委", "居委会", "所属居委", "所属居委会", "area", "neighbourhood", "neighborhood", "committee"},
	ColEmergencyName:  {"紧急联系人", "紧急联系人姓名", "emergencycontact", "emergencycontactname"},
	ColEmergencyPhone: {"紧急联系电话", "紧急联系人电话", "紧急联系人手机", "紧急联系人手机号", "emergencyphone", "emergencycontactphone"},
	ColNote:           {"备注", "说明", "note", "notes", "remark", "remarks"},
}

// RosterHeaders are the template's headers, in Chinese as committees
// write them.
func RosterHeaders() []string {
	out := make([]string, len(RosterColumns))
	for i, c := range RosterColumns {
		out[i] = rosterHeaders[c][0]
	}
	return out
}

var headerNoise = regexp.MustCompile(`[\s_*:：·.\-]|[(（\[【][^)）\]】]*[)）\]】]`)

// NormalizeHeader makes a header comparable: full-width letters folded,
// lower case, without spaces, marks of a required column (*) and what is
// in brackets: "手机号（必填）" reads as "手机号", "Birth Year" as
// "birthyear".
func NormalizeHeader(h string) string {
	return headerNoise.ReplaceAllString(strings.ToLower(FoldWidth(strings.TrimSpace(h))), "")
}

// MatchRosterHeader returns the column a header names, "" for none.
func MatchRosterHeader(h string) RosterColumn {
	n := NormalizeHeader(h)
	if n == "" {
		return ""
	}
	for _, c := range RosterColumns {
		for _, known := range rosterHeaders[c] {
			if n == known {
				return c
			}
		}
	}
	return ""
}

// RosterLayout says which cell of a row holds which column.
type RosterLayout map[RosterColumn]int

// MatchRosterLayout reads a header row: where each known column is (the
// first of two with the same meaning wins) and the headers it does not
// know. ok is false when the row lacks a name or a phone column, the two
// an import needs.
func MatchRosterLayout(header []string) (layout RosterLayout, unknown []string, ok bool) {
	layout = RosterLayout{}
	for i, h := range header {
		c := MatchRosterHeader(h)
		if c == "" {
			if strings.TrimSpace(h) != "" {
				unknown = append(unknown, strings.TrimSpace(h))
			}
			continue
		}
		if _, seen := layout[c]; !seen {
			layout[c] = i
		}
	}
	_, name := layout[ColName]
	_, phone := layout[ColPhone]
	return layout, unknown, name && phone
}

// RosterRow is one row of a roster as read: the number a spreadsheet
// shows for it, and its cells by column (missing columns are empty).
type RosterRow struct {
	Row   int
	Cells map[RosterColumn]string
}

// Roster is a roster file as read: its rows, and the headers it has that
// the import does not read.
type Roster struct {
	Rows    []RosterRow
	Ignored []string
}

// Limits of a roster: a street's committees together have a few tens of
// thousands of residents; a file far larger is a mistake or an attack.
const (
	MaxRosterBytes = 20 << 20
	MaxRosterRows  = 200_000
	// MaxReportProblems is how many problems a report lists; it counts
	// them all.
	MaxReportProblems = 200
)

// Reasons a row or a roster is refused, beyond the common field reasons
// (required, too_long, invalid_text, invalid_phone, out_of_range,
// invalid_date, unknown_area, phone_taken).
const (
	FRPhoneRepeated    = "phone_repeated"  // the same number on an earlier row
	FRNotAName         = "not_a_name"      // looks like a formula or a number
	FRMissingColumns   = "missing_columns" // no name or no phone column
	FRTooManyRows      = "too_many_rows"
	FRUnreadableFile   = "unreadable_file"    // neither a workbook nor text
	FRWorkbookTooLarge = "workbook_too_large" // unzips to more than a roster can be
	FREmptyRoster      = "empty_roster"       // a header and no rows
	FRContactRequired  = "contact_incomplete"
)

// RosterProblem is why one cell of a roster cannot be imported. Row is
// the row's number as the spreadsheet shows it; Other is, for a repeated
// number, the row that had it first.
type RosterProblem struct {
	Row    int
	Column RosterColumn
	Reason string
	Value  string // what the cell held, shortened, to find it
	Other  int
}

// NewResident is a roster row ready to become an account.
type NewResident struct {
	Row              int
	Name             string
	Phone            string
	AreaID           ID
	BirthYear        int
	EmergencyContact *EmergencyContact
}

// ImportInput asks for a roster to be imported into a station; with
// DryRun nothing is written. Progress, when set, is told how many of the
// rows are done while a long import writes.
type ImportInput struct {
	StationID ID
	Roster    *Roster
	DryRun    bool
	Progress  func(done, total int)
}

// ImportReport is what an import did or, dry, would do: rows read, the
// accounts created (or to create), the rows whose number is already
// registered to a person of the same name (skipped), and the problems,
// the first MaxReportProblems of ProblemCount. Imported is true when the
// accounts were created; a roster with any problem imports nothing.
type ImportReport struct {
	DryRun       bool
	Imported     bool
	Rows         int
	New          int
	Existing     int
	ProblemCount int
	Problems     []RosterProblem
	Ignored      []string
}

// AddProblem counts a problem and keeps it while the report lists fewer
// than MaxReportProblems.
func (r *ImportReport) AddProblem(p RosterProblem) {
	r.ProblemCount++
	if len(r.Problems) < MaxReportProblems {
		r.Problems = append(r.Problems, p)
	}
}

// ImportService imports residents from rosters and keeps an uploaded
// roster between its dry run and its import.
type ImportService interface {
	// ImportResidents checks a roster and, unless dry, creates its new
	// residents in one transaction, or none: staff of the station only.
	ImportResidents(ctx context.Context, in ImportInput) (*ImportReport, error)
	// KeepRoster keeps an uploaded file for its uploader, for a short
	// while, and returns the token that finds it again.
	KeepRoster(ctx context.Context, station ID, data []byte) (string, error)
	// KeptRoster returns a file kept by the acting staff member for the
	// station; not_found when it is not theirs, is gone or too old.
	KeptRoster(ctx context.Context, station ID, token string) ([]byte, error)
}

// NoteRoster marks a body_too_large answer to a roster's upload, whose
// limit is MaxRosterBytes.
const NoteRoster = "roster"

// KeptRosterLifetime is how long an uploaded roster waits for its import.
const KeptRosterLifetime = 30 * time.Minute

// CheckRoster checks rows by the rules that need no database, against
// the station's areas: what is valid becomes a NewResident, the rest a
// problem in the report. A number on two rows is a problem on the second.
func CheckRoster(rows []RosterRow, areas []*Area, now time.Time, report *ImportReport) []NewResident {
	out := make([]NewResident, 0, len(rows))
	firstRow := make(map[string]int, len(rows))
	for _, row := range rows {
		report.Rows++
		res, problems := checkRosterRow(row, areas, now)
		if res.Phone != "" {
			if first, seen := firstRow[res.Phone]; seen {
				problems = append(problems, RosterProblem{Row: row.Row, Column: ColPhone, Reason: FRPhoneRepeated,
					Value: shorten(row.Cells[ColPhone]), Other: first})
			} else {
				firstRow[res.Phone] = row.Row
			}
		}
		if len(problems) > 0 {
			for _, p := range problems {
				report.AddProblem(p)
			}
			continue
		}
		out = append(out, res)
	}
	return out
}

func checkRosterRow(row RosterRow, areas []*Area, now time.Time) (NewResident, []RosterProblem) {
	var problems []RosterProblem
	add := func(c RosterColumn, reason string) {
		problems = append(problems, RosterProblem{Row: row.Row, Column: c, Reason: reason, Value: shorten(row.Cells[c])})
	}
	cell := func(c RosterColumn) (string, bool) {
		v := strings.TrimSpace(row.Cells[c])
		if !ValidText(v) || strings.ContainsRune(v, utf8.RuneError) {
			add(c, FRInvalidText)
			return "", false
		}
		return v, true
	}
	res := NewResident{Row: row.Row}
	if name, ok := cell(ColName); ok {
		res.Name = name
		switch {
		case name == "":
			add(ColName, FRRequired)
		case utf8.RuneCountInString(name) > MaxNameRunes:
			add(ColName, FRTooLong)
		case !looksLikeName(name):
			add(ColName, FRNotAName)
		case IsClosedAccountName(name):
			add(ColName, FRClosedName)
		}
	}
	if phone, ok := cell(ColPhone); ok {
		phone = RosterPhone(phone)
		switch {
		case phone == "":
			add(ColPhone, FRRequired)
		case !ValidPhone(phone):
			add(ColPhone, FRInvalidPhone)
		default:
			res.Phone = phone
		}
	}
	if birth, ok := cell(ColBirth); ok && birth != "" {
		year, reason := ParseBirthYear(birth, now)
		if reason != "" {
			add(ColBirth, reason)
		}
		res.BirthYear = year
	}
	if area, ok := cell(ColArea); ok {
		id, reason := FindArea(areas, area)
		if reason != "" {
			add(ColArea, reason)
		}
		res.AreaID = id
	}
	ecName, okName := cell(ColEmergencyName)
	ecPhone, okPhone := cell(ColEmergencyPhone)
	if okName && okPhone && (ecName != "" || ecPhone != "") {
		ecPhone = RosterPhone(ecPhone)
		switch {
		case ecName == "":
			add(ColEmergencyName, FRContactRequired)
		case utf8.RuneCountInString(ecName) > MaxNameRunes:
			add(ColEmergencyName, FRTooLong)
		case ecPhone == "":
			add(ColEmergencyPhone, FRContactRequired)
		case !ValidPhone(ecPhone):
			add(ColEmergencyPhone, FRInvalidPhone)
		default:
			res.EmergencyContact = &EmergencyContact{Name: ecName, Phone: ecPhone}
		}
	}
	return res, problems
}

// looksLikeName refuses what a spreadsheet would take for a formula
// (=, +, -, @ first) and cells of digits only: a name in the wrong column.
func looksLikeName(s string) bool {
	if strings.ContainsAny(s[:1], "=+-@") {
		return false
	}
	return strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// shorten keeps enough of a cell to find it in the file.
func shorten(s string) string {
	s = strings.TrimSpace(s)
	if !ValidText(s) {
		return ""
	}
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// RosterPhone reads a phone number as rosters write it: with spaces,
// dashes or full-width digits, +86 or 86 in front, or as a spreadsheet
// shows a long number (1.3800138E+10).
func RosterPhone(s string) string {
	p := NormalizePhone(s)
	p = strings.TrimPrefix(p, "+86")
	if len(p) == 13 && strings.HasPrefix(p, "86") {
		p = p[2:]
	}
	if strings.ContainsAny(p, "Ee") {
		if f, err := strconv.ParseFloat(p, 64); err == nil && f >= 1e10 && f < 2e10 && f == float64(int64(f)) {
			p = strconv.FormatInt(int64(f), 10)
		}
	}
	return p
}

var birthPattern = regexp.MustCompile(`^(\d{4})(?:\s*(?:年|[-/.])\s*(\d{1,2})(?:\s*(?:月|[-/.])\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?$`)

// ParseBirthYear reads a birth year or date as committees write it: 1948,
// 1948年, 1948-03-02, 1948/3/2, 1948.3, 1948年3月2日, 19480302. The
// reason is invalid_date for what it cannot read and out_of_range for a
// year before 1900 or in the future.
func ParseBirthYear(s string, now time.Time) (int, string) {
	s = strings.TrimSpace(FoldWidth(s))
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	m := birthPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, FRDate
	}
	year, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		if month, _ := strconv.Atoi(m[2]); month < 1 || month > 12 {
			return 0, FRDate
		}
	}
	if m[3] != "" {
		if day, _ := strconv.Atoi(m[3]); day < 1 || day > 31 {
			return 0, FRDate
		}
	}
	if year < 1900 || year > now.Year() {
		return 0, FROutOfRange
	}
	return year, ""
}

// FindArea finds the area a roster names, by the area's name or its
// committee's, with or without the words 小区, 居委会, 居民委员会, 社区.
// A blank cell is the station's only area, and a problem where it has
// several.
func FindArea(areas []*Area, s string) (ID, string) {
	key := areaKey(s)
	if key == "" {
		if len(areas) == 1 {
			return areas[0].ID, ""
		}
		return 0, FRRequired
	}
	for _, a := range areas {
		if areaKey(a.Name) == key || (a.Committee != "" && areaKey(a.Committee) == key) {
			return a.ID, ""
		}
	}
	return 0, FRUnknownArea
}

func areaKey(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(FoldWidth(s))), "")
	for _, suffix := range []string{"居民委员会", "居委会", "居委", "小区", "社区"} {
		if t, ok := strings.CutSuffix(s, suffix); ok && t != "" {
			return t
		}
	}
	return s
}

// SameName reports whether a roster's name is the registered person's:
// alike but for spaces and full-width letters.
func SameName(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(FoldWidth(s))), "") }
	return norm(a) == norm(b)
}

// SpreadsheetCell makes text safe to write into a spreadsheet or CSV that
// someone will open: a cell that starts like a formula (=, +, -, @, or a
// tab or carriage return before one) gets an apostrophe in front, so
// Excel shows it as text and never runs it.
func SpreadsheetCell(s string) string {
	if s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") {
		return "'" + s
	}
	return s
}
