// The exam paper: saves each answer as it changes, shows the time left from
// the server's deadline, asks before submitting in a panel on the page (older
// candidates find pop-ups confusing), and submits the paper when the time is
// up. Without scripts the paper still works: every answer is sent with the
// submit button and the server asks on a page of its own.
//
// Answers survive a dropped connection. Each change is first kept on the
// device (localStorage "exam-answers:<attempt>" = {position: {answer, seq}})
// and then sent; it leaves that queue only when the server acknowledges that
// very save. Saves are numbered per attempt ("exam-seq:<attempt>", going on
// from the highest number the server holds) and the server applies a save
// only when its number is above the question's last one, so a retry that
// arrives late never overwrites a newer answer. A failed save is retried
// after 1 s, 2 s, 4 s … (at most 30 s), and at once when the browser is back
// online; meanwhile a banner says the answers are safe on the device. A
// reload ticks the queued answers over what the server drew and sends them
// again. 确认交卷 waits until the queue is empty (and the browser online).
// The deadline stays the server's: a save it refuses as too late ("closed")
// is shown in the banner, the queue is dropped and the page reloads.
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  var banner = document.getElementById("offline-banner");
  var clock = document.getElementById("time-left");
  var deadline = new Date(clock.getAttribute("data-deadline")).getTime();
  var token = form.getAttribute("data-csrf-token");
  var attemptId = form.getAttribute("data-attempt-id");
  var QUEUE_KEY = "exam-answers:" + attemptId, SEQ_KEY = "exam-seq:" + attemptId;
  var MAX_DELAY = 30000;

  // --- Keeping answers on the device -------------------------------------

  // Without localStorage (some private modes, a full store) the queue lives
  // in this page only: it still outlasts a dropped connection, not a reload.
  var storage = null, memory = {};
  try {
    storage = window.localStorage;
    storage.setItem("exam-storage-test", "1");
    storage.removeItem("exam-storage-test");
  } catch (e) { storage = null; }

  function load(key) {
    if (storage) { return storage.getItem(key); }
    return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
  }

  function store(key, value) {
    if (storage) {
      try { storage.setItem(key, value); return; } catch (e) { storage = null; }
    }
    memory[key] = value;
  }

  function forget(key) {
    delete memory[key];
    if (storage) { storage.removeItem(key); }
  }

  // Read afresh each time: another tab of the same paper shares the queue.
  function readQueue() {
    try { return JSON.parse(load(QUEUE_KEY)) || {}; } catch (e) { return {}; }
  }

  function writeQueue(queue) {
    if (Object.keys(queue).length) { store(QUEUE_KEY, JSON.stringify(queue)); } else { forget(QUEUE_KEY); }
  }

  function pending() { return Object.keys(readQueue()).length; }

  // Numbers go on from the highest the server holds (another device may
  // have saved since this browser last did) and from this browser's own.
  var lastSeq = parseInt(form.getAttribute("data-saved-seq"), 10) || 0;

  function highestSeq() {
    lastSeq = Math.max(lastSeq, parseInt(load(SEQ_KEY), 10) || 0);
    return lastSeq;
  }

  function nextSeq() {
    var seq = highestSeq() + 1;
    lastSeq = seq;
    store(SEQ_KEY, String(seq));
    return seq;
  }

  function answerOf(fieldset) {
    var values = [];
    fieldset.querySelectorAll("input:checked").forEach(function (input) { values.push(input.value); });
    return values;
  }

  // --- Sending ----------------------------------------------------------

  // One save in flight per question: a change made meanwhile is sent when it
  // returns (the queue holds only the newest answer of each question).
  var inFlight = {}, again = {};
  var failing = false, retries = 0, retryTimer = null;
  var closed = false, submitting = false, timeUp = false, submitted = false;

  function send(position) {
    if (closed || submitted) { return; }
    var entry = readQueue()[position];
    if (!entry) { return; }
    if (inFlight[position]) { again[position] = true; return; }
    inFlight[position] = true;
    again[position] = false;
    var body = JSON.stringify({ position: parseInt(position, 10), answer: entry.answer, seq: entry.seq });
    fetch(form.getAttribute("data-save-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) {
        settle(position, entry, response, data || {});
      }, function () {
        failed();  // not the app's answer (a proxy's error page, a sign-in page)
      });
    }, failed).then(done, done);

    function done() {
      inFlight[position] = false;
      if (again[position]) { send(position); }
    }
  }

  function flush() {
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    Object.keys(readQueue()).forEach(send);
  }

  function settle(position, entry, response, data) {
    if (response.ok && data.seq === entry.seq) {
      // Saved, or stale (the server holds a newer save): either way done.
      acknowledged(position, entry.seq);
    } else if (data.closed) {
      closeAttempt(data.error);
    } else if (response.status === 400 && data.error) {
      // Refused for good (no such question …): retrying cannot help.
      acknowledged(position, entry.seq);
      status.textContent = data.error;
    } else {
      failed();
    }
  }

  function acknowledged(position, seq) {
    var queue = readQueue();
    if (queue[position] && queue[position].seq === seq) {
      delete queue[position];
      writeQueue(queue);
    }
    status.textContent = form.getAttribute("data-saved-text") + " " +
      new Date().toLocaleTimeString(document.documentElement.lang || undefined);
    if (failing) {
      // The server answers again: send what waited, without waiting longer.
      failing = false;
      retries = 0;
      flush();
    }
    update();
  }

  function failed() {
    failing = true;
    status.textContent = form.getAttribute("data-failed-text");
    if (!retryTimer && !closed) {
      var delay = Math.min(MAX_DELAY, 1000 * Math.pow(2, retries));
      retries += 1;
      retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, delay);
    }
    update();
  }

  function closeAttempt(message) {
    if (closed) { return; }
    closed = true;
    if (retryTimer) { window.clearTimeout(retryTimer); }
    forget(QUEUE_KEY);
    forget(SEQ_KEY);
    banner.textContent = message;
    banner.className += " closed";
    banner.hidden = false;
    status.hidden = true;
    // The result page says it again (the server has put it there).
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }

  // --- The banner, and submitting once the queue is empty ----------------

  var wait = document.getElementById("submit-panel-wait");
  var seqField = document.getElementById("paper-seq");

  function offline() { return navigator.onLine === false || failing; }

  function update() {
    if (closed || submitted) { return; }
    var waiting = pending();
    // Also at the deadline while offline: the paper waits to be submitted.
    banner.hidden = !((waiting || timeUp) && offline());
    if (!banner.hidden && !banner.textContent) { banner.textContent = banner.getAttribute("data-offline-text"); }
    status.hidden = !banner.hidden;  // the banner says it, larger: keep the bar short on a phone
    if (!submitting) { return; }
    // At the deadline the form goes as it is (it carries every answer);
    // before it, only once the device's answers have reached the server.
    if ((timeUp || !waiting) && navigator.onLine !== false) {
      submitNow();
      return;
    }
    var text = wait.getAttribute(offline() ? "data-offline-text" : "data-sending-text");
    if (wait.textContent !== text) { wait.textContent = text; }  // a status is read out on change
    wait.hidden = false;
  }

  function submitNow() {
    submitted = true;
    if (retryTimer) { window.clearTimeout(retryTimer); }
    seqField.value = highestSeq() ? String(highestSeq()) : "";
    var confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    confirmed.value = "1";
    form.appendChild(confirmed);
    form.submit();
  }

  window.addEventListener("online", function () {
    retries = 0;
    flush();
    update();
  });
  window.addEventListener("offline", update);

  // --- The confirm step -------------------------------------------------

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

  // 交卷 asks first; only the panel's 确认交卷 submits. Caught on the click,
  // not on the form's submit event, because older phone browsers do not tell
  // a submit handler which button was pressed.
  submitButton.addEventListener("click", function (event) {
    event.preventDefault();
    describe();
    submitButton.hidden = true;
    panel.hidden = false;
    panel.scrollIntoView({ block: "center" });
    panel.focus();
  });

  document.getElementById("confirm-submit").addEventListener("click", function (event) {
    event.preventDefault();
    submitting = true;
    flush();
    update();
  });

  document.getElementById("continue-answering").addEventListener("click", function () {
    var open = unanswered();
    submitting = false;
    wait.hidden = true;
    panel.hidden = true;
    submitButton.hidden = false;
    var next = open.length ? open[0].querySelector("input") : submitButton;
    next.scrollIntoView({ block: "center" });
    next.focus();
  });

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (fieldset && !closed) {
      var position = fieldset.getAttribute("data-position");
      var queue = readQueue();
      queue[position] = { answer: answerOf(fieldset), seq: nextSeq() };
      writeQueue(queue);
      send(position);
      update();
    }
    if (!panel.hidden) { describe(); }
  });

  // --- On load: the device's answers win over what the server drew -------

  function restore() {
    var queue = readQueue(), dropped = false;
    Object.keys(queue).forEach(function (position) {
      var entry = queue[position];
      var fieldset = form.querySelector("fieldset[data-position='" + parseInt(position, 10) + "']");
      if (!fieldset || !entry || !Array.isArray(entry.answer) || typeof entry.seq !== "number") {
        delete queue[position];
        dropped = true;
        return;
      }
      fieldset.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
        input.checked = entry.answer.indexOf(input.value) !== -1;
      });
    });
    if (dropped) { writeQueue(queue); }
  }

  restore();
  flush();
  update();

  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) {
      // Time is up: nothing left to confirm. Offline, the form waits for the
      // network (a submit now would only reach an error page).
      timeUp = true;
      submitting = true;
      update();
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}());
