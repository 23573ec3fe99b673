package core

import "guli"

// CandidateView is a volunteer suggested for a help request, with the
// reasons in the reader's language.
type CandidateView struct {
	UserID      WireID   `json:"user_id"`
	Name        string   `json:"name"`
	Score       int      `json:"score"`
	Reasons     []string `json:"reasons"`
	ReasonCodes []string `json:"reason_codes"`
}

// ViewCandidate tells why c is suggested, alike for the API and the pages.
func (s *Core) ViewCandidate(lang string, c guli.Candidate) CandidateView {
	v := CandidateView{UserID: WireID(c.UserID), Name: c.Name, Score: c.Score, ReasonCodes: c.Reasons.Codes()}
	if v.ReasonCodes == nil {
		v.ReasonCodes = []string{}
	}
	v.Reasons = make([]string, len(v.ReasonCodes))
	for i, code := range v.ReasonCodes {
		key := "match.reason." + code // each in the catalogues, a test checks
		if code == "record" {
			v.Reasons[i] = s.Catalog.T(lang, key, c.Services)
		} else {
			v.Reasons[i] = s.Catalog.T(lang, key)
		}
	}
	return v
}
