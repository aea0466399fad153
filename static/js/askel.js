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
})();
