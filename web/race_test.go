//go:build race

package web_test

// underRace is set when the race detector runs, which makes the store's
// reads (SQLite's most of all: its engine is Go) many times slower; the
// longest tests take fewer steps then.
const underRace = true
