package core

import (
	"bytes"
	"encoding/json"
	"time"

	"guli"
)

// ExportView writes a person's export, the API's download and the page's,
// as one JSON object: user_id, exported_at, then each section by its name
// — an object (or null) for the profile and others of one record, a list
// for the rest — with each record's fields in their order.
type ExportView struct{ X *guli.DataExport }

func (v ExportView) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"user_id":`)
	if err := writeJSON(&b, WireID(v.X.UserID)); err != nil {
		return nil, err
	}
	b.WriteString(`,"exported_at":`)
	if err := writeJSON(&b, v.X.ExportedAt.In(DefaultZone)); err != nil {
		return nil, err
	}
	for _, s := range v.X.Sections {
		b.WriteString(",")
		writeJSON(&b, s.Name)
		b.WriteString(":")
		switch {
		case s.One && len(s.Rows) == 0:
			b.WriteString("null")
		case s.One:
			if err := writeRow(&b, s.Rows[0]); err != nil {
				return nil, err
			}
		default:
			b.WriteString("[")
			for i, row := range s.Rows {
				if i > 0 {
					b.WriteString(",")
				}
				if err := writeRow(&b, row); err != nil {
					return nil, err
				}
			}
			b.WriteString("]")
		}
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

func writeRow(b *bytes.Buffer, row guli.ExportRow) error {
	b.WriteString("{")
	for i, f := range row {
		if i > 0 {
			b.WriteString(",")
		}
		writeJSON(b, f.Key)
		b.WriteString(":")
		v := f.Value
		switch x := v.(type) {
		case guli.ID:
			v = WireID(x)
		case time.Time:
			v = x.In(DefaultZone)
		}
		if err := writeJSON(b, v); err != nil {
			return err
		}
	}
	b.WriteString("}")
	return nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	out, err := json.Marshal(v)
	b.Write(out)
	return err
}

// ExportFileName is the name an export downloads as.
func ExportFileName(x *guli.DataExport) string {
	return "guli-" + x.UserID.String() + "-" + x.ExportedAt.In(DefaultZone).Format("2006-01-02") + ".json"
}
