package web

import (
	"net/http"

	"guli/web/api"
)

type route struct {
	pattern string
	handler http.HandlerFunc
}

// routes lists every route Guli serves, API and pages: a serves the API,
// s the pages. docs/openapi.yaml describes the API ones; a test keeps the
// two in step.
func (s *Server) routes(a *api.Handlers) []route {
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

		// Pages.
		{"GET /{$}", s.Public(s.pageHome)},
		{"GET /stations", s.Public(s.pageStations)},
		{"POST /stations", s.pageChooseStation},
		{"GET /login", s.Public(s.pageLogin)},
		{"POST /login", s.pageLoginPost},
		{"POST /logout", s.pageLogout},
		{"GET /register", s.Public(s.pageRegister)},
		{"POST /register", s.pageRegisterPost},
		{"POST /register/sms-code", s.pageRegisterSMS},
		{"GET /reset", s.Public(s.pageReset)},
		{"POST /reset", s.pageResetPost},
		{"POST /logout-all", s.pageLogoutAll},
		{"GET /me", s.pageMe},
		{"POST /me", s.pageMePost},
		{"GET /me/password", s.pagePassword},
		{"POST /me/password", s.pagePasswordPost},
		{"POST /prefs/elder", s.pageElder},
		{"POST /prefs/lang", s.pageLang},
		{"GET /activities", s.Public(s.pageTimetable)},
		{"GET /activities/{id}", s.Public(s.pageActivity)},
		{"POST /activities/{id}/register", s.pageSignUp},
		{"POST /activities/{id}/cancel", s.pageCancelSignUp},
		{"GET /my/activities", s.pageMyActivities},
		{"GET /checkin", s.pageCheckin},
		{"POST /checkin", s.pageCheckinPost},
		{"GET /rooms/{id}", s.Public(s.pageRoom)},
		{"POST /rooms/{id}/book", s.pageBookRoom},
		{"POST /bookings/{id}/cancel", s.pageCancelBooking},
		{"GET /health", s.pageHealth},
		{"GET /notifications", s.pageNotifications},
		{"POST /notifications/read", s.pageNotificationsRead},
		{"GET /desk", s.pageDesk},
		{"POST /desk/visits", s.pageDeskVisit},
		{"GET /desk/door", s.pageDoor},
		{"GET /desk/health", s.pageDeskHealth},
		{"POST /desk/health", s.pageDeskHealthPost},
		{"GET /desk/activities/new", s.pageNewActivity},
		{"POST /desk/activities/new", s.pageNewActivityPost},
		{"GET /desk/activities/{id}", s.pageRoster},
		{"POST /desk/activities/{id}/attendance", s.pageRosterCheckIn},
		{"POST /desk/activities/{id}/register", s.pageRosterRegister},
		{"POST /desk/activities/{id}/cancel", s.pageCancelActivity},
		{"GET /desk/residents", s.pageDeskResidents},
		{"POST /desk/residents/{id}/password-reset", s.pageDeskResetCode},
		{"GET /desk/booking-rules", s.pageBookingRules},
		{"POST /desk/booking-rules", s.pageBookingRulesPost},
		{"GET /help", s.Public(s.pageSoon("help"))},
		{"GET /teams", s.Public(s.pageSoon("teams"))},
		{"GET /notices", s.Public(s.pageSoon("notices"))},
		{"GET /councils", s.Public(s.pageSoon("councils"))},
		{"GET /stats", s.Public(s.pageSoon("stats"))},
		{"GET /static/", s.staticFiles},
		{"GET /favicon.ico", s.favicon},
	}
}
