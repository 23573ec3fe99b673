package web_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"guli/web"
)

// openAPIFile is the hand-written description of the API routes.
const openAPIFile = "../docs/openapi.yaml"

var (
	openAPIPath     = regexp.MustCompile(`^  (/\S*):\s*$`)
	openAPIMethod   = regexp.MustCompile(`^    (get|post|put|patch|delete):`)
	openAPIResponse = regexp.MustCompile(`^        '?([1-5][0-9][0-9]|default)'?:`)
	openAPITopLevel = regexp.MustCompile(`^\S`)
)

// openAPIOperations reads the operations under paths: in the OpenAPI file,
// without a YAML library: "GET /api/v1/me" and the response codes each lists.
func openAPIOperations(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ops := map[string][]string{}
	var inPaths, inResponses bool
	var path, op string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if openAPITopLevel.MatchString(line) {
			inPaths = line == "paths:"
			path, op, inResponses = "", "", false
			continue
		}
		if !inPaths {
			continue
		}
		if m := openAPIPath.FindStringSubmatch(line); m != nil {
			path, op, inResponses = m[1], "", false
			continue
		}
		if m := openAPIMethod.FindStringSubmatch(line); m != nil {
			if path == "" {
				t.Fatalf("%s:%d: method outside a path", openAPIFile, n)
			}
			op, inResponses = strings.ToUpper(m[1])+" "+path, false
			if _, dup := ops[op]; dup {
				t.Errorf("%s:%d: %s described twice", openAPIFile, n, op)
			}
			ops[op] = nil
			continue
		}
		if op == "" {
			continue
		}
		switch {
		case strings.HasPrefix(line, "      responses:"):
			inResponses = true
		case strings.HasPrefix(line, "      ") && !strings.HasPrefix(line, "       "):
			inResponses = false // the next key of the operation
		case inResponses:
			if m := openAPIResponse.FindStringSubmatch(line); m != nil {
				ops[op] = append(ops[op], m[1])
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// isAPIRoute tells the routes docs/openapi.yaml describes: the JSON API, the
// calendar feeds (/calendar.ics and /calendar/{file}), the photo files,
// the operations endpoints and the live stream (/events), not the HTML
// pages.
func isAPIRoute(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/calendar") || strings.HasPrefix(path, "/photos/") ||
		path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/events"
}

func TestOpenAPIDescribesEveryServedRoute(t *testing.T) {
	srv, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, p := range srv.Patterns() {
		if isAPIRoute(p) {
			served[p] = true
		}
	}
	documented := openAPIOperations(t)
	if len(documented) < 45 {
		t.Fatalf("parsed only %d operations from %s; is the parser or the file broken?", len(documented), openAPIFile)
	}

	var missing, extra, noResponses []string
	for p := range served {
		if _, ok := documented[p]; !ok {
			missing = append(missing, p)
		}
	}
	for op, codes := range documented {
		if !served[op] {
			extra = append(extra, op)
		}
		if len(codes) == 0 {
			noResponses = append(noResponses, op)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	slices.Sort(noResponses)
	for _, p := range missing {
		t.Errorf("served but not in %s: %s", openAPIFile, p)
	}
	for _, p := range extra {
		t.Errorf("in %s but not served: %s", openAPIFile, p)
	}
	for _, p := range noResponses {
		t.Errorf("%s: %s lists no response codes", openAPIFile, p)
	}
	t.Logf("%d API routes served, %d operations documented", len(served), len(documented))
}
