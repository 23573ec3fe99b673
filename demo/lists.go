package demo

// What the demo's fills draw from, for a fill of its own (a synthetic
// district, package demo/district): copies, so the demo's lists stay its
// own.

// Topic is a kind of activity a station like 顾里小站 runs.
type Topic struct {
	Titles   []string
	Desc     string
	Category string
	Minutes  int  // how long it lasts
	AgeRule  bool // the residents' council's rule applies: an emergency contact from 70
}

// Topics returns the kinds of activity the synthetic timetable draws
// from: the talents' classes, the convenience services, the station's
// events and meetings.
func Topics() []Topic {
	out := make([]Topic, len(topics))
	for i, t := range topics {
		out[i] = Topic{Titles: append([]string(nil), t.titles...), Desc: t.desc, Category: t.category, Minutes: t.minutes, AgeRule: t.ageRule}
	}
	return out
}

// Asking is something a resident asks the neighbours' help with.
type Asking struct {
	Category, Title, Desc string
	Minutes               [2]int // how long the service takes, least and most
	Needed                bool   // asked for a time
}

// Askings returns what the seed's history residents ask for help with.
func Askings() []Asking {
	out := make([]Asking, len(askings))
	for i, a := range askings {
		out[i] = Asking{Category: a.category, Title: a.title, Desc: a.desc, Minutes: a.minutes, Needed: a.needed}
	}
	return out
}

// Thanks returns what requesters wrote when they confirmed a service.
func Thanks() []string { return append([]string(nil), thanks...) }
