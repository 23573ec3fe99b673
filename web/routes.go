package web

import (
	"net/http"

	"guli/web/api"
	"guli/web/ui"
)

type route struct {
	pattern string
	handler http.HandlerFunc
}

// routes lists every route Guli serves, API and pages: a serves the API,
// p the pages. docs/openapi.yaml describes the API ones; a test keeps the
// two in step.
func (s *Server) routes(a *api.Handlers, p *ui.Handlers) []route {
	return []route{
		// Operations.
		{"GET /healthz", s.healthz},
		{"GET /readyz", s.readyz},
		{"GET /metrics", s.serveMetrics},

		// Accounts.
		{"POST /api/v1/auth/register", a.JSON(a.Register)},
		{"POST /api/v1/auth/sms-code", a.JSON(a.SMSCode)},
		{"POST /api/v1/auth/login", a.JSON(a.Login)},
		{"POST /api/v1/auth/logout", a.JSON(a.Logout)},
		{"POST /api/v1/auth/logout-all", a.JSON(a.LogoutAll)},
		{"POST /api/v1/auth/reset", a.JSON(a.ResetPassword)},
		{"GET /api/v1/me", a.JSON(a.Me)},
		{"PATCH /api/v1/me", a.JSON(a.UpdateMe)},
		{"PUT /api/v1/me/password", a.JSON(a.ChangePassword)},
		{"PUT /api/v1/me/volunteer-profile", a.JSON(a.SetVolunteerProfile)},
		{"POST /api/v1/users", a.JSON(a.CreateUser)},
		{"GET /api/v1/users", a.JSON(a.FindUsers)},
		{"GET /api/v1/users/{id}", a.JSON(a.User)},
		{"PUT /api/v1/users/{id}/roles", a.JSON(a.SetRoles)},
		{"POST /api/v1/users/{id}/password-reset", a.JSON(a.IssueResetCode)},
		{"GET /api/v1/audit", a.JSON(a.ListAudit)},

		// Stations, areas, rooms.
		{"POST /api/v1/stations", a.JSON(a.CreateStation)},
		{"GET /api/v1/stations", s.Public(a.JSON(a.ListStations))},
		{"GET /api/v1/stations/{id}", s.Public(a.JSON(a.Station))},
		{"PUT /api/v1/stations/{id}/opening-hours", a.JSON(a.SetOpeningHours)},
		{"PUT /api/v1/stations/{id}/booking-rules", a.JSON(a.SetBookingRules)},
		{"POST /api/v1/stations/{id}/areas", a.JSON(a.CreateArea)},
		{"GET /api/v1/areas", s.Public(a.JSON(a.ListAreas))},
		{"POST /api/v1/stations/{id}/rooms", a.JSON(a.CreateRoom)},
		{"POST /api/v1/stations/{id}/closures", a.JSON(a.AddClosure)},
		{"GET /api/v1/stations/{id}/closures", s.Public(a.JSON(a.ListClosures))},
		{"DELETE /api/v1/stations/{id}/closures/{date}", a.JSON(a.RemoveClosure)},
		{"GET /api/v1/stations/{id}/wecom-webhook", a.JSON(a.WeComWebhook)},
		{"PUT /api/v1/stations/{id}/wecom-webhook", a.JSON(a.SetWeComWebhook)},
		{"GET /api/v1/stations/{id}/deliveries", a.JSON(a.ListDeliveries)},

		// Visits and the door check-in.
		{"POST /api/v1/stations/{id}/visits", a.JSON(a.RecordVisit)},
		{"GET /api/v1/stations/{id}/checkin-code", a.JSON(a.CheckinCode)},
		{"GET /api/v1/stations/{id}/checkin-code.png", a.CheckinCodePNG},
		{"POST /api/v1/stations/{id}/checkin", a.JSON(a.Checkin)},

		// Activities, classes and services.
		{"POST /api/v1/activities", a.JSON(a.CreateActivities)},
		{"GET /api/v1/activities", s.Public(a.JSON(a.ListActivities))},
		{"GET /api/v1/activities/{id}", s.Public(a.JSON(a.Activity))},
		{"DELETE /api/v1/activities/{id}", a.JSON(a.CancelActivity)},
		{"POST /api/v1/activities/{id}/registrations", a.JSON(a.RegisterForActivity)},
		{"DELETE /api/v1/activities/{id}/registrations/{user}", a.JSON(a.CancelRegistration)},
		{"GET /api/v1/activities/{id}/registrations", a.JSON(a.ListRegistrations)},
		{"POST /api/v1/activities/{id}/attendance", a.JSON(a.Attendance)},
		{"GET /api/v1/me/activities", a.JSON(a.ListMyActivities)},
		{"GET /api/v1/me/calendar", a.JSON(a.CalendarFeed)},
		{"POST /api/v1/me/calendar", a.JSON(a.CalendarFeed)},
		{"GET /api/v1/calendar.ics", a.StationCalendar},
		{"GET /calendar.ics", a.StationCalendar}, // the first address it had
		{"GET /calendar/{file}", a.PersonalCalendar},

		// Room bookings.
		{"POST /api/v1/rooms/{id}/bookings", a.JSON(a.Book)},
		{"GET /api/v1/rooms/{id}/bookings", s.Public(a.JSON(a.ListBookings))},
		{"DELETE /api/v1/bookings/{id}", a.JSON(a.CancelBooking)},

		// Health checks.
		{"POST /api/v1/health-measurements", a.JSON(a.RecordMeasurement)},
		{"GET /api/v1/users/{id}/health-measurements", a.JSON(a.ListMeasurements)},

		// Notifications.
		{"GET /api/v1/me/notifications", a.JSON(a.ListNotifications)},
		{"POST /api/v1/me/notifications/read", a.JSON(a.MarkRead)},

		// Mutual aid.
		{"POST /api/v1/help-requests", a.JSON(a.AskForHelp)},
		{"GET /api/v1/help-requests", a.JSON(a.ListHelpRequests)},
		{"GET /api/v1/help-requests/{id}", a.JSON(a.HelpRequest)},
		{"POST /api/v1/help-requests/{id}/claim", a.JSON(a.ClaimHelp)},
		{"POST /api/v1/help-requests/{id}/release", a.JSON(a.ReleaseHelp)},
		{"POST /api/v1/help-requests/{id}/done", a.JSON(a.HelpDone)},
		{"POST /api/v1/help-requests/{id}/confirm", a.JSON(a.ConfirmHelp)},
		{"POST /api/v1/help-requests/{id}/cancel", a.JSON(a.CancelHelp)},
		{"GET /api/v1/help-requests/{id}/candidates", a.JSON(a.HelpCandidates)},

		// Time bank.
		{"GET /api/v1/me/timebank", a.JSON(a.MyTimeBank)},
		{"POST /api/v1/timebank/transfers", a.JSON(a.Transfer)},
		{"POST /api/v1/timebank/credits", a.JSON(a.Credit)},
		{"POST /api/v1/activities/{id}/credits", a.JSON(a.CreditRoster)},

		// Notice board.
		{"POST /api/v1/posts", a.JSON(a.CreatePost)},
		{"GET /api/v1/posts", s.Public(a.JSON(a.ListPosts))},
		{"GET /api/v1/posts/{id}", s.Public(a.JSON(a.Post))},
		{"DELETE /api/v1/posts/{id}", a.JSON(a.DeletePost)},
		{"GET /api/v1/posts/{id}/comments", s.Public(a.JSON(a.ListComments))},
		{"POST /api/v1/posts/{id}/comments", a.JSON(a.AddComment)},
		{"POST /api/v1/posts/{id}/reports", a.JSON(a.ReportPost)},
		{"POST /api/v1/posts/{id}/hide", a.JSON(a.HidePost)},
		{"POST /api/v1/posts/{id}/restore", a.JSON(a.RestorePost)},
		{"GET /api/v1/stations/{id}/moderation", a.JSON(a.Moderation)},
		// Photos: uploaded through the API, served as files.
		{"POST /api/v1/photos", a.JSON(a.UploadPhoto)},
		{"GET /photos/{file}", a.PhotoFile},
		{"GET /photos/{id}/thumb.jpg", a.PhotoThumb},

		// Councils.
		{"POST /api/v1/councils", a.JSON(a.CreateCouncil)},
		{"GET /api/v1/councils", s.Public(a.JSON(a.ListCouncils))},
		{"GET /api/v1/councils/{id}", s.Public(a.JSON(a.Council))},
		{"POST /api/v1/councils/{id}/members", a.JSON(a.AddCouncilMember)},
		{"GET /api/v1/councils/{id}/members", a.JSON(a.CouncilMembers)},
		{"DELETE /api/v1/councils/{id}/members/{user}", a.JSON(a.RemoveCouncilMember)},

		// Polls and elections of councils.
		{"POST /api/v1/councils/{id}/polls", a.JSON(a.CreatePoll)},
		{"GET /api/v1/councils/{id}/polls", s.Public(a.JSON(a.CouncilPolls))},
		{"GET /api/v1/polls/{id}", s.Public(a.JSON(a.Poll))},
		{"POST /api/v1/polls/{id}/votes", a.JSON(a.Vote)},
		{"POST /api/v1/polls/{id}/close", a.JSON(a.ClosePoll)},

		// Pages.
		{"GET /{$}", s.Public(p.Page(p.Home))},
		{"GET /stations", s.Public(p.Page(p.ListStations))},
		{"POST /stations", p.Page(p.ChooseStation)},
		{"GET /login", s.Public(p.Page(p.Login))},
		{"POST /login", p.Page(p.LoginPost)},
		{"POST /logout", p.Page(p.Logout)},
		{"GET /register", s.Public(p.Page(p.Register))},
		{"POST /register", p.Page(p.RegisterPost)},
		{"POST /register/sms-code", p.Page(p.RegisterSMS)},
		{"GET /reset", s.Public(p.Page(p.Reset))},
		{"POST /reset", p.Page(p.ResetPost)},
		{"POST /logout-all", p.Page(p.LogoutAll)},
		{"GET /me", p.Page(p.Me)},
		{"POST /me", p.Page(p.MePost)},
		{"GET /me/volunteer", p.Page(p.VolunteerProfile)},
		{"POST /me/volunteer", p.Page(p.VolunteerProfilePost)},
		{"GET /me/password", p.Page(p.Password)},
		{"POST /me/password", p.Page(p.PasswordPost)},
		{"POST /prefs/elder", p.Page(p.Elder)},
		{"POST /prefs/lang", p.Page(p.Lang)},
		{"GET /activities", s.Public(p.Page(p.Timetable))},
		{"GET /activities/{id}", s.Public(p.Page(p.Activity))},
		{"POST /activities/{id}/register", p.Page(p.SignUp)},
		{"POST /activities/{id}/cancel", p.Page(p.CancelSignUp)},
		{"GET /my/activities", p.Page(p.MyActivities)},
		{"GET /checkin", p.Page(p.Checkin)},
		{"POST /checkin", p.Page(p.CheckinPost)},
		{"GET /rooms/{id}", s.Public(p.Page(p.Room))},
		{"POST /rooms/{id}/book", p.Page(p.BookRoom)},
		{"POST /bookings/{id}/cancel", p.Page(p.CancelBooking)},
		{"GET /health", p.Page(p.MyHealth)},
		{"GET /notifications", p.Page(p.ListNotifications)},
		{"POST /notifications/read", p.Page(p.NotificationsRead)},
		{"GET /events", p.Page(p.Events)}, // the live stream of open pages
		{"GET /desk", p.Page(p.Desk)},
		{"POST /desk/visits", p.Page(p.DeskVisit)},
		{"GET /desk/door", p.Page(p.Door)},
		{"GET /desk/health", p.Page(p.DeskHealth)},
		{"POST /desk/health", p.Page(p.DeskHealthPost)},
		{"GET /desk/activities/new", p.Page(p.NewActivity)},
		{"POST /desk/activities/new", p.Page(p.NewActivityPost)},
		{"GET /desk/activities/{id}", p.Page(p.Roster)},
		{"POST /desk/activities/{id}/attendance", p.Page(p.RosterCheckIn)},
		{"POST /desk/activities/{id}/register", p.Page(p.RosterRegister)},
		{"POST /desk/activities/{id}/credits", p.Page(p.RosterCredit)},
		{"POST /desk/activities/{id}/cancel", p.Page(p.CancelActivity)},
		{"GET /desk/residents", p.Page(p.DeskResidents)},
		{"POST /desk/residents/{id}/password-reset", p.Page(p.DeskResetCode)},
		{"GET /desk/deliveries", p.Page(p.DeskDeliveries)},
		{"POST /desk/wecom-webhook", p.Page(p.DeskWeComPost)},
		{"GET /desk/booking-rules", p.Page(p.BookingRules)},
		{"POST /desk/booking-rules", p.Page(p.BookingRulesPost)},
		{"GET /help", s.Public(p.Page(p.HelpHome))},
		{"GET /help/new", p.Page(p.NewHelp)},
		{"POST /help/new", p.Page(p.NewHelpPost)},
		{"GET /help/{id}", p.Page(p.HelpRequestPage)},
		{"POST /help/{id}/claim", p.Page(p.ClaimHelp)},
		{"POST /help/{id}/release", p.Page(p.ReleaseHelp)},
		{"POST /help/{id}/done", p.Page(p.HelpDone)},
		{"POST /help/{id}/confirm", p.Page(p.ConfirmHelp)},
		{"POST /help/{id}/cancel", p.Page(p.CancelHelp)},
		{"GET /my/services", p.Page(p.MyServices)},
		{"GET /timebank", p.Page(p.TimeBankPage)},
		{"POST /timebank/transfer", p.Page(p.TimeBankTransfer)},
		{"GET /desk/help", p.Page(p.DeskHelp)},
		{"GET /teams", s.Public(p.Page(p.Soon("teams")))},
		{"GET /notices", s.Public(p.Page(p.Board))},
		{"GET /notices/week", s.Public(p.Page(p.Week))},
		{"GET /notices/new", p.Page(p.NewNotice)},
		{"POST /notices/new", p.Page(p.NewNoticePost)},
		{"GET /notices/{id}", s.Public(p.Page(p.Notice))},
		{"POST /notices/{id}/comments", p.Page(p.CommentNotice)},
		{"POST /notices/{id}/reports", p.Page(p.ReportNotice)},
		{"POST /notices/{id}/delete", p.Page(p.DeleteNotice)},
		{"POST /notices/{id}/hide", p.Page(p.HideNotice)},
		{"POST /notices/{id}/restore", p.Page(p.RestoreNotice)},
		{"GET /desk/moderation", p.Page(p.DeskModeration)},
		{"GET /councils", s.Public(p.Page(p.CouncilList))},
		{"POST /councils/new", p.Page(p.NewCouncil)},
		{"GET /councils/{id}", s.Public(p.Page(p.CouncilPage))},
		{"POST /councils/{id}/members", p.Page(p.AddCouncilMember)},
		{"POST /councils/{id}/members/remove", p.Page(p.RemoveCouncilMember)},
		{"GET /councils/{id}/polls", s.Public(p.Page(p.CouncilPolls))},
		{"POST /councils/{id}/polls", p.Page(p.NewPoll)},
		{"GET /polls/{id}", s.Public(p.Page(p.PollPage))},
		{"POST /polls/{id}/vote", p.Page(p.Vote)},
		{"POST /polls/{id}/close", p.Page(p.ClosePoll)},
		{"GET /stats", s.Public(p.Page(p.Soon("stats")))},
		{"GET /static/", p.Page(p.StaticFiles)},
		{"GET /favicon.ico", p.Page(p.Favicon)},
	}
}
