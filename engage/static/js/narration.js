// Read-aloud controls: turn each native audio player into one big play/stop button,
// and offer "Read this page to me". Without this script the native players still work.
(function () {
  "use strict";
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".say__button"));
  var current = null;
  var queue = [];
  // True while the page reads itself on opening, before the person has touched anything.
  var autoplaying = false;
  var tapToHear = document.querySelector("[data-tap-to-hear]");

  function audioFor(button) {
    var next = button.nextElementSibling;
    return next && next.tagName === "AUDIO" ? next : null;
  }

  function show(button, playing) {
    button.setAttribute("aria-pressed", playing ? "true" : "false");
    button.classList.toggle("say__button--playing", playing);
  }

  function stopAll() {
    queue = [];
    autoplaying = false;
    if (current) {
      var audio = audioFor(current);
      audio.pause();
      audio.currentTime = 0;
      show(current, false);
      current = null;
    }
    if (readPage) { readPage.setAttribute("aria-pressed", "false"); }
  }

  function play(button) {
    var audio = audioFor(button);
    current = button;
    show(button, true);
    var started = audio.play();
    if (started && started.catch) {
      // A browser may refuse to start sound before the person has touched the page.
      // Reading the page on opening then asks for one tap, rather than failing silently.
      started.catch(function () {
        var refusedOnOpening = autoplaying;
        stopAll();
        if (refusedOnOpening && tapToHear) {
          tapToHear.hidden = false;
          tapToHear.focus();
        }
      });
    }
  }

  function playNext() {
    var button = queue.shift();
    if (button) { play(button); } else { stopAll(); }
  }

  buttons.forEach(function (button) {
    var audio = audioFor(button);
    if (!audio) { return; }
    audio.controls = false;
    audio.hidden = true;
    button.hidden = false;
    audio.addEventListener("ended", function () {
      show(button, false);
      if (current === button) { current = null; }
      if (queue.length) { playNext(); } else if (readPage) { readPage.setAttribute("aria-pressed", "false"); }
    });
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      var wasPlaying = current === button;
      stopAll();
      if (!wasPlaying) { play(button); }
    });
  });

  var readPage = document.querySelector(".read-page");
  if (readPage && buttons.length) {
    readPage.hidden = false;
    readPage.addEventListener("click", function (event) {
      event.stopPropagation();
      var reading = readPage.getAttribute("aria-pressed") === "true";
      stopAll();
      if (!reading) { startReading(); }
    });
  }

  function startReading() {
    // The heading, the question and its options come first in the page, so page order is reading order.
    var main = document.querySelector("main");
    queue = buttons.filter(function (button) { return main.contains(button) && button.offsetParent !== null; });
    readPage.setAttribute("aria-pressed", "true");
    playNext();
  }

  // Any tap or key press elsewhere stops the reading.
  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var target = event.target;
      if (target.closest && target.closest(".say__button, .read-page")) { return; }
      autoplaying = false;
      if (current || queue.length) { stopAll(); }
    }, true);
  });

  if (tapToHear && readPage && buttons.length) {
    tapToHear.addEventListener("click", function (event) {
      event.stopPropagation();
      tapToHear.hidden = true;
      stopAll();
      startReading();
    });
  }

  if (readPage && readPage.hasAttribute("data-autoplay")) {
    startReading();
    autoplaying = true;
  }
})();
