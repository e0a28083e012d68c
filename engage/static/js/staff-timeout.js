// Warn a signed-in staff member before an idle sign-out, and let them stay signed in.
(function () {
  "use strict";
  var script = document.currentScript;
  var statusUrl = script.getAttribute("data-status-url");
  var signInUrl = script.getAttribute("data-sign-in-url");
  var warning = document.getElementById("timeout-warning");
  var stay = document.getElementById("timeout-stay");
  if (!warning || !statusUrl || !window.fetch) { return; }
  var WARN_SECONDS = 120;
  var lastFocus = null;

  function show() {
    if (!warning.hidden) { return; }
    lastFocus = document.activeElement;
    warning.hidden = false;
    stay.focus();
  }

  function hide() {
    warning.hidden = true;
    if (lastFocus && lastFocus.focus) { lastFocus.focus(); }
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.remaining <= 0) {
          window.location.assign(signInUrl);
        } else if (data.remaining <= WARN_SECONDS) {
          show();
          window.setTimeout(check, 15000);
        } else {
          window.setTimeout(check, Math.min(60000, (data.remaining - WARN_SECONDS) * 1000));
        }
      })
      .catch(function () { window.setTimeout(check, 60000); });
  }

  warning.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrf_token.value },
    }).then(function () { hide(); window.setTimeout(check, 60000); });
  });
  window.setTimeout(check, 30000);
})();
