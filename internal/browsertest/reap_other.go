//go:build !linux

package browsertest

import "time"

func adoptOrphans()               {}
func reapOrphans(_ time.Duration) {}
