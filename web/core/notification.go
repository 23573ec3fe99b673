package core

import (
	"time"

	"guli"
)

// NotificationView is a notification in the reader's language.
type NotificationView struct {
	ID        WireID    `json:"id"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
	// ForUserID and ForName say whose it is when it reaches a guardian
	// for their dependent; absent for the reader's own.
	ForUserID *WireID `json:"for_user_id,omitempty"`
	ForName   string  `json:"for_name,omitempty"`
	// Link is the page the notification is about, for the pages.
	Link string `json:"-"`
}

// ViewNotification fills the catalogue's message for the notification's
// kind, alike for the API and the notifications page.
func (s *Core) ViewNotification(lang string, n *guli.Notification) NotificationView {
	when := ""
	if !n.Params.Start.IsZero() {
		when = s.Catalog.T(lang, "format.datetime", int(n.Params.Start.Month()), n.Params.Start.Day(),
			n.Params.Start.Hour(), n.Params.Start.Minute())
	}
	v := NotificationView{ID: WireID(n.ID), Kind: n.Kind, CreatedAt: n.CreatedAt, Read: n.Read, ForName: n.ForName}
	if n.ForName != "" {
		v.ForUserID = OptionalWireID(n.UserID)
	}
	title, body := "notify."+n.Kind+".title", "notify."+n.Kind+".body" // each kind's, a test checks
	if p := n.Params; p.HelpID != 0 {
		// Help messages pick what they name by index: %[1]s the person,
		// %[2]s the request, %[3]d its minutes.
		person := p.Person
		if person == "" { // a child, told of without their name
			person = s.Catalog.T(lang, "family.a_child")
		}
		v.Title = s.Catalog.T(lang, title, person, p.HelpTitle, p.Minutes)
		v.Body = s.Catalog.T(lang, body, person, p.HelpTitle, p.Minutes)
		v.Link = "/help/" + p.HelpID.String()
		return v
	}
	if p := n.Params; p.ProposalID != 0 {
		outcome := s.Catalog.T(lang, "proposal."+p.Outcome)
		v.Title = s.Catalog.T(lang, title, p.ProposalTitle, outcome)
		v.Body = s.Catalog.T(lang, body, p.ProposalTitle, outcome)
		v.Link = "/councils/" + p.CouncilID.String() + "/proposals?cursor=" + guli.ProposalsFrom(p.ProposalID) + "#proposal-" + p.ProposalID.String()
		return v
	}
	if p := n.Params; p.PostID != 0 {
		v.Title = s.Catalog.T(lang, title, p.PostTitle)
		v.Body = s.Catalog.T(lang, body, p.PostTitle)
		v.Link = "/notices/" + p.PostID.String()
		return v
	}
	if p := n.Params; guli.IsFamilyAct(n.Kind) {
		// What a guardian did for one, by index: %[1]s the guardian,
		// %[2]s the activity or whom minutes went to, %[3]s when or
		// %[3]d the minutes.
		if p.ActivityID == 0 {
			to := p.ToName
			if to == "" { // a child, whose name is their guardians' to know
				to = s.Catalog.T(lang, "notify.a_child")
			}
			v.Title = s.Catalog.T(lang, title, p.Person, to, p.Minutes)
			v.Body = s.Catalog.T(lang, body, p.Person, to, p.Minutes)
			v.Link = "/timebank"
			return v
		}
		v.Title = s.Catalog.T(lang, title, p.Person, p.ActivityTitle, when)
		v.Body = s.Catalog.T(lang, body, p.Person, p.ActivityTitle, when)
		v.Link = "/activities/" + p.ActivityID.String()
		return v
	}
	v.Title = s.Catalog.T(lang, title, n.Params.ActivityTitle)
	v.Body = s.Catalog.T(lang, body, n.Params.ActivityTitle, when)
	if n.Params.ActivityID != 0 {
		v.Link = "/activities/" + n.Params.ActivityID.String()
	}
	return v
}
