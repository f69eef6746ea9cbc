// The exam paper: saves each answer as it changes, shows the time left from
// the server's deadline, and submits the paper when the time is up. Without
// scripts the paper still works: every answer is sent with the submit button.
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  var clock = document.getElementById("time-left");
  var deadline = new Date(clock.getAttribute("data-deadline")).getTime();
  var token = form.getAttribute("data-csrf-token");

  function answerOf(fieldset) {
    var values = [];
    fieldset.querySelectorAll("input:checked").forEach(function (input) { values.push(input.value); });
    return values;
  }

  // One save in flight per question: a change made meanwhile is sent when it
  // returns, so the server never ends up with an older answer than the page.
  var inFlight = {}, dirty = {};

  function save(fieldset) {
    var position = fieldset.getAttribute("data-position");
    if (inFlight[position]) { dirty[position] = true; return; }
    inFlight[position] = true;
    dirty[position] = false;
    var body = JSON.stringify({ position: parseInt(fieldset.getAttribute("data-position"), 10),
                                answer: answerOf(fieldset) });
    fetch(form.getAttribute("data-save-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          status.textContent = form.getAttribute("data-saved-text") + " " +
            new Date().toLocaleTimeString(document.documentElement.lang || undefined);
        } else {
          status.textContent = data.error || form.getAttribute("data-failed-text");
          if (data.closed) { window.location.reload(); }
        }
      });
    }).catch(function () {
      status.textContent = form.getAttribute("data-failed-text");
    }).then(function () {
      inFlight[position] = false;
      if (dirty[position]) { save(fieldset); }
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (fieldset) { save(fieldset); }
  });

  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) {
      form.submit();
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}());
