// The live consultation page: Server-Sent Events replace the page's sections as the meeting moves on (no polling),
// a countdown ticks for the speaker, stream-rendered vote forms get this page's CSRF token, and the host's panel is
// re-read when something changed (unless the host is typing in it).
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !root.dataset.liveStream || !window.EventSource) return;

  var signedIn = root.dataset.signedIn === "1";
  var voted = (root.dataset.voted || "").split(",").filter(Boolean);
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  function dressVotes(scope) {
    scope.querySelectorAll("[data-vote]").forEach(function (card) {
      var form = card.querySelector("[data-vote-form]");
      if (!form) return;
      var done = voted.indexOf(card.dataset.vote) !== -1;
      form.hidden = !signedIn || done;
      var votedNote = card.querySelector("[data-vote-voted]");
      if (votedNote) votedNote.hidden = !done;
      var login = card.querySelector("[data-vote-login]");
      if (login) login.hidden = signedIn;
      var field = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (field && !field.value) field.value = csrf;
    });
  }

  function tick() {
    document.querySelectorAll("[data-countdown-until]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.countdownUntil) - Date.now()) / 1000);
      if (isNaN(left)) return;
      var sign = left < 0 ? "-" : "";
      left = Math.abs(left);
      el.textContent = sign + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      el.classList.toggle("overtime", sign === "-");
    });
  }

  var panelTimer = null;
  function typing(panel) {
    var el = document.activeElement;
    return panel.contains(el) && /^(TEXTAREA|SELECT)$|^INPUT$/.test(el.tagName) && el.type !== "hidden" && !!el.value;
  }
  function refreshPanel() {
    var panel = document.getElementById("host-panel");
    if (!panel) return;
    if (typing(panel)) return;
    clearTimeout(panelTimer);
    panelTimer = setTimeout(function () {
      fetch(window.location.pathname, { credentials: "same-origin", headers: { "X-Live-Panel": "1" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("host-panel");
          if (fresh && !typing(panel)) {
            panel.innerHTML = fresh.innerHTML;
          }
        });
    }, 400);
  }

  var status = root.querySelector("[data-live-status]");
  function onSection(name) {
    return function (e) {
      var data = JSON.parse(e.data);
      document.querySelectorAll('[data-live-section="' + name + '"]').forEach(function (section) {
        section.innerHTML = data.html;
        section.dataset.version = data.v;
        if (name === "votes") dressVotes(section);
      });
      root.dataset.version = data.v;
      if (name === "speakers") tick();
      if (root.dataset.hostPanel) refreshPanel();
    };
  }
  function connect() {
    var source = new EventSource(root.dataset.liveStream);
    ["meeting", "questions", "speakers", "votes"].forEach(function (name) {
      source.addEventListener(name, onSection(name));
    });
    source.addEventListener("gone", function () { source.close(); root.dataset.connected = "gone"; });
    source.onopen = function () { if (status) status.hidden = true; root.dataset.connected = "1"; };
    source.onerror = function () {
      if (root.dataset.connected === "gone") return;
      if (status) status.hidden = false;
      root.dataset.connected = "0";
      // The browser retries by itself unless the answer was not a stream (a server error): then try again later.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    };
  }
  connect();

  dressVotes(document);
  tick();
  setInterval(tick, 1000);
})();
