// Study-time heartbeats for a lesson page (学时). Sends a heartbeat while the
// page is visible, with how long the trainee has been idle; the server decides
// what to credit. Without JavaScript the lesson still reads and the quiz still
// works — only time is not counted, which is the honest default.
(function () {
  "use strict";
  var root = document.querySelector("[data-heartbeat-url]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-heartbeat-url");
  var lessonId = parseInt(root.getAttribute("data-lesson-id"), 10);
  var period = parseInt(root.getAttribute("data-heartbeat-seconds"), 10) * 1000;
  var token = root.getAttribute("data-csrf-token");
  var hoursEl = document.getElementById("lesson-hours");
  var statusEl = document.getElementById("study-status");
  var lastActivity = Date.now();
  var timer = null;

  function markActive() { lastActivity = Date.now(); }
  ["pointerdown", "keydown", "scroll", "touchstart", "mousemove", "wheel"].forEach(function (name) {
    window.addEventListener(name, markActive, { passive: true });
  });

  // `closing`: the page is being hidden; report the time up to now once more.
  function beat(closing) {
    if (!closing && document.visibilityState !== "visible") { return; }
    var idle = Math.floor((Date.now() - lastActivity) / 1000);
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ lesson_id: lessonId, idle_seconds: idle })
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (hoursEl) { hoursEl.textContent = data.lesson_hours; }
        if (statusEl) { statusEl.setAttribute("data-seconds", data.lesson_seconds); }
        if (data.complete) { document.body.classList.add("lesson-complete"); }
      }).catch(function () { /* offline: the next beat starts a new interval */ });
  }

  function start() { if (!timer) { beat(); timer = setInterval(beat, period); } }
  function stop() { if (timer) { clearInterval(timer); timer = null; } }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { markActive(); start(); } else { beat(true); stop(); }
  });
  start();
})();
