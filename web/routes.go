package web

import (
	"net/http"
)

type route struct {
	pattern string
	handler http.HandlerFunc
}

// routes lists every route Guli serves, API and pages. docs/openapi.yaml
// describes the API ones; a test keeps the two in step.
func (s *Server) routes() []route {
	return []route{
		// Operations.
		{"GET /healthz", s.healthz},
		{"GET /readyz", s.readyz},
		{"GET /metrics", s.serveMetrics},

		// Accounts.
		{"POST /api/v1/auth/register", s.api(s.apiRegister)},
		{"POST /api/v1/auth/sms-code", s.api(s.apiSMSCode)},
		{"POST /api/v1/auth/login", s.api(s.apiLogin)},
		{"POST /api/v1/auth/logout", s.api(s.apiLogout)},
		{"POST /api/v1/auth/logout-all", s.api(s.apiLogoutAll)},
		{"POST /api/v1/auth/reset", s.api(s.apiResetPassword)},
		{"GET /api/v1/me", s.api(s.apiMe)},
		{"PATCH /api/v1/me", s.api(s.apiUpdateMe)},
		{"PUT /api/v1/me/password", s.api(s.apiChangePassword)},
		{"PUT /api/v1/me/volunteer-profile", s.api(s.apiSetVolunteerProfile)},
		{"POST /api/v1/users", s.api(s.apiCreateUser)},
		{"GET /api/v1/users", s.api(s.apiFindUsers)},
		{"GET /api/v1/users/{id}", s.api(s.apiUser)},
		{"PUT /api/v1/users/{id}/roles", s.api(s.apiSetRoles)},
		{"POST /api/v1/users/{id}/password-reset", s.api(s.apiIssueResetCode)},
		{"GET /api/v1/audit", s.api(s.apiAudit)},

		// Stations, areas, rooms.
		{"POST /api/v1/stations", s.api(s.apiCreateStation)},
		{"GET /api/v1/stations", s.Public(s.api(s.apiStations))},
		{"GET /api/v1/stations/{id}", s.Public(s.api(s.apiStation))},
		{"PUT /api/v1/stations/{id}/opening-hours", s.api(s.apiSetOpeningHours)},
		{"PUT /api/v1/stations/{id}/booking-rules", s.api(s.apiSetBookingRules)},
		{"POST /api/v1/stations/{id}/areas", s.api(s.apiCreateArea)},
		{"GET /api/v1/areas", s.Public(s.api(s.apiAreas))},
		{"POST /api/v1/stations/{id}/rooms", s.api(s.apiCreateRoom)},
		{"POST /api/v1/stations/{id}/closures", s.api(s.apiAddClosure)},
		{"GET /api/v1/stations/{id}/closures", s.Public(s.api(s.apiClosures))},
		{"DELETE /api/v1/stations/{id}/closures/{date}", s.api(s.apiRemoveClosure)},

		// Visits and the door check-in.
		{"POST /api/v1/stations/{id}/visits", s.api(s.apiRecordVisit)},
		{"GET /api/v1/stations/{id}/checkin-code", s.api(s.apiCheckinCode)},
		{"GET /api/v1/stations/{id}/checkin-code.png", s.apiCheckinCodePNG},
		{"POST /api/v1/stations/{id}/checkin", s.api(s.apiCheckin)},

		// Activities, classes and services.
		{"POST /api/v1/activities", s.api(s.apiCreateActivities)},
		{"GET /api/v1/activities", s.Public(s.api(s.apiActivities))},
		{"GET /api/v1/activities/{id}", s.Public(s.api(s.apiActivity))},
		{"DELETE /api/v1/activities/{id}", s.api(s.apiCancelActivity)},
		{"POST /api/v1/activities/{id}/registrations", s.api(s.apiRegisterForActivity)},
		{"DELETE /api/v1/activities/{id}/registrations/{user}", s.api(s.apiCancelRegistration)},
		{"GET /api/v1/activities/{id}/registrations", s.api(s.apiRegistrations)},
		{"POST /api/v1/activities/{id}/attendance", s.api(s.apiAttendance)},
		{"GET /api/v1/me/activities", s.api(s.apiMyActivities)},
		{"GET /api/v1/me/calendar", s.api(s.apiCalendarFeed)},
		{"POST /api/v1/me/calendar", s.api(s.apiCalendarFeed)},
		{"GET /api/v1/calendar.ics", s.stationCalendar},
		{"GET /calendar.ics", s.stationCalendar}, // the first address it had
		{"GET /calendar/{file}", s.personalCalendar},

		// Room bookings.
		{"POST /api/v1/rooms/{id}/bookings", s.api(s.apiBook)},
		{"GET /api/v1/rooms/{id}/bookings", s.Public(s.api(s.apiBookings))},
		{"DELETE /api/v1/bookings/{id}", s.api(s.apiCancelBooking)},

		// Health checks.
		{"POST /api/v1/health-measurements", s.api(s.apiRecordMeasurement)},
		{"GET /api/v1/users/{id}/health-measurements", s.api(s.apiMeasurements)},

		// Notifications.
		{"GET /api/v1/me/notifications", s.api(s.apiNotifications)},
		{"POST /api/v1/me/notifications/read", s.api(s.apiMarkRead)},

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
