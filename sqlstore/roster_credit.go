package sqlstore

import (
	"context"
	"errors"
	"slices"

	"guli"
)

// CreditRoster credits the people checked in at an activity the same
// minutes each from its station's fund, once a person and activity; two
// staff crediting at once wait for each other.
func (s *TimeBank) CreditRoster(ctx context.Context, activityID guli.ID, in guli.RosterCreditInput) ([]guli.RosterCredit, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []guli.RosterCredit
	err = s.db.tx(ctx, func(q runner) error {
		out = nil
		if err := q.lock(ctx, "guli:credit-roster:"+activityID.String()); err != nil {
			return err
		}
		var a guli.Activity
		var station, host, start int64
		err := q.row(ctx, "SELECT station_id, COALESCE(host_id, 0), start_at, status FROM activities WHERE id = ?", activityID).
			Scan(&station, &host, &start, &a.Status)
		if err != nil {
			return notFound(err)
		}
		a.ID, a.StationID, a.HostID, a.Start = activityID, guli.ID(station), guli.ID(host), fromMS(start)
		now := s.db.now()
		if err := guli.CheckCreditRoster(actor, &a, now); err != nil {
			return err
		}
		type person struct {
			id       guli.ID
			name     string
			credited bool
		}
		rows, err := q.query(ctx, `SELECT t.user_id, u.name, CASE WHEN c.user_id IS NULL THEN 0 ELSE 1 END
			FROM attendances t JOIN users u ON u.id = t.user_id
			LEFT JOIN activity_credits c ON c.activity_id = t.activity_id AND c.user_id = t.user_id
			WHERE t.activity_id = ? AND u.closed_at IS NULL ORDER BY t.user_id`, activityID)
		if err != nil {
			return err
		}
		var came []person
		for rows.Next() {
			var p person
			var credited int
			if err := rows.Scan(&p.id, &p.name, &credited); err != nil {
				rows.Close()
				return err
			}
			p.credited = credited == 1
			came = append(came, p)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		// A closed account is not on the list: its attendance still
		// counts in the figures, but nothing more is given to it.
		// Staff never credit themselves: when everyone checked in is
		// credited they are passed over, and naming themselves is refused.
		var chosen []person
		for _, p := range came {
			if guli.MayCreditTo(actor, p.id) {
				chosen = append(chosen, p)
			}
		}
		if slices.ContainsFunc(in.UserIDs, func(id guli.ID) bool { return !guli.MayCreditTo(actor, id) }) {
			return guli.Errorf(guli.ECForbidden)
		}
		if len(in.UserIDs) > 0 {
			chosen = nil
			for _, p := range came {
				if slices.Contains(in.UserIDs, p.id) {
					chosen = append(chosen, p)
				}
			}
			for _, id := range in.UserIDs {
				if !slices.ContainsFunc(chosen, func(p person) bool { return p.id == id }) {
					return guli.Invalid("user_ids", guli.FRNotAttended)
				}
			}
		}
		fund, err := stationFund(ctx, q, a.StationID)
		if err != nil {
			return err
		}
		for _, p := range chosen {
			to, err := personalAccount(ctx, q, p.id)
			if err != nil {
				return err
			}
			c := guli.RosterCredit{UserID: p.id, Name: p.name, BalanceMinutes: to.balance}
			if !p.credited {
				id, err := move(ctx, q, now, movement{from: fund, to: to, minutes: in.Minutes, fromKind: guli.EntryIssued, toKind: guli.EntryEarned, memo: in.Memo})
				if err != nil {
					return err
				}
				fund.balance -= in.Minutes
				if _, err := q.exec(ctx, "INSERT INTO activity_credits (activity_id, user_id, movement) VALUES (?, ?, ?)", activityID, p.id, id); err != nil {
					return err
				}
				if err := audit(ctx, q, now, actor, "timebank.credit", p.id, "activity "+activityID.String()+": "+in.Memo); err != nil {
					return err
				}
				c.Credited, c.BalanceMinutes = true, to.balance+in.Minutes
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []guli.RosterCredit{}
	}
	return out, nil
}
