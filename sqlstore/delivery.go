package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"guli"
)

// Deliveries implements guli.DeliveryService for staff and
// guli.DeliveryStore for the delivery jobs.
type Deliveries struct{ db *DB }

// NewDeliveries returns the delivery service of db.
func NewDeliveries(db *DB) *Deliveries { return &Deliveries{db: db} }

var (
	_ guli.DeliveryService = (*Deliveries)(nil)
	_ guli.DeliveryStore   = (*Deliveries)(nil)
)

// enqueueWeCom sends content to the station's group robot, in the
// transaction q, when the station has one; the job reads the address when
// it runs, so a robot changed meanwhile gets it.
func enqueueWeCom(ctx context.Context, q runner, now time.Time, stationID guli.ID, content string) error {
	return enqueueWeComPayload(ctx, q, now, guli.WeComPayload{StationID: stationID, Content: content})
}

// enqueueWeComMessage is enqueueWeCom with the catalogue's message key
// filled with args, in Chinese, when the job runs.
func enqueueWeComMessage(ctx context.Context, q runner, now time.Time, stationID guli.ID, key string, args ...string) error {
	return enqueueWeComPayload(ctx, q, now, guli.WeComPayload{StationID: stationID, Key: key, Args: args})
}

func enqueueWeComPayload(ctx context.Context, q runner, now time.Time, p guli.WeComPayload) error {
	on, err := q.exists(ctx, "SELECT 1 FROM stations WHERE id = ? AND wecom_webhook <> ''", p.StationID)
	if err != nil || !on {
		return err
	}
	_, err = enqueue(ctx, q, now, guli.JobWeCom, p.Encode(), time.Time{})
	return err
}

// enqueueEmail enqueues one e-mail job for the notifications a
// transaction made, when any of their recipients takes e-mail.
func enqueueEmail(ctx context.Context, q runner, now time.Time, ids []guli.ID) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	some, err := q.exists(ctx, `SELECT 1 FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.id IN (`+placeholders(len(ids))+`) AND u.email <> '' AND u.email_off = 0 LIMIT 1`, args...)
	if err == nil && !some {
		some, err = q.exists(ctx, `SELECT 1 FROM notifications n `+toGuardians+`
			WHERE n.id IN (`+placeholders(len(ids))+`) AND `+guardianMailed+` LIMIT 1`, args...)
	}
	if err != nil || !some {
		return err
	}
	_, err = enqueue(ctx, q, now, guli.JobEmail, guli.EmailPayload{NotificationIDs: ids}.Encode(), time.Time{})
	return err
}

// SetWeComWebhook sets a station's robot address; staff of the station.
func (s *Deliveries) SetWeComWebhook(ctx context.Context, stationID guli.ID, raw string) (*guli.WeComSetting, error) {
	if err := actsAt(ctx, stationID); err != nil {
		return nil, err
	}
	actor := guli.UserFromContext(ctx)
	url, err := guli.CheckWebhookURL(raw)
	if err != nil {
		return nil, err
	}
	err = s.db.tx(ctx, func(q runner) error {
		res, err := q.exec(ctx, "UPDATE stations SET wecom_webhook = ? WHERE id = ?", url, stationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guli.Errorf(guli.ECNotFound)
		}
		// The log names the change, not the secret.
		return audit(ctx, q, s.db.now(), actor, "station.wecom_webhook", stationID, guli.MaskWebhookURL(url))
	})
	if err != nil {
		return nil, err
	}
	return &guli.WeComSetting{StationID: stationID, Masked: guli.MaskWebhookURL(url)}, nil
}

// WeComWebhook shows a station's robot, masked; staff of the station.
func (s *Deliveries) WeComWebhook(ctx context.Context, stationID guli.ID) (*guli.WeComSetting, error) {
	if err := actsAt(ctx, stationID); err != nil {
		return nil, err
	}
	url, err := s.webhook(ctx, stationID)
	if err != nil {
		return nil, err
	}
	return &guli.WeComSetting{StationID: stationID, Masked: guli.MaskWebhookURL(url)}, nil
}

func (s *Deliveries) webhook(ctx context.Context, stationID guli.ID) (string, error) {
	var url string
	err := s.db.view(ctx, func(q runner) error {
		return notFound(q.row(ctx, "SELECT wecom_webhook FROM stations WHERE id = ?", stationID).Scan(&url))
	})
	return url, err
}

// WeComURL is the station's robot address for the job that calls it; ""
// when the robot is off or the station is gone.
func (s *Deliveries) WeComURL(ctx context.Context, stationID guli.ID) (string, error) {
	url, err := s.webhook(ctx, stationID)
	if isNotFound(err) {
		return "", nil
	}
	return url, err
}

const deliveryColumns = `id, job_id, station_id, channel, target, notification_id, status, error, attempt, final, created_at`

func scanDelivery(row interface{ Scan(...any) error }) (*guli.Delivery, error) {
	var (
		d               guli.Delivery
		id, job, at     int64
		station, notice sql.NullInt64
		final           int
	)
	err := row.Scan(&id, &job, &station, &d.Channel, &d.Target, &notice, &d.Status, &d.Error, &d.Attempt, &final, &at)
	d.ID, d.JobID, d.StationID, d.NotificationID = guli.ID(id), guli.ID(job), guli.ID(station.Int64), guli.ID(notice.Int64)
	d.Final, d.At = final != 0, fromMS(at)
	return &d, err
}

// Deliveries lists a station's delivery log, newest first; staff of the
// station.
func (s *Deliveries) Deliveries(ctx context.Context, stationID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Delivery], error) {
	var page guli.Page[*guli.Delivery]
	if err := actsAt(ctx, stationID); err != nil {
		return page, err
	}
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	if _, err := s.webhook(ctx, stationID); err != nil {
		return page, err // no such station
	}
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), scanDelivery, "SELECT "+deliveryColumns+` FROM deliveries
		WHERE station_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, stationID, before, limit+1)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	return trim(page, limit, func(d *guli.Delivery) []string { return []string{d.ID.String()} }), nil
}

// RecordDelivery adds an attempt to the log, at the store's time.
func (s *Deliveries) RecordDelivery(ctx context.Context, d *guli.Delivery) error {
	return s.db.tx(ctx, func(q runner) error {
		d.At = s.db.now()
		final := 0
		if d.Final {
			final = 1
		}
		id, err := q.insert(ctx, `INSERT INTO deliveries (job_id, station_id, channel, target, notification_id, recipient_id, status, error, attempt, final, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.JobID, nullID(d.StationID), d.Channel, d.Target, nullID(d.NotificationID),
			nullID(d.RecipientID), d.Status, d.Error, d.Attempt, final, ms(d.At))
		d.ID = id
		return err
	})
}

// EmailNotices reads the notifications among ids to e-mail: those whose
// recipient has an address and wants e-mail, less those the job sent on an
// earlier try.
func (s *Deliveries) EmailNotices(ctx context.Context, jobID guli.ID, ids []guli.ID) ([]*guli.EmailNotice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []*guli.EmailNotice
	err := s.db.view(ctx, func(q runner) error {
		// In slices: a notice to a whole activity's roster names many.
		for chunk := range slices.Chunk(ids, 500) {
			args := []any{}
			for _, id := range chunk {
				args = append(args, id)
			}
			in := placeholders(len(chunk))
			// Each recipient once: the notification's own, then each
			// guardian of theirs, less those an earlier try sent to.
			unsent := func(recipient string) string {
				return `NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.job_id = ? AND d.notification_id = n.id
					AND COALESCE(d.recipient_id, n.user_id) = ` + recipient + ` AND d.status = ?)`
			}
			query := `SELECT n.id, n.user_id, n.kind, n.params, n.created_at, u.email, a.station_id, u.id, ''
				FROM notifications n JOIN users u ON u.id = n.user_id LEFT JOIN areas a ON a.id = u.area_id
				WHERE n.id IN (` + in + `) AND u.email <> '' AND u.email_off = 0 AND ` + unsent("u.id") + `
				UNION ALL
				SELECT n.id, n.user_id, n.kind, n.params, n.created_at, g.email, a.station_id, g.id, p.name
				FROM notifications n ` + toGuardians + ` JOIN users p ON p.id = n.user_id LEFT JOIN areas a ON a.id = g.area_id
				WHERE n.id IN (` + in + `) AND ` + guardianMailed + ` AND ` + unsent("g.id") + `
				ORDER BY 1, 8`
			both := append(append([]any{}, args...), jobID, guli.DeliverySent)
			both = append(append(both, args...), jobID, guli.DeliverySent)
			got, err := list(ctx, q, scanEmailNotice, query, both...)
			if err != nil {
				return err
			}
			out = append(out, got...)
		}
		return nil
	})
	return out, err
}

// toGuardians joins a notification n to the guardians g of its recipient
// under an active link.
const toGuardians = `JOIN family_links l ON l.dependent_id = n.user_id AND l.status = 'active' JOIN users g ON g.id = l.guardian_id`

// guardianMailed says which of a dependent's notifications are e-mailed to
// a guardian g: those the guardian's inbox shows (not a station's alert,
// of which they have their own, nor what a guardian did for the
// dependent), when the guardian takes e-mail.
var guardianMailed = `n.post_id IS NULL AND n.kind NOT IN ` + familyActKinds + ` AND g.email <> '' AND g.email_off = 0`

func scanEmailNotice(row interface{ Scan(...any) error }) (*guli.EmailNotice, error) {
	var (
		n                       guli.Notification
		e                       guli.EmailNotice
		id, user, at, recipient int64
		params                  string
		station                 sql.NullInt64
	)
	if err := row.Scan(&id, &user, &n.Kind, &params, &at, &e.Address, &station, &recipient, &n.ForName); err != nil {
		return nil, err
	}
	e.RecipientID = guli.ID(recipient)
	p, err := parseParams(params)
	if err != nil {
		return nil, err
	}
	if p.Timezone != "" && !p.Start.IsZero() {
		p.Start = p.Start.In(guli.Zone(p.Timezone))
	}
	n.ID, n.UserID, n.Params, n.CreatedAt = guli.ID(id), guli.ID(user), p, fromMS(at).In(guli.Zone(guli.DefaultTimezone))
	e.Notification, e.StationID = &n, guli.ID(station.Int64)
	e.Lang = "" // no language is kept for people yet: the sender's default
	return &e, nil
}
