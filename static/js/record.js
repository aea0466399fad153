// Askel review: record a narration with the microphone, listen to it, then save it through the
// same form as an uploaded file. Without this file (or without a microphone) the upload works.
(function () {
  "use strict";

  function setUp(form) {
    var ui = form.querySelector("[data-recorder-ui]");
    var input = form.querySelector("input[type=file]");
    if (!ui || !input || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia
        || !window.DataTransfer) return;
    var start = ui.querySelector("[data-record-start]");
    var stop = ui.querySelector("[data-record-stop]");
    var status = ui.querySelector("[data-record-status]");
    var preview = ui.querySelector("[data-record-preview]");
    var maxSeconds = parseInt(status.getAttribute("data-max"), 10) || 90;
    var recorder = null, chunks = [], timer = null, url = null;
    ui.hidden = false;

    function say(name) { status.textContent = status.getAttribute("data-" + name) || ""; }

    function finish() {
      var type = (recorder && recorder.mimeType) || "audio/webm";
      var blob = new Blob(chunks, { type: type });
      var extension = type.indexOf("ogg") >= 0 ? "ogg" : type.indexOf("mp4") >= 0 ? "m4a" : "webm";
      var files = new DataTransfer();
      files.items.add(new File([blob], "recording." + extension, { type: type }));
      input.files = files.files;
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(blob);
      preview.src = url;
      preview.hidden = false;
      start.disabled = false;
      stop.disabled = true;
      if (status.getAttribute("data-state") !== "too-long") say("ready");
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        var options = {};
        if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported("audio/webm;codecs=opus")) {
          options.mimeType = "audio/webm;codecs=opus";
        }
        recorder = new MediaRecorder(stream, options);
        recorder.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
        recorder.addEventListener("stop", function () {
          clearTimeout(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          finish();
        });
        recorder.start();
        status.removeAttribute("data-state");
        say("recording");
        preview.hidden = true;
        start.disabled = true;
        stop.disabled = false;
        stop.focus();
        timer = setTimeout(function () {
          status.setAttribute("data-state", "too-long");
          say("too-long");
          if (recorder.state !== "inactive") recorder.stop();
        }, (maxSeconds - 1) * 1000);
      }, function () {
        say("denied");
      });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") recorder.stop();
    });
  }

  function ready() {
    var forms = document.querySelectorAll("[data-recorder]");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
