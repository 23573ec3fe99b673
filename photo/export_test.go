package photo

import "context"

// HoldTurns takes n turns to decode, as uploads in progress would, until
// the returned func gives them back.
func (p *Processor) HoldTurns(n int64) (release func()) {
	p.turns.Acquire(context.Background(), n)
	return func() { p.turns.Release(n) }
}
