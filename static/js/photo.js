/* A practice photo checked before it is sent (templates/sims/_photo.html): a file larger than the
   server takes, or not a picture, is not sent; she is told why in her language, beside the button.
   The messages and limits come from the page (workshop/sims/photos.py, browser_check), the same as
   the server's, which still checks every photo that arrives. Without JavaScript nothing changes. */
(function () {
  "use strict";
  var SELECTOR = "input[type=file][data-max-bytes]";
  var EXTENSIONS = /\.(jpe?g|png|webp|heic|heif)$/i;

  function problem(input) {
    var file = input.files && input.files[0];
    if (!file) return "";  // nothing chosen: "required", then the server, say so
    if (file.size > Number(input.getAttribute("data-max-bytes"))) return input.getAttribute("data-too-big");
    var types = (input.getAttribute("data-types") || "").split(",");
    var type = (file.type || "").toLowerCase();
    // Some phones give no type for an iPhone's HEIC photo: then its name says what it is.
    var picture = type ? types.indexOf(type) !== -1 : EXTENSIONS.test(file.name || "");
    return picture ? "" : input.getAttribute("data-not-a-photo");
  }

  function show(input, message) {
    var field = input.closest(".photo-field");
    var box = field && field.querySelector(".photo-check");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
    var serverError = field.querySelector(".field-error:not(.photo-check)");
    field.classList.toggle("has-error", Boolean(message) || Boolean(serverError));
    if (message) input.setAttribute("aria-invalid", "true");
    else if (!serverError) input.removeAttribute("aria-invalid");
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(SELECTOR)) show(event.target, problem(event.target));
  });

  // Capture: before any other submit handler (htmx), so a refused photo is never sent.
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll ? event.target.querySelectorAll(SELECTOR) : [];
    for (var i = 0; i < inputs.length; i++) {
      var message = problem(inputs[i]);
      show(inputs[i], message);
      if (message) {
        event.preventDefault();
        event.stopPropagation();
        inputs[i].focus();
        return;
      }
    }
  }, true);
})();
