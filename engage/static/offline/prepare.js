/* "Get this survey ready to use without internet": register the service worker, keep every
   page of the journey in each of the survey's languages and every file those pages use, ask
   the browser to keep them, and say plainly whether the device is ready and how much it holds. */
(function () {
  "use strict";

  var box = document.querySelector("[data-offline-prepare]");
  if (!box) return;
  var status = box.querySelector("[data-status]");
  var detail = box.querySelector("[data-detail]");
  var button = box.querySelector("[data-prepare-button]");
  var CACHE = "engage-offline-v1";
  // Files a kept page uses: pictures, sounds, styles and scripts of this site only.
  var USED = /(?:src|href|data-stamp)="(\/(?:static|pictures|audio)\/[^"]+)"/g;
  // Every size a picture offers ("a.webp 1x, b.webp 2x"): the screen picks one.
  var SIZES = /srcset="([^"]+)"/g;
  box.hidden = false;

  if (!("serviceWorker" in navigator) || !window.caches || !window.indexedDB || !window.crypto || !crypto.subtle) {
    status.textContent = box.dataset.sayNoSupport;
    button.hidden = true;
    return;
  }

  function pageKey(language, path) {
    return location.origin + "/__offline__/" + language + path;
  }

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function show(survey, persisted) {
    var ready = survey && survey.missing === 0;
    status.textContent = ready ? box.dataset.sayReady : box.dataset.sayNotReady;
    var holds = box.dataset.sayHolds.replace("{pages}", survey.pages).replace("{files}", survey.files)
      .replace("{size}", megabytes(survey.bytes));
    detail.textContent = holds + (persisted === false ? " " + box.dataset.sayPersistNo : "");
    box.dataset.ready = ready ? "yes" : "no";
  }

  function keep(cache, address, key) {
    return fetch(address, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return null;
      return response.clone().blob().then(function (body) {
        return cache.put(key || address, response).then(function () { return body; });
      });
    }).catch(function () { return null; });
  }

  function prepare() {
    button.disabled = true;
    status.textContent = box.dataset.sayWorking;
    detail.textContent = "";
    var manifest, cache;
    var counts = { pages: 0, files: 0, bytes: 0, missing: 0 };
    var used = {};
    return navigator.serviceWorker.register(box.dataset.worker, { scope: box.dataset.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return fetch(box.dataset.manifest, { credentials: "same-origin" }); })
      .then(function (response) { return response.json(); })
      .then(function (found) { manifest = found; return caches.open(CACHE); })
      .then(function (opened) {
        cache = opened;
        // One page at a time: a tablet on weak Wi-Fi does better than with dozens at once.
        return manifest.pages.reduce(function (chain, page) {
          return chain.then(function () {
            return keep(cache, page.source, pageKey(page.language, page.path)).then(function (body) {
              if (!body) { counts.missing += 1; return; }
              counts.pages += 1;
              counts.bytes += body.size;
              return body.text().then(function (html) {
                var match;
                USED.lastIndex = 0;
                while ((match = USED.exec(html))) used[match[1].replace(/&amp;/g, "&")] = true;
                SIZES.lastIndex = 0;
                while ((match = SIZES.exec(html))) {
                  match[1].split(",").forEach(function (choice) {
                    var address = choice.trim().split(/\s+/)[0].replace(/&amp;/g, "&");
                    if (address.charAt(0) === "/") used[address] = true;
                  });
                }
              });
            });
          });
        }, Promise.resolve());
      })
      .then(function () {
        manifest.files.forEach(function (file) { used[file] = true; });
        return Object.keys(used).reduce(function (chain, address) {
          return chain.then(function () {
            return keep(cache, address).then(function (body) {
              if (!body) { counts.missing += 1; return; }
              counts.files += 1;
              counts.bytes += body.size;
            });
          });
        }, Promise.resolve());
      })
      .then(function () {
        return keep(cache, location.pathname);
      })
      .then(function () {
        return engageStore.get("surveys", manifest.code);
      })
      .then(function (before) {
        var survey = Object.assign(before || {}, {
          code: manifest.code, languages: manifest.languages, questions: manifest.questions,
          version: manifest.version, prepared_at: new Date().toISOString(),
          pages: counts.pages, files: counts.files, bytes: counts.bytes, missing: counts.missing
        });
        return engageStore.put("surveys", survey).then(function () { return survey; });
      })
      .then(function (survey) {
        var asking = navigator.storage && navigator.storage.persist ? navigator.storage.persist() : Promise.resolve(false);
        return asking.then(function (persisted) { show(survey, persisted); });
      })
      .catch(function () {
        status.textContent = box.dataset.sayNotReady;
        box.dataset.ready = "no";
      })
      .then(function () { button.disabled = false; });
  }

  button.addEventListener("click", prepare);
  var code = box.dataset.manifest.split("/")[2];
  engageStore.get("surveys", code).then(function (survey) {
    if (survey) show(survey, undefined);
  });
})();
