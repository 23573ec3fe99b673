package sqlstore

import (
	"context"
	"time"

	"guli"
)

// Swept counts what a sweep deleted.
type Swept struct {
	Sessions, Failures, Codes, Devices, Photos, Rosters int64
}

// longestWindow is the longest a throttle looks back; failures older than
// it count for nothing.
const longestWindow = 24 * time.Hour

// Sweep deletes what has expired: sessions past their end, throttled
// failures no rule still counts, unused text-message and reset codes, and
// devices nobody signed in on for a year, and photos neither a post nor a
// team took up in a week, and rosters
// uploaded for an import that never came. The server runs it hourly; it is
// safe to run from several processes at once.
func (db *DB) Sweep(ctx context.Context) (Swept, error) {
	var sw Swept
	err := db.tx(ctx, func(q runner) error {
		now := db.now()
		for _, d := range []struct {
			n     *int64
			query string
			arg   time.Time
		}{
			{&sw.Sessions, "DELETE FROM sessions WHERE expires_at <= ?", now},
			{&sw.Failures, "DELETE FROM throttle_failures WHERE at < ?", now.Add(-longestWindow)},
			{&sw.Codes, "DELETE FROM sms_codes WHERE expires_at <= ?", now},
			{&sw.Codes, "DELETE FROM reset_codes WHERE expires_at <= ?", now},
			{&sw.Devices, "DELETE FROM devices WHERE last_seen_at <= ?", now.Add(-guli.DeviceLifetime)},
			{&sw.Photos, "DELETE FROM photos WHERE post_id IS NULL AND team_id IS NULL AND created_at < ?", now.Add(-photoUnclaimed)},
			{&sw.Rosters, "DELETE FROM kept_rosters WHERE created_at < ?", now.Add(-guli.KeptRosterLifetime)},
		} {
			res, err := q.exec(ctx, d.query, ms(d.arg))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			*d.n += n
		}
		return nil
	})
	return sw, err
}
