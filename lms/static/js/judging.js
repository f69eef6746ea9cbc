// The judge's mark sheet: each mark is saved as soon as it is chosen, with a
// counter that only grows (the server keeps the newest save, so a retry or a
// late answer never puts an older mark back). The counter is kept in
// sessionStorage per station, so a reload carries on from where it was even
// before the server has the last save. Without scripts the sheet still works:
// the button at the end sends all of the contestant's marks at once.
(function () {
  "use strict";
  var form = document.getElementById("judge-sheet");
  if (!form || !window.fetch || !window.JSON) { return; }
  var url = form.getAttribute("data-save-url");
  var token = form.getAttribute("data-csrf-token");
  var contestant = parseInt(form.getAttribute("data-contestant"), 10);
  var seqKey = "judging-seq-" + form.getAttribute("data-station");
  var texts = {
    saving: form.getAttribute("data-saving-text"),
    saved: form.getAttribute("data-saved-text"),
    retry: form.getAttribute("data-retry-text"),
    stale: form.getAttribute("data-stale-text"),
    failed: form.getAttribute("data-failed-text")
  };
  var progress = document.getElementById("contestant-progress");
  var stationProgress = document.getElementById("station-progress");
  var done = parseInt(form.getAttribute("data-done"), 10) || 0;
  var seqField = form.querySelector("input[name=seq]");

  function storedSeq() {
    try { return parseInt(window.sessionStorage.getItem(seqKey), 10) || 0; } catch (e) { return 0; }
  }
  var seq = Math.max(parseInt(form.getAttribute("data-seq"), 10) || 1, storedSeq() + 1);
  function nextSeq() {
    var value = seq;
    seq += 1;
    try { window.sessionStorage.setItem(seqKey, String(value)); } catch (e) { /* private mode: the page's counter still grows */ }
    // The fallback form, should it be sent after all, must not be older than the saves made here.
    if (seqField) { seqField.value = String(seq); }
    return value;
  }

  // The scripted sheet saves as it goes: the send-all button is not needed.
  var submit = document.getElementById("sheet-submit");
  if (submit) { submit.hidden = true; }
  var note = document.getElementById("autosave-note");
  if (note) { note.hidden = false; }

  function show(fieldset, state, text) {
    var status = fieldset.querySelector(".save-state");
    fieldset.setAttribute("data-state", state);
    if (status) { status.textContent = text; }
  }

  function updateProgress(data) {
    if (progress) {
      progress.textContent = progress.getAttribute("data-text")
        .replace("{done}", data.done).replace("{expected}", data.expected);
    }
    if (stationProgress) {
      var total = (parseInt(stationProgress.getAttribute("data-done"), 10) || 0) + (data.done - done);
      stationProgress.setAttribute("data-done", String(total));
      stationProgress.textContent = total + " / " + stationProgress.getAttribute("data-expected");
    }
    done = data.done;
    var tab = document.querySelector(".contestant-tabs a[data-contestant='" + contestant + "'] .tick");
    if (tab) { tab.hidden = data.done < data.expected; }
  }

  // One save in flight per aspect; a mark chosen meanwhile is sent when it
  // returns. A network failure is retried, waiting longer each time.
  var inFlight = {}, pending = {}, delays = {};

  function send(fieldset) {
    var aspect = fieldset.getAttribute("data-aspect");
    var checked = fieldset.querySelector("input[type=radio]:checked");
    if (!checked) { return; }
    if (inFlight[aspect]) { pending[aspect] = true; return; }
    inFlight[aspect] = true;
    pending[aspect] = false;
    show(fieldset, "saving", texts.saving);
    var body = JSON.stringify({ contestant: contestant, aspect: parseInt(aspect, 10),
                                value: parseInt(checked.value, 10), seq: nextSeq() });
    var retry = false;
    fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        delays[aspect] = 0;
        if (response.ok) {
          show(fieldset, data.status === "stale" ? "stale" : "saved",
               data.status === "stale" ? texts.stale : texts.saved);
          updateProgress(data);
        } else if (response.status === 409 && data.error) {
          show(fieldset, "refused", data.error);
        } else {
          show(fieldset, "failed", data.error || texts.failed);
        }
      });
    }).catch(function () {
      retry = true;
      show(fieldset, "retrying", texts.retry);
    }).then(function () {
      inFlight[aspect] = false;
      if (retry && !pending[aspect]) {
        delays[aspect] = Math.min((delays[aspect] || 500) * 2, 30000);
        window.setTimeout(function () { send(fieldset); }, delays[aspect]);
      } else if (pending[aspect]) {
        send(fieldset);
      }
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-aspect]");
    if (fieldset) { send(fieldset); }
  });
}());
