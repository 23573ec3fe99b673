package sqlstore

import "guli"

// NewServices returns every service, implemented on db.
func NewServices(db *DB) guli.Services {
	return guli.Services{
		Accounts:      NewAccounts(db),
		Stations:      NewStations(db),
		Audit:         NewAudit(db),
		Activities:    NewActivities(db),
		Rooms:         NewRooms(db),
		Visits:        NewVisits(db),
		Health:        NewHealth(db),
		Notifications: NewNotifications(db),
	}
}
