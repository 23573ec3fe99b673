// Package markdown turns what residents write on the notice board into
// safe HTML: goldmark renders CommonMark (with links, lists, emphasis and
// line breaks kept as written), and bluemonday keeps only the tags and
// attributes of ordinary text, so no script, event handler, style or
// javascript: link survives, whatever was typed.
package markdown

import (
	"bytes"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// Renderer renders and sanitises Markdown. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
		// Residents press Enter for a new line, as in a chat group.
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
	// The tags of ordinary text only. Pictures come with a post's photos,
	// not from addresses in its text: an image from elsewhere would tell a
	// stranger who read the post.
	policy := bluemonday.NewPolicy()
	policy.AllowElements("p", "br", "strong", "em", "del", "ul", "ol", "li", "blockquote", "code", "pre",
		"h1", "h2", "h3", "h4", "h5", "h6", "hr")
	policy.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	policy.AllowAttrs("href").OnElements("a")
	policy.RequireParseableURLs(true)
	policy.RequireNoFollowOnLinks(true)
	policy.AddTargetBlankToFullyQualifiedLinks(true)
	policy.AllowURLSchemes("http", "https", "mailto", "tel")
	return &Renderer{md: md, policy: policy}
}

// HTML renders src as sanitised HTML. Text that goldmark cannot render is
// shown as text.
func (r *Renderer) HTML(src string) string {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return r.policy.Sanitize("<p>" + bluemonday.StrictPolicy().Sanitize(src) + "</p>")
	}
	return r.policy.Sanitize(buf.String())
}
