/* On a prepared device: say how many people's answers are waiting, and ask the service worker
   to send them now, whenever the connection comes back, and every 15 seconds while any wait.
   It shows a number only: what people said is never shown from the outbox. */
(function () {
  "use strict";

  var line = document.querySelector("[data-outbox-status]");
  // Only a device a supporter prepared has a service worker; other browsers keep nothing.
  if (!line || !("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;

  function show() {
    engageStore.count("outbox").then(function (waiting) {
      line.hidden = waiting === 0;
      line.textContent = (waiting === 1 ? line.dataset.one : line.dataset.many).replace("{num}", waiting);
    }).catch(function () {});
  }

  function send() {
    if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "send-outbox" });
    }
  }

  function start() {
    navigator.serviceWorker.addEventListener("message", show);
    window.addEventListener("online", send);
    setInterval(function () { send(); show(); }, 15000);
    send();
    show();
  }

  // The store is loaded only here, on a prepared device, to keep every other page light.
  var store = document.createElement("script");
  store.src = line.dataset.store;
  store.onload = start;
  document.head.appendChild(store);
})();
