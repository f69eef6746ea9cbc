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

  function save(fieldset) {
    var body = JSON.stringify({ position: parseInt(fieldset.getAttribute("data-position"), 10),
                                answer: answerOf(fieldset) });
    fetch(form.getAttribute("data-save-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          status.textContent = form.getAttribute("data-saved-text") + " " + new Date().toLocaleTimeString();
        } else {
          status.textContent = data.error || form.getAttribute("data-failed-text");
          if (data.closed) { window.location.reload(); }
        }
      });
    }).catch(function () { status.textContent = form.getAttribute("data-failed-text"); });
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
