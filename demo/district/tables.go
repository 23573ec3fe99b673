package district

import "guli/sqlstore"

// tables are the tables a district writes and the columns it gives,
// declared parents first: on PostgreSQL a table's rows go in after those
// of the tables before it, whose rows they name.
type tables struct {
	stations, areas, rooms, users, staffStations, profiles              *sqlstore.BulkTable
	councils, members, meetings, agenda, meetingAttendance, resolutions *sqlstore.BulkTable
	proposals, supports, polls, options, voters, votes                  *sqlstore.BulkTable
	teams, teamMembers, nominations, closures                           *sqlstore.BulkTable
	activities, terms, registrations, attendances, visits, health       *sqlstore.BulkTable
	help, accounts, entries, posts, comments, reports, audit            *sqlstore.BulkTable
}

func declare(b *sqlstore.Bulk) tables {
	return tables{
		stations: b.Table("stations", "id", "name", "address", "timezone", "opening_hours", "opened_on", "created_at",
			"booking_max_days", "booking_max_minutes", "booking_max_future"),
		areas:         b.Table("areas", "id", "station_id", "name", "committee", "created_at"),
		rooms:         b.Table("rooms", "id", "station_id", "name", "capacity", "created_at"),
		users:         b.Table("users", "id", "name", "phone", "password_hash", "roles", "area_id", "birth_year", "ec_name", "ec_phone", "created_at"),
		staffStations: b.Table("staff_stations", "user_id", "station_id"),
		profiles:      b.Table("volunteer_profiles", "user_id", "skills", "area_ids", "availability", "updated_at"),

		councils:          b.Table("councils", "id", "station_id", "name", "kind", "created_at"),
		members:           b.Table("council_members", "council_id", "user_id", "added_by", "added_at"),
		meetings:          b.Table("meetings", "id", "council_id", "station_id", "title", "start_at", "minutes", "created_by", "created_at", "updated_at"),
		agenda:            b.Table("meeting_agenda", "meeting_id", "position", "text"),
		meetingAttendance: b.Table("meeting_attendance", "meeting_id", "user_id"),
		resolutions: b.Table("resolutions", "id", "meeting_id", "council_id", "station_id", "position", "text", "rule_kind", "rule_age",
			"status", "note", "created_at", "updated_at"),
		proposals: b.Table("proposals", "id", "council_id", "station_id", "author_id", "title", "body", "support_count", "meeting_id",
			"outcome", "answer", "created_at", "answered_at"),
		supports: b.Table("proposal_supports", "proposal_id", "user_id", "created_at"),
		polls: b.Table("polls", "id", "council_id", "question", "max_choices", "secret", "seats", "closes_at", "closed_at", "closed_by",
			"created_by", "created_at"),
		options: b.Table("poll_options", "id", "poll_id", "position", "label", "votes"),
		voters:  b.Table("poll_voters", "poll_id", "user_id", "entered_by"),
		votes:   b.Table("poll_votes", "poll_id", "user_id", "option_id"),

		teams:       b.Table("teams", "id", "station_id", "name", "kind", "description", "members", "created_at"),
		teamMembers: b.Table("team_members", "team_id", "user_id", "role", "joined_at"),
		nominations: b.Table("nominations", "id", "station_id", "area_id", "nominee_id", "skill", "reason", "status", "filed_by",
			"decided_by", "decided_at", "studio_id", "created_at"),
		closures: b.Table("closures", "station_id", "day", "reason", "created_at"),

		activities: b.Table("activities", "id", "station_id", "series_id", "title", "description", "category", "start_at", "end_at",
			"capacity", "room_id", "host_id", "age_from", "age_resolution_id", "status", "confirmed_count", "waitlist_count",
			"created_by", "created_at"),
		terms:         b.Table("activity_terms", "term", "activity_id"),
		registrations: b.Table("registrations", "id", "activity_id", "user_id", "status", "registered_by", "created_at", "updated_at"),
		attendances:   b.Table("attendances", "activity_id", "user_id", "recorded_by", "checked_in_at"),
		visits:        b.Table("visits", "id", "station_id", "user_id", "count", "purpose", "day", "source", "recorded_by", "created_at"),
		health: b.Table("health_measurements", "id", "user_id", "kind", "systolic", "diastolic", "pulse", "celsius_tenths",
			"recorded_by", "created_at", "station_id"),

		help: b.Table("help_requests", "id", "station_id", "requester_id", "title", "description", "category", "needed_by", "status",
			"volunteer_id", "minutes", "rating", "comment", "filed_by", "created_at", "claimed_at", "done_at", "confirmed_at"),
		accounts: b.Table("timebank_accounts", "id", "user_id", "station_id", "balance", "earned"),
		entries:  b.Table("timebank_entries", "id", "movement", "account_id", "minutes", "kind", "memo", "help_id", "created_at"),
		posts: b.Table("posts", "id", "station_id", "author_id", "author_staff", "kind", "title", "body", "body_html", "status",
			"reports", "unreviewed", "comments", "created_at", "moderated_by", "moderated_at"),
		comments: b.Table("post_comments", "id", "post_id", "author_id", "body", "created_at"),
		reports:  b.Table("post_reports", "post_id", "user_id", "reason", "created_at"),
		audit:    b.Table("audit_log", "id", "actor_id", "action", "subject_id", "subject_kind", "detail", "created_at"),
	}
}
