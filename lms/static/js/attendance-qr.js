// The attendance screen's QR code (training/attendance.html): a fresh code
// is loaded just after each change of window on the server's clock, so the
// code shown is always the newest and a scan has a full window to spare.
// The new image is loaded first and swapped in, so the code never blinks
// out; if loading fails the page is reloaded. Without JavaScript the page
// reloads itself instead (<noscript> refresh).
(function () {
  "use strict";
  var img = document.getElementById("attendance-qr");
  if (!img) { return; }
  var period = (parseInt(img.getAttribute("data-seconds"), 10) || 30) * 1000;
  var source = img.getAttribute("data-src");
  // The server's clock minus ours: windows are counted on the server's.
  var offset = (parseInt(img.getAttribute("data-server-ms"), 10) || Date.now()) - Date.now();

  function schedule() {
    var now = Date.now() + offset;
    setTimeout(swap, period - (now % period) + 500);
  }

  function swap() {
    var fresh = new Image();
    fresh.onload = function () { img.src = fresh.src; schedule(); };
    // No code (scanning has closed, or the server is unreachable): reload the
    // page, which then says why, or shows the code again once it answers.
    fresh.onerror = function () { setTimeout(function () { window.location.reload(); }, 5000); };
    fresh.src = source + "?t=" + Date.now();
  }

  schedule();
}());
