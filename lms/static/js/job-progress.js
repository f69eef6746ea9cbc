// Progress of a background job (e.g. a certificate print job). Polls the
// job's progress URL every 1.5 s and updates the <progress> bar; shows the
// download link when done. Without JavaScript the page still says where the
// job is, and a refresh updates it.
(function () {
  "use strict";
  var root = document.querySelector("[data-progress-url]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-progress-url");
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var state = document.getElementById("job-state");
  var download = document.getElementById("job-download");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 5000); return; }
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        count.textContent = data.done + " / " + data.total;
        root.setAttribute("data-status", data.status);
        if (data.status === "done") {
          download.hidden = false;
          state.textContent = download.getAttribute("data-done-text") || state.textContent;
          return;
        }
        if (data.status === "failed" || data.can_resume) { window.location.reload(); return; }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  var status = root.getAttribute("data-status");
  if ((status === "queued" || status === "running") && root.getAttribute("data-can-resume") !== "yes") {
    setTimeout(poll, 500);
  }
}());
