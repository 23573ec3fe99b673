package guli

import (
	"context"
	"time"
)

// Services are all of Guli's services: what the web server exposes, the demo
// data is written through and the command line wires to a database.
type Services struct {
	Accounts      AccountService
	Stations      StationService
	Audit         AuditService
	DataRights    DataRightsService
	Activities    ActivityService
	Rooms         RoomService
	Visits        VisitService
	Reports       ReportService
	Records       RecordService
	Health        HealthService
	Notifications NotificationService
	Help          HelpService
	TimeBank      TimeBankService
	Posts         PostService
	Councils      CouncilService
	Meetings      MeetingService
	Polls         PollService
	Photos        PhotoService
	Deliveries    DeliveryService
	Live          LiveService
	Reminders     ReminderService
	Teams         TeamService
	Stats         StatsService
	Imports       ImportService
	Marks         MarkService
	Calls         CallService
	Families      FamilyService
	// Now is the one clock: the services decide by it, and the pages show
	// "today" and "started" by it too.
	Now func() time.Time
}

// ReadStamp is what a request read under: while it is current, nothing
// it read was written since, and what was made of it may be kept.
type ReadStamp interface {
	Current(ctx context.Context) bool
}
