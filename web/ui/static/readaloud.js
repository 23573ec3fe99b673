// The 朗读 (read aloud) button: reads the text of the article it sits in
// with the browser's speech, in the page's language; a second press
// stops. Where the browser cannot speak the button stays hidden.
(function () {
  "use strict";
  if (window.guliReadAloud) return; // the partial may be on a page twice
  window.guliReadAloud = true;
  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) return;

  // textOf gathers what a person would read: headings, paragraphs, facts
  // and list items, not forms or buttons.
  function textOf(root) {
    var parts = [];
    root.querySelectorAll("h1, h2, h3, p, dt, dd, li").forEach(function (el) {
      if (el.closest("form, button, [data-read-skip]")) return;
      var t = el.textContent.replace(/\s+/g, " ").trim();
      if (t) parts.push(t);
    });
    return parts.join("\n");
  }

  function setup(button) {
    var speaking = false;
    function stopped() {
      speaking = false;
      button.textContent = button.dataset.start;
    }
    button.addEventListener("click", function () {
      if (speaking) {
        synth.cancel();
        stopped();
        return;
      }
      var root = button.closest("article") || document.getElementById("main") || document.body;
      var u = new SpeechSynthesisUtterance(textOf(root));
      u.lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
      u.rate = 0.9; // a little slower than the default, for older ears
      u.onend = stopped;
      u.onerror = stopped;
      synth.cancel(); // another button's reading
      speaking = true;
      button.textContent = button.dataset.stop;
      synth.speak(u);
    });
    button.hidden = false;
  }

  function init() {
    document.querySelectorAll("button.read-aloud").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
