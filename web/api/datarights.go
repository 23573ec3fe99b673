package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// exportView writes a person's export as one JSON object: user_id,
// exported_at, then each section by its name — an object (or null) for
// the profile and others of one record, a list for the rest — with each
// record's fields in their order.
type exportView struct{ x *guli.DataExport }

func (v exportView) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"user_id":`)
	if err := writeJSON(&b, core.WireID(v.x.UserID)); err != nil {
		return nil, err
	}
	b.WriteString(`,"exported_at":`)
	if err := writeJSON(&b, v.x.ExportedAt.In(core.DefaultZone)); err != nil {
		return nil, err
	}
	for _, s := range v.x.Sections {
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
			v = core.WireID(x)
		case time.Time:
			v = x.In(core.DefaultZone)
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

// ExportMyData answers everything kept about the person as a download.
func (h *Handlers) ExportMyData(w http.ResponseWriter, r *http.Request) (int, any, error) {
	x, err := h.DataRights.ExportMyData(r.Context())
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+ExportFileName(x)+`"`)
	return http.StatusOK, exportView{x}, nil
}

// ExportFileName is the name an export downloads as.
func ExportFileName(x *guli.DataExport) string {
	return "guli-" + x.UserID.String() + "-" + x.ExportedAt.In(core.DefaultZone).Format("2006-01-02") + ".json"
}

// accountClosureView says what closing an account did.
type accountClosureView struct {
	UserID                 core.WireID `json:"user_id"`
	RegistrationsCancelled int         `json:"registrations_cancelled"`
	RequestsCancelled      int         `json:"requests_cancelled"`
	RequestsReleased       int         `json:"requests_released"`
	BookingsCancelled      int         `json:"bookings_cancelled"`
}

func viewAccountClosure(c *guli.AccountClosure) accountClosureView {
	return accountClosureView{UserID: core.WireID(c.UserID), RegistrationsCancelled: c.RegistrationsCancelled,
		RequestsCancelled: c.RequestsCancelled, RequestsReleased: c.RequestsReleased, BookingsCancelled: c.BookingsCancelled}
}

// CloseMyAccount closes the person's own account, given its password.
func (h *Handlers) CloseMyAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireUser(r.Context()); err != nil {
		return 0, nil, err
	}
	var body struct {
		Password string `json:"password"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	return closed(h.DataRights.CloseAccount(r.Context(), guli.CloseInput{Password: body.Password, ClientAddr: h.ClientAddr(r)}))
}

// CloseAccount closes a resident's account for them, by staff.
func (h *Handlers) CloseAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireStaff(r.Context()); err != nil {
		return 0, nil, err
	}
	id := guli.ParseID(r.PathValue("id"))
	if id == guli.NoID {
		return 0, nil, guli.Errorf(guli.ECNotFound)
	}
	return closed(h.DataRights.CloseAccount(r.Context(), guli.CloseInput{UserID: id, ClientAddr: h.ClientAddr(r)}))
}

func closed(c *guli.AccountClosure, err error) (int, any, error) {
	v, err := view(c, err, viewAccountClosure)
	return ok(v, err)
}
