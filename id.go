package guli

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// ID identifies any stored thing.
type ID int64

// NoID is an ID that never names a stored thing: what a malformed ID parses to,
// so a lookup answers not_found instead of the request failing to decode.
const NoID ID = -1

func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// ParseID parses s; anything but a positive integer gives NoID.
func ParseID(s string) ID {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return NoID
	}
	return ID(n)
}

// ListOptions asks for one page of a list.
type ListOptions struct {
	Limit  int    // 1..MaxLimit; 0 means DefaultLimit
	Cursor string // opaque, from a previous Page.NextCursor
}

const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// PageSize returns the effective limit.
func (o ListOptions) PageSize() int {
	switch {
	case o.Limit <= 0:
		return DefaultLimit
	case o.Limit > MaxLimit:
		return MaxLimit
	}
	return o.Limit
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// EncodeCursor makes an opaque cursor of the sort key parts of the last item.
func EncodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x1f")))
}

// DecodeCursor reverses EncodeCursor; want is the number of parts expected.
func DecodeCursor(cursor string, want int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, Invalid("cursor", FRInvalid)
	}
	parts := strings.Split(string(b), "\x1f")
	if len(parts) != want {
		return nil, Invalid("cursor", FRInvalid)
	}
	return parts, nil
}

// IDCursor decodes a cursor made of one ID; an empty cursor gives 0.
func IDCursor(cursor string) (ID, error) {
	if cursor == "" {
		return 0, nil
	}
	parts, err := DecodeCursor(cursor, 1)
	if err != nil {
		return 0, err
	}
	id := ParseID(parts[0])
	if id == NoID {
		return 0, Invalid("cursor", FRInvalid)
	}
	return id, nil
}
