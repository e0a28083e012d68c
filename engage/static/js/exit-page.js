// "Exit this page": leave at once, replacing this page in the history so back does not return.
// Pressing Shift three times in a row does the same (a GOV.UK idea). The link works without it.
(function () {
  "use strict";
  var links = document.querySelectorAll("[data-exit-page]");
  if (!links.length) { return; }
  var target = links[0].href;
  var presses = 0;
  var timer = null;

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.classList.add("is-exiting");
    window.location.replace(target);
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", leave);
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) { leave(); }
  });
})();
