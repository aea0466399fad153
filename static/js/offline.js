// Askel offline, on a learner's own phone: registers the service worker (static/js/sw.js), keeps an
// answer given without a network and says so, sends it when the network returns, saves a course.
// Loaded only on a learner's pages; without it (or without JavaScript) everything works as before.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.indexedDB || !window.MessageChannel) return;
  navigator.serviceWorker.register("/sw.js");  // at the root: its scope is every page

  var waitingCount = 0;
  var boxes = document.querySelectorAll("[data-offline-course]");  // her home: a box per course
  var told = {};  // course id: what the worker said of it since this page opened

  function ask(message) {  // a message to the worker, and its answer
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data || {}); };
        (navigator.serviceWorker.controller || registration.active).postMessage(message, [channel.port2]);
      });
    });
  }

  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  // "Saved on this phone, sent when you are online" / "Sent": one short line under the header.
  function show(state) {
    if (typeof state.waiting === "number") waitingCount = state.waiting;
    var waitingNote = document.getElementById("answers-waiting");
    var sentNote = document.getElementById("answers-sent");
    if (waitingNote) waitingNote.hidden = !(waitingCount > 0);
    if (sentNote && state.sent) sentNote.hidden = waitingCount > 0;
  }

  var again = null;

  function send() {  // and again every 10 s while answers wait and the server does not take them
    clearTimeout(again);
    if (navigator.onLine === false || !waitingCount) return;
    ask({type: "send", token: token()}).then(function (state) {
      show(state);
      if (waitingCount) again = setTimeout(send, 10000);
    });
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "sent") show(event.data);
    // a saved course saved again in a new edition of the lessons, or not (then she can try herself)
    var again = {"resaved": "saved", "resave-failed": "failed"}[event.data && event.data.type];
    if (again) {
      var id = String(event.data.course);
      told[id] = again;
      Array.prototype.forEach.call(boxes, function (box) {
        if (box.getAttribute("data-offline-course") === id) course(box, again);
      });
    }
  });
  ask({type: "status", online: navigator.onLine !== false}).then(function (state) { show(state); send(); });
  window.addEventListener("online", send);

  // askel.js asks before it retries a request that did not reach the server. With this worker in
  // charge: an answer is kept on the phone and she goes on to the next step, which is on the phone
  // too; a page asked for over htmx is asked for whole (the worker shows it, or says it needs the network).
  document.addEventListener("askel:unsent", function (event) {
    if (!navigator.serviceWorker.controller) return;
    var config = event.detail;
    var player = document.getElementById("player");
    if (config.verb.toUpperCase() === "GET") {
      event.preventDefault();
      window.location.assign(config.path);
      return;
    }
    var key = config.formData && config.formData.get("key");
    var next = player && player.getAttribute("data-next");
    if (!key || !next || !/^\/learn\/[^/]+\/[^/]+\/steps\/[^/?]+$/.test(config.path)) return;
    event.preventDefault();
    var answer = config.formData.get("answer");
    ask({type: "keep", url: config.path, key: key, answer: answer === null ? null : String(answer)}).then(function () {
      window.location.assign(next);
    });
  });

  // Signing out removes what is kept; answers still waiting are sent first if the network is there.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("sign-out") || !waitingCount || navigator.onLine === false) return;
    event.preventDefault();
    var done = false;
    function leave() { if (!done) { done = true; form.submit(); } }
    ask({type: "send", token: token()}).then(leave, leave);
    setTimeout(leave, 4000);
  });

  // Her home: "Save this course for offline use" on each course; the next lessons' text kept unasked.
  function course(box, state) {
    box.hidden = false;
    ["save", "saving", "saved", "failed"].forEach(function (name) {
      var part = box.querySelector("[data-when=" + name + "]");
      if (part) part.hidden = name !== state && !(name === "save" && state === "failed");
    });
  }

  if (boxes.length) {
    ask({type: "saved"}).then(function (state) {
      var saved = state.courses || [], again = state.again || [], failed = state.failed || [];
      Array.prototype.forEach.call(boxes, function (box) {
        var id = box.getAttribute("data-offline-course");
        if (told[id]) return;  // the worker has told this page since it asked: that is newer
        course(box, saved.indexOf(id) >= 0 ? "saved" : failed.indexOf(id) >= 0 ? "failed" : again.indexOf(id) >= 0 ? "saving" : "save");
      });
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-offline-action]");
    if (!button) return;
    var box = button.closest("[data-offline-course]");
    var id = box.getAttribute("data-offline-course");
    if (button.getAttribute("data-offline-action") === "save") {
      course(box, "saving");
      ask({type: "save", course: id}).then(function (result) {
        course(box, result.saved ? "saved" : "failed");
        var status = box.querySelector("[data-when=" + (result.saved ? "saved" : "failed") + "]");
        if (status) status.focus();
      });
    } else {
      ask({type: "remove", course: id}).then(function () { course(box, "save"); });
    }
  });

  var next = document.getElementById("offline-next");
  if (next && navigator.serviceWorker.controller && navigator.onLine !== false) {
    ask({type: "next", paths: (next.getAttribute("data-paths") || "").split(" ").filter(Boolean)});
  }
})();
