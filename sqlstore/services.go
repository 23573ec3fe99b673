package sqlstore

import "guli"

// Option wires something of the outside world into the services.
type Option func(*options)

type options struct {
	sms guli.SMSSender
}

// WithSMS makes registration need a code texted by sender.
func WithSMS(sender guli.SMSSender) Option { return func(o *options) { o.sms = sender } }

// NewServices returns every service, implemented on db.
func NewServices(db *DB, opts ...Option) guli.Services {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return guli.Services{
		Accounts:      NewAccounts(db, o.sms),
		Stations:      NewStations(db),
		Audit:         NewAudit(db),
		DataRights:    NewDataRights(db),
		Activities:    NewActivities(db),
		Rooms:         NewRooms(db),
		Visits:        NewVisits(db),
		Reports:       NewReports(db),
		Records:       NewRecords(db),
		Health:        NewHealth(db),
		Notifications: NewNotifications(db),
		Help:          NewHelp(db),
		TimeBank:      NewTimeBank(db),
		Posts:         NewPosts(db),
		Councils:      NewCouncils(db),
		Meetings:      NewMeetings(db),
		Polls:         NewPolls(db),
		Photos:        NewPhotos(db),
		Deliveries:    NewDeliveries(db),
		Live:          NewLive(db),
		Reminders:     NewReminders(db),
		Teams:         NewTeams(db),
		Stats:         NewStats(db),
		Imports:       NewImports(db),
		Marks:         NewMarks(db),
		Calls:         NewCalls(db),
		Families:      NewFamilies(db),
		Now:           db.Now,
	}
}
