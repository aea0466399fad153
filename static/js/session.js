// Askel: a recording session. The texts of a course (or what is still silent) one after another:
// Record, Stop, listen back, Keep (uploaded and saved at once) or Record again, then on to the
// next text. One big button does the next thing; Space or Enter presses it, L listens, R records
// again, N skips, P goes back. Without this file the page lists each text's own upload page.
(function () {
  "use strict";

  function setUp(form) {
    var list = document.querySelector("[data-session-texts]");
    if (!list || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia
        || !window.fetch || !window.FormData) return;
    var items = list.querySelectorAll(".session-text");
    if (!items.length) return;
    var main = form.querySelector("[data-session-main]");
    var listen = form.querySelector("[data-session-listen]");
    var redo = form.querySelector("[data-session-redo]");
    var back = form.querySelector("[data-session-back]");
    var skip = form.querySelector("[data-session-skip]");
    var status = form.querySelector("[data-session-status]");
    var position = form.querySelector("[data-session-position]");
    var count = form.querySelector("[data-session-count]");
    var preview = form.querySelector("[data-session-preview]");
    var token = form.querySelector("input[name=csrf_token]").value;
    var maxSeconds = parseInt(form.getAttribute("data-max"), 10) || 90;
    var index = Math.min(parseInt(form.getAttribute("data-start"), 10) || 0, items.length - 1);
    var state = "ready", stream = null, recorder = null, chunks = [], take = null, url = null, timer = null;
    var saved = 0;

    function say(name) { status.textContent = form.getAttribute("data-say-" + name) || ""; }
    function label(name) { main.textContent = form.getAttribute("data-label-" + name); }

    function show() {
      for (var i = 0; i < items.length; i++) items[i].hidden = i !== index;
      position.textContent = form.getAttribute("data-position")
        .replace("{number}", String(index + 1)).replace("{total}", String(items.length));
      back.disabled = index === 0;
      skip.disabled = index === items.length - 1;
    }

    function setState(next, message) {
      state = next;
      main.disabled = next === "saving" || next === "done";
      listen.disabled = !(take || items[index].getAttribute("data-recording")) || next === "recording" || next === "saving";
      redo.disabled = next !== "review";
      label(next === "recording" ? "stop" : next === "review" ? "keep" : "record");
      form.setAttribute("data-state", next);
      say(message || next);
      if (!main.disabled) main.focus();
    }

    function forget() {
      take = null;
      if (url) URL.revokeObjectURL(url);
      url = null;
      preview.hidden = true;
      preview.removeAttribute("src");
    }

    function go(to) {
      if (state === "recording" || state === "saving") return;
      forget();
      index = Math.max(0, Math.min(items.length - 1, to));
      show();
      setState("ready");
    }

    function microphone() {
      if (stream && stream.active) return Promise.resolve(stream);
      return navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) { stream = s; return s; });
    }

    function record() {
      forget();
      microphone().then(function (s) {
        chunks = [];
        var options = {};
        if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported("audio/webm;codecs=opus")) {
          options.mimeType = "audio/webm;codecs=opus";
        }
        recorder = new MediaRecorder(s, options);
        recorder.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
        recorder.addEventListener("stop", function () {
          clearTimeout(timer);
          take = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
          url = URL.createObjectURL(take);
          preview.src = url;
          preview.hidden = false;
          var tooLong = form.getAttribute("data-state") === "too-long";
          setState("review", tooLong ? "too-long" : "review");
          var playing = preview.play();  // listen back at once
          if (playing && playing.catch) playing.catch(function () {});
        });
        recorder.start();
        setState("recording");
        timer = setTimeout(function () {
          form.setAttribute("data-state", "too-long");
          if (recorder.state !== "inactive") recorder.stop();
        }, (maxSeconds - 1) * 1000);
      }, function () {
        setState("ready", "denied");
      });
    }

    function stop() {
      if (recorder && recorder.state !== "inactive") recorder.stop();
    }

    function keep() {
      if (!take) return;
      preview.pause();
      var item = items[index];
      var type = take.type || "audio/webm";
      var extension = type.indexOf("ogg") >= 0 ? "ogg" : type.indexOf("mp4") >= 0 ? "m4a" : "webm";
      var body = new FormData();
      body.append("csrf_token", token);
      body.append("context", item.getAttribute("data-context"));
      body.append("variant", item.getAttribute("data-variant") || "");
      body.append("wording", item.getAttribute("data-wording"));
      body.append("audio", take, "take." + extension);
      setState("saving");
      fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; },
                                     function () { return { ok: false, answer: {} }; });
      }).then(function (result) {
        if (!result.ok || !result.answer.saved) {
          setState("review", "failed");
          if (result.answer.message) status.textContent = result.answer.message;
          if (result.answer.message && result.answer.message !== form.getAttribute("data-say-failed")) {
            redo.focus();  // a take the server refuses (silent, too long) is recorded again
          }
          return;
        }
        saved += 1;
        count.textContent = String(saved);
        item.setAttribute("data-recording", result.answer.url);
        item.setAttribute("data-saved", "true");
        var tag = item.querySelector("[data-session-tag]");
        if (tag) { tag.textContent = result.answer.message; tag.className = "tag tag-ok"; }
        forget();
        if (index < items.length - 1) {
          index += 1;
          show();
          setState("ready", "saved");
        } else {
          setState("done");
        }
      }, function () {
        setState("review", "failed");
      });
    }

    function play() {
      if (listen.disabled) return;
      if (!take) preview.src = items[index].getAttribute("data-recording");
      preview.hidden = false;
      preview.currentTime = 0;
      var playing = preview.play();
      if (playing && playing.catch) playing.catch(function () {});
    }

    function press() {
      if (state === "ready" || state === "done") record();
      else if (state === "recording") stop();
      else if (state === "review") keep();
    }

    main.addEventListener("click", press);
    listen.addEventListener("click", play);
    redo.addEventListener("click", function () { if (state === "review") record(); });
    back.addEventListener("click", function () { go(index - 1); });
    skip.addEventListener("click", function () { go(index + 1); });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      var key = event.key;
      if (key === " " || key === "Enter") {
        // a focused button, link or summary does its own thing (the big button has focus most of the time)
        if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || tag === "AUDIO") return;
        event.preventDefault();
        press();
        return;
      }
      var letter = key.length === 1 ? key.toLowerCase() : "";
      if (letter === "l") { event.preventDefault(); play(); }
      else if (letter === "r") { if (state === "review") { event.preventDefault(); record(); } }
      else if (letter === "n") { event.preventDefault(); go(index + 1); }
      else if (letter === "p") { event.preventDefault(); go(index - 1); }
    });

    window.addEventListener("beforeunload", function (event) {
      // a take not yet kept would be lost: ask first (a kept one is already saved)
      if (state === "recording" || state === "review" || state === "saving") {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    var upload = list.querySelectorAll(".session-upload");
    for (var i = 0; i < upload.length; i++) upload[i].classList.add("session-upload-quiet");
    var nojs = document.querySelector("[data-session-nojs]");
    if (nojs) nojs.hidden = true;
    form.hidden = false;
    show();
    setState("ready");
  }

  function ready() {
    var form = document.querySelector("[data-session]");
    if (form) setUp(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
