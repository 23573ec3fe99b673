// Live notices: the page listens to /events (server-sent events) and,
// when the reader's unread count changes, updates the badge in the menu,
// shows and says the new notice's title, and on the notices page loads
// the list again. Without this script, or without EventSource, the page
// is as the server drew it.
(function () {
  "use strict";
  if (!window.EventSource) return;
  // Looked up each time: a page that swaps its main part (htmx) brings
  // new ones.
  function el(id) { return document.getElementById(id); }
  var onList = location.pathname === "/notifications";
  var shown = el("unread-badge") ? parseInt(el("unread-badge").textContent, 10) || 0 : 0;

  function setBadge(n) {
    var badge = el("unread-badge");
    if (!badge) return;
    badge.textContent = String(n);
    badge.hidden = n === 0;
    if (badge.dataset.label) badge.setAttribute("aria-label", badge.dataset.label.replace("%d", n));
  }

  function announce(title) {
    var note = el("live-note"), news = el("live-news");
    if (!title) return;
    // A function, so that "$&" in a title is not read as a pattern.
    var text = (news && news.dataset.say ? news.dataset.say : "%s").replace("%s", function () { return title; });
    if (note) {
      note.firstElementChild.textContent = text;
      note.hidden = false;
    }
    if (news) news.textContent = text;
  }

  // The notices page draws its list again from the server, so that
  // what it shows and its "mark read" form stay one.
  function reloadList() {
    fetch("/notifications", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = el("main");
        if (!fresh || !main) return;
        // The notice just said stays, not the fresh page's empty one.
        var keep = [el("live-note"), el("live-news")];
        main.innerHTML = fresh.innerHTML;
        keep.forEach(function (k) {
          var blank = k && el(k.id);
          if (blank) blank.replaceWith(k);
        });
      })
      .catch(function () {});
  }

  var source = new EventSource("/events");
  // Marked on the page, so that a test (or a curious person) can see the
  // page is live.
  source.addEventListener("open", function () { document.documentElement.dataset.live = "open"; });
  source.addEventListener("unread", function (e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    var n = data.unread | 0;
    var more = n > shown;
    setBadge(n);
    if (more) announce(data.title);
    if (onList && n !== shown) reloadList();
    shown = n;
  });
  // A closed page closes its stream at once rather than when the server
  // next writes.
  window.addEventListener("pagehide", function () { source.close(); });
})();
