// The exam paper: saves each answer as it changes, shows the time left from
// the server's deadline, asks before submitting in a panel on the page (older
// candidates find pop-ups confusing), and submits the paper when the time is
// up. Without scripts the paper still works: every answer is sent with the
// submit button and the server asks on a page of its own.
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

  var submitButton = document.getElementById("submit-paper");
  var panel = document.getElementById("submit-panel");
  var count = document.getElementById("submit-panel-count");
  var missing = document.getElementById("submit-panel-missing");

  function unanswered() {
    var open = [];
    form.querySelectorAll("fieldset[data-position]").forEach(function (fieldset) {
      if (!fieldset.querySelector("input:checked")) { open.push(fieldset); }
    });
    return open;
  }

  function describe() {
    var open = unanswered(), total = form.querySelectorAll("fieldset[data-position]").length;
    // One form for each of 0, 1 and more: English says "is" for one.
    var text = count.getAttribute(open.length > 1 ? "data-some-text" : open.length ? "data-one-text" : "data-none-text");
    count.textContent = text.replace("{n}", open.length).replace("{total}", total);
    var list = missing.querySelector("span");
    list.textContent = "";
    open.forEach(function (fieldset) {
      var link = document.createElement("a");
      link.href = "#" + fieldset.id;
      link.textContent = fieldset.getAttribute("data-position");
      list.appendChild(link);
    });
    missing.hidden = open.length === 0;
    return open;
  }

  // 交卷 asks first; only the panel's 确认交卷 (named "confirmed") submits.
  // Caught on the click, not on the form's submit event, because older phone
  // browsers do not tell a submit handler which button was pressed.
  submitButton.addEventListener("click", function (event) {
    event.preventDefault();
    describe();
    submitButton.hidden = true;
    panel.hidden = false;
    panel.scrollIntoView({ block: "center" });
    panel.focus();
  });

  document.getElementById("continue-answering").addEventListener("click", function () {
    var open = unanswered();
    panel.hidden = true;
    submitButton.hidden = false;
    var next = open.length ? open[0].querySelector("input") : submitButton;
    next.scrollIntoView({ block: "center" });
    next.focus();
  });

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (fieldset) { save(fieldset); }
    if (!panel.hidden) { describe(); }
  });

  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) {
      // Time is up: nothing left to confirm.
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
      form.submit();
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}());
