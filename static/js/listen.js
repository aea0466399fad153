// Askel: "listen" on every step. A step is played through, part by part: its text, or its question
// and then each answer (review.narration: the step's voiced texts), each highlighted on the page
// while it plays, so a learner who cannot read hears every button she can press. A text shown after
// an answer (a wrong answer's feedback, the right answer) has a box of its own beside it; the
// feedback's plays by itself instead of the step's when she chose sound by itself. Each part plays
// her instructor's recording if there is one (an <audio> that also works without this file, with
// its own controls), else the device's own voice, if it has one for her language; a part with
// neither is skipped. No part to play: no button (never a button that does nothing).
//
// "Play by itself" is remembered in this browser (localStorage), not on her account: whether sound
// should start on its own depends on where the device is as much as on her (a room of twelve
// tablets, or her phone at home), and it keeps the step page the same for every learner (one
// cached page per language, no query) and the choice working offline. Off until she turns it on.
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var AUTO_KEY = "askel-listen-auto";
  var current = null; // the box playing now: {box, stop}

  function voiceFor(lang) {
    if (!lang || !synth || !window.SpeechSynthesisUtterance) return null;
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      var code = (voices[i].lang || "").toLowerCase().split(/[-_]/)[0];
      if (code === lang) return voices[i];
    }
    return null;
  }

  function autoOn() {
    try { return window.localStorage.getItem(AUTO_KEY) === "1"; } catch (e) { return false; }
  }

  function setAuto(on) {
    try { window.localStorage.setItem(AUTO_KEY, on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
  }

  function pressed(button, on) { button.setAttribute("aria-pressed", on ? "true" : "false"); }

  function stopAll() {
    if (current) current.stop();
    current = null;
  }

  function setUp(box) {
    var button = box.querySelector("[data-listen-play]");
    var action = box.querySelector(".listen-action");
    var list = box.querySelector(".listen-parts");
    var auto = box.querySelector("[data-listen-auto]");
    var lang = box.getAttribute("data-speak-lang");
    var parts = Array.prototype.slice.call(box.querySelectorAll("[data-listen-part]"));
    if (!button || !parts.length) return;
    var broken = false; // the device listed a voice but could not speak with it

    function recording(part) { return part.querySelector("audio"); }
    function playable(part) { return !!recording(part) || (!broken && !!part.getAttribute("data-speak") && !!voiceFor(lang)); }
    function target(part) {
      var id = part.getAttribute("data-listen-part");
      var found = document.querySelectorAll("[data-voice]");
      for (var i = 0; i < found.length; i++) if (found[i].getAttribute("data-voice") === id) return found[i];
      return null;
    }

    function offer() {
      var any = parts.some(playable);
      action.hidden = !any;
      if (list) list.hidden = any; // the player's own controls stay for a device that plays nothing here
      parts.forEach(function (part) {
        var a = recording(part);
        if (a) { if (any) a.removeAttribute("controls"); else a.setAttribute("controls", ""); }
      });
      return any;
    }

    function play() {
      var index = -1;
      var stopped = false;
      var lit = null;
      var audio = null;
      var session = {box: box, stop: stop};

      function light(part) {
        if (lit) lit.classList.remove("is-speaking");
        lit = part ? target(part) : null;
        if (lit) lit.classList.add("is-speaking");
      }

      function stop() {
        stopped = true;
        if (audio) { audio.pause(); audio.currentTime = 0; }
        if (synth && synth.speaking) synth.cancel();
        light(null);
        pressed(button, false);
        if (current === session) current = null;
      }

      function speak(part) {
        var voice = voiceFor(lang);
        var text = part.getAttribute("data-speak");
        if (!voice || !text || broken) { next(); return; }
        var utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = voice.lang || lang;
        utterance.voice = voice;
        utterance.rate = 0.9;
        utterance.onend = function () { if (!stopped) next(); };
        utterance.onerror = function (event) {
          if (stopped || (event && (event.error === "interrupted" || event.error === "canceled"))) return;
          broken = true; // take the voice away rather than leave a button that does nothing
          offer();
          next();
        };
        synth.speak(utterance);
      }

      function next() {
        if (stopped) return;
        index += 1;
        if (index >= parts.length) { stop(); return; }
        var part = parts[index];
        if (!playable(part)) { next(); return; }
        light(part);
        audio = recording(part);
        if (!audio) { speak(part); return; }
        audio.currentTime = 0;
        var started = audio.play();
        if (started && started.catch) {
          started.catch(function (error) {
            if (stopped) return;
            if (error && error.name === "NotAllowedError") { stop(); return; } // no sound before she touches the page
            speak(part);
          });
        }
      }

      session.next = next;
      session.audio = function () { return audio; };
      session.fallBack = function () { audio = null; speak(parts[index]); };
      stopAll();
      current = session;
      pressed(button, true);
      next();
    }

    parts.forEach(function (part) {
      var a = recording(part);
      if (!a) return;
      function mine() { return current && current.box === box && current.audio() === a; }
      a.addEventListener("ended", function () { if (mine()) current.next(); });
      a.addEventListener("error", function () { if (mine()) current.fallBack(); });
    });

    button.addEventListener("click", function () {
      if (current && current.box === box) { stopAll(); return; }
      play();
    });
    if (auto) {
      auto.checked = autoOn();
      auto.addEventListener("change", function () { setAuto(auto.checked); });
    }
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", function () { offer(); });
    // Sound by itself (if she chose it) on a step: the feedback on her wrong answer when there is
    // one (data-listen-first, the box beside it, which has no checkbox of its own), else the step.
    var player = box.closest ? box.closest("#player") : null;
    var first = box.hasAttribute("data-listen-first");
    var starts = player && (first ? autoOn() : (auto && auto.checked && !player.querySelector("[data-listen-first]")));
    if (offer() && starts) play();
  }

  function setUpAll(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll("[data-listen]") : [];
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute("data-ready")) continue;
      boxes[i].setAttribute("data-ready", "1");
      setUp(boxes[i]);
    }
  }

  // A new step swapped in by htmx: stop what plays, set up the new step.
  document.addEventListener("htmx:beforeSwap", stopAll);
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  } else {
    setUpAll(document);
  }
})();
