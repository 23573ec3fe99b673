package guli

import (
	"slices"
	"strings"
	"unicode"
)

// SearchTerms splits text into the terms a search index stores. Chinese is
// written without spaces and its words are mostly one or two characters, so
// every character and every pair of neighbouring characters is a term (a
// trigram index would miss 血压 and 书法). Other scripts give their
// lower-cased words.
func SearchTerms(text string) []string {
	var terms []string
	add := func(t string) {
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	for _, run := range splitRuns(text) {
		if !run.han {
			add(run.text)
			continue
		}
		r := []rune(run.text)
		for i := range r {
			add(string(r[i]))
			if i+1 < len(r) {
				add(string(r[i : i+2]))
			}
		}
	}
	return terms
}

// QueryTerms splits a search into the terms that must all be found: pairs of
// neighbouring Chinese characters (a single character stands alone) and
// lower-cased words.
func QueryTerms(q string) []string {
	var terms []string
	add := func(t string) {
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	for _, run := range splitRuns(q) {
		r := []rune(run.text)
		if !run.han || len(r) == 1 {
			add(run.text)
			continue
		}
		for i := 0; i+1 < len(r); i++ {
			add(string(r[i : i+2]))
		}
	}
	return terms
}

type textRun struct {
	text string
	han  bool
}

// splitRuns cuts text into runs of Han characters and words of letters and
// digits, dropping punctuation and spaces.
func splitRuns(text string) []textRun {
	var runs []textRun
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) > 0 {
			runs = append(runs, textRun{strings.ToLower(string(cur)), curHan})
			cur = cur[:0]
		}
	}
	for _, r := range text {
		han := unicode.Is(unicode.Han, r)
		word := han || unicode.IsLetter(r) || unicode.IsDigit(r)
		if !word || (len(cur) > 0 && han != curHan) {
			flush()
		}
		if word {
			cur = append(cur, r)
			curHan = han
		}
	}
	flush()
	return runs
}
