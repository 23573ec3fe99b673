package sqlstore

import (
	"encoding/json"
	"time"

	"guli"
)

// Some columns hold JSON. Its form is the database's own, written here
// rather than by the domain's types, so that rows written before read the
// same and the API's form can change without touching stored data.

// hoursColumn is opening hours as stored: the API's map of "mon".."sun" to
// "HH:MM-HH:MM" spans.
func hoursColumn(oh guli.OpeningHours) string {
	b, _ := json.Marshal(oh.Map())
	return string(b)
}

func parseHoursColumn(s string) (guli.OpeningHours, error) {
	var raw map[string][]string
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return guli.OpeningHours{}, err
	}
	return guli.ParseOpeningHours("opening_hours", raw)
}

// idsColumn is a list of ids as stored: decimal strings.
func idsColumn(ids []guli.ID) string {
	var strs []string
	if ids != nil {
		strs = make([]string, len(ids))
	}
	for i, id := range ids {
		strs[i] = id.String()
	}
	b, _ := json.Marshal(strs)
	return string(b)
}

func parseIDsColumn(s string) ([]guli.ID, error) {
	var strs []string
	if err := json.Unmarshal([]byte(s), &strs); err != nil || strs == nil {
		return nil, err
	}
	ids := make([]guli.ID, len(strs))
	for i, str := range strs {
		ids[i] = guli.ParseID(str)
	}
	return ids, nil
}

// paramsColumn is a notification's parameters as stored.
type paramsColumn struct {
	ActivityID    string    `json:"activity_id,omitempty"`
	ActivityTitle string    `json:"activity_title,omitempty"`
	Start         time.Time `json:"start,omitzero"`
	Timezone      string    `json:"timezone,omitempty"`
	HelpID        string    `json:"help_id,omitempty"`
	HelpTitle     string    `json:"help_title,omitempty"`
	Person        string    `json:"person,omitempty"`
	Minutes       int       `json:"minutes,omitempty"`
	ToName        string    `json:"to_name,omitempty"`
	PostID        string    `json:"post_id,omitempty"`
	PostTitle     string    `json:"post_title,omitempty"`
	ProposalID    string    `json:"proposal_id,omitempty"`
	ProposalTitle string    `json:"proposal_title,omitempty"`
	CouncilID     string    `json:"council_id,omitempty"`
	Outcome       string    `json:"outcome,omitempty"`
}

func storeParams(p guli.NotificationParams) (string, error) {
	c := paramsColumn{ActivityTitle: p.ActivityTitle, Start: p.Start, Timezone: p.Timezone,
		HelpTitle: p.HelpTitle, Person: p.Person, Minutes: p.Minutes, ToName: p.ToName, PostTitle: p.PostTitle,
		ProposalTitle: p.ProposalTitle, Outcome: p.Outcome}
	if p.ProposalID != 0 {
		c.ProposalID, c.CouncilID = p.ProposalID.String(), p.CouncilID.String()
	}
	if p.PostID != 0 {
		c.PostID = p.PostID.String()
	}
	if p.ActivityID != 0 {
		c.ActivityID = p.ActivityID.String()
	}
	if p.HelpID != 0 {
		c.HelpID = p.HelpID.String()
	}
	b, err := json.Marshal(c)
	return string(b), err
}

func parseParams(s string) (guli.NotificationParams, error) {
	var c paramsColumn
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return guli.NotificationParams{}, err
	}
	p := guli.NotificationParams{ActivityTitle: c.ActivityTitle, Start: c.Start, Timezone: c.Timezone,
		HelpTitle: c.HelpTitle, Person: c.Person, Minutes: c.Minutes, ToName: c.ToName, PostTitle: c.PostTitle,
		ProposalTitle: c.ProposalTitle, Outcome: c.Outcome}
	if c.ProposalID != "" {
		p.ProposalID, p.CouncilID = guli.ParseID(c.ProposalID), guli.ParseID(c.CouncilID)
	}
	if c.PostID != "" {
		p.PostID = guli.ParseID(c.PostID)
	}
	if c.ActivityID != "" {
		p.ActivityID = guli.ParseID(c.ActivityID)
	}
	if c.HelpID != "" {
		p.HelpID = guli.ParseID(c.HelpID)
	}
	return p, nil
}
