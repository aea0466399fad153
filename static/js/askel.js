// Askel: small progressive enhancements. Every flow works without this file.
(function () {
  "use strict";

  // After htmx swaps in a new step, move focus to its heading so screen readers read it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "player") return;
    var player = document.getElementById("player");
    var heading = player && player.querySelector("h1");
    if (heading) heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });

  // The attendance register swaps one person's button: keep the focus on it for the next tap or key.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || target.id.indexOf("learner-") !== 0) return;
    var item = document.getElementById(target.id);
    var button = item && item.querySelector("button");
    if (button) button.focus({ preventScroll: true });
  });

  // "I need help" swaps in what happens next: that notice takes focus and is scrolled to the middle
  // of the screen, with "Take back my request" below it. Focusing alone scrolls only as far as the
  // browser likes (to the very edge, or not at all), so the scrolling is said here. Only after her
  // tap (the server marks that notice autofocus): the 15-s check for "seen" never moves her page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "help-area") return;
    var note = target.querySelector(".notice[autofocus]");
    if (!note) return;
    note.focus({ preventScroll: true });
    note.scrollIntoView({ block: "center" });
  });

  // A dropped connection loses nothing: say so, and send the same request again (with the same
  // idempotency key, so the server records the answer once) until it goes through.
  var pending = null;

  // The notice floats at the bottom of the screen, where she just tapped, and takes focus, so a
  // screen reader reads it at once; when the request goes through, the new step's heading takes it.
  function showOffline(show) {
    var note = document.getElementById("offline");
    if (!note) return;
    note.hidden = !show;
    if (show) note.focus({ preventScroll: true });
  }

  function retry() {
    if (!pending) return;
    var request = pending;
    clearTimeout(request.timer);
    var source = document.body.contains(request.elt) ? request.elt : null;
    htmx.ajax(request.verb, request.path, {
      source: source, target: request.target, values: request.values, headers: request.headers
    }).then(function () {
      if (pending === request) { pending = null; showOffline(false); }
    }, function () {
      if (pending === request) request.timer = setTimeout(retry, 3000);
    });
  }

  document.addEventListener("htmx:sendError", function (event) {
    var config = event.detail.requestConfig;
    if (!config || pending) return; // a retry failing again is handled by its own promise
    // On her own phone the service worker may have the page, or keep the answer (offline.js).
    var unsent = new CustomEvent("askel:unsent", {detail: config, cancelable: true});
    if (!document.dispatchEvent(unsent)) return;
    var values = {};
    config.formData.forEach(function (value, name) { values[name] = value; });
    pending = {
      verb: config.verb.toUpperCase(), path: config.path, elt: config.elt, target: config.target,
      values: values, headers: config.headers, timer: null
    };
    showOffline(true);
    pending.timer = setTimeout(retry, 2000);
  });

  window.addEventListener("online", retry);

  // Live views poll every few seconds; not while the tab is hidden (saves data and battery).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.elt && event.detail.elt.getAttribute("hx-trigger");
    if (document.visibilityState !== "visible" && trigger && trigger.indexOf("every ") === 0) event.preventDefault();
  });
})();
