package core

import (
	"bytes"
	"encoding/json"

	"guli"
)

// WireID is an id as the API writes and reads it: an opaque string such as
// "42". The domain's guli.ID knows nothing of JSON; views and request
// bodies carry a WireID instead.
type WireID guli.ID

// OptionalWireID is nil for the zero id, which the API writes as null.
func OptionalWireID(id guli.ID) *WireID {
	if id == 0 {
		return nil
	}
	w := WireID(id)
	return &w
}

// WireIDs returns ids as the API writes them; nil stays nil.
func WireIDs(ids []guli.ID) []WireID {
	if ids == nil {
		return nil
	}
	out := make([]WireID, len(ids))
	for i, id := range ids {
		out[i] = WireID(id)
	}
	return out
}

// DomainIDs returns ids as the domain takes them; nil stays nil.
func DomainIDs(ids []WireID) []guli.ID {
	if ids == nil {
		return nil
	}
	out := make([]guli.ID, len(ids))
	for i, id := range ids {
		out[i] = guli.ID(id)
	}
	return out
}

func (id WireID) String() string { return guli.ID(id).String() }

// MarshalJSON writes the id as a string.
func (id WireID) MarshalJSON() ([]byte, error) {
	return []byte(`"` + id.String() + `"`), nil
}

// UnmarshalJSON takes a string (or, leniently, a number). A string that is
// not an id becomes guli.NoID; the service then answers as for an unknown id.
func (id *WireID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = 0
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		s = n.String()
	}
	*id = WireID(guli.ParseID(s))
	return nil
}
