// Askel: "listen" on every step. A recorded narration plays through its <audio> (which works
// without this file, with its own controls); else the device's own voice reads the text, if the
// device has a voice for her language; else no button is shown. Never a button that does nothing.
(function () {
  "use strict";

  var synth = window.speechSynthesis;

  function voiceFor(lang) {
    if (!synth || !window.SpeechSynthesisUtterance) return null;
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      var code = (voices[i].lang || "").toLowerCase().split(/[-_]/)[0];
      if (code === lang) return voices[i];
    }
    return null;
  }

  function pressed(button, on) { button.setAttribute("aria-pressed", on ? "true" : "false"); }

  function setUpRecording(box) {
    var button = box.querySelector("[data-listen-play]");
    var audio = box.querySelector("audio");
    if (!button || !audio) return;
    audio.removeAttribute("controls");
    audio.hidden = true;
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      if (audio.paused) {
        audio.currentTime = 0;
        var playing = audio.play();
        if (playing && playing.catch) playing.catch(function () { fallBack(); });
      } else {
        audio.pause();
      }
    });
    function fallBack() { // the device cannot play this file: give her the player's own controls
      button.parentNode.hidden = true;
      audio.hidden = false;
      audio.setAttribute("controls", "");
    }
    audio.addEventListener("play", function () { pressed(button, true); });
    audio.addEventListener("pause", function () { pressed(button, false); });
    audio.addEventListener("ended", function () { pressed(button, false); });
    audio.addEventListener("error", fallBack);
  }

  function setUpVoice(button) {
    var lang = button.getAttribute("data-speak-lang");
    var box = button.parentNode;
    function offer() { box.hidden = !lang || !voiceFor(lang); }
    offer();
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", offer);
    button.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); pressed(button, false); return; }
      var voice = lang && voiceFor(lang);
      if (!voice) { box.hidden = true; return; }
      var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-speak"));
      utterance.lang = voice.lang || lang;
      utterance.voice = voice;
      utterance.rate = 0.9;
      utterance.onend = function () { pressed(button, false); };
      utterance.onerror = function (event) {
        pressed(button, false);
        // The device listed a voice but cannot speak with it: take the button away rather than
        // leave one that does nothing. (Stopping it herself is "interrupted" or "canceled".)
        if (event && event.error !== "interrupted" && event.error !== "canceled") {
          box.hidden = true;
          lang = null;
        }
      };
      pressed(button, true);
      synth.speak(utterance);
    });
  }

  function setUp(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll("[data-listen]") : [];
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute("data-ready")) continue;
      boxes[i].setAttribute("data-ready", "1");
      setUpRecording(boxes[i]);
    }
    var buttons = root.querySelectorAll ? root.querySelectorAll("[data-speak]") : [];
    for (var j = 0; j < buttons.length; j++) {
      if (buttons[j].getAttribute("data-ready")) continue;
      buttons[j].setAttribute("data-ready", "1");
      setUpVoice(buttons[j]);
    }
  }

  // A new step swapped in by htmx: stop the old voice, set up the new buttons.
  document.addEventListener("htmx:beforeSwap", function () { if (synth && synth.speaking) synth.cancel(); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
})();
