// Askel: a shared tablet signs out by itself after a few minutes without a tap, so the next
// person never finds someone else's lessons. The last minute is counted down on the screen, with a
// button to stay. Any tap tells the server she is still here (at most once a minute). Without
// JavaScript the page itself asks the server when the time is up (a <noscript> refresh).
(function () {
  "use strict";
  var box = document.getElementById("idle-countdown");
  if (!box) return;
  var limit = parseInt(box.getAttribute("data-seconds"), 10) * 1000;
  var warnAt = Math.min(60000, limit / 2);
  var left = box.querySelector("[data-left]");
  var lastActive = Date.now();
  var lastPing = Date.now();
  var token = (document.querySelector('input[name="csrf_token"]') || {}).value || "";

  function ping() {
    lastPing = Date.now();
    var request = new XMLHttpRequest();
    request.open("POST", box.getAttribute("data-ping"));
    request.setRequestHeader("X-CSRFToken", token);
    request.send();
  }

  function active() {
    lastActive = Date.now();
    if (!box.hidden) box.hidden = true;
    if (lastActive - lastPing > 60000) ping();
  }

  ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, active, { passive: true, capture: true });
  });
  document.addEventListener("htmx:afterRequest", function () { lastPing = Date.now(); });
  box.querySelector("[data-stay]").addEventListener("click", function () { active(); ping(); });

  setInterval(function () {
    var remaining = limit - (Date.now() - lastActive);
    if (remaining <= 0) {
      var form = document.querySelector("form.sign-out");
      if (form) form.submit(); else window.location.reload();
      return;
    }
    if (remaining <= warnAt) {
      var seconds = Math.ceil(remaining / 1000);
      left.textContent = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
      if (box.hidden) box.hidden = false;
    }
  }, 1000);
})();
