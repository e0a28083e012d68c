/* engage's service worker: the survey journey with no connection.

   Served at /s/sw.js, so it sees only survey pages (/s/...). For a survey a supporter has
   prepared on this device it
   - serves pages from the network while there is one, and the kept copies when there is not;
   - once a person has started without a connection, keeps their whole journey on the device
     (so their answers never end up split between the device and the server);
   - turns each form the person sends into their draft, and a finished draft into one outbox
     item with its own id; a file added is followed by "who may see it", as online;
   - sends the outbox one item at a time when asked, deleting an item only when the server
     has confirmed it.
   It loads nothing from any other site. */
"use strict";

importScripts("/static/offline/store.js");

var CACHE = "engage-offline-v1";
var SURVEY_PATH = /^\/s\/([^/]+)(\/.*)?$/;
// Sent by the outbox itself: never answered from the device.
var OUTBOX_PATH = /^\/s\/[^/]+\/outbox\//;
// "Who may see your photo?" for a file added with no connection, and its choices (as online).
var MEDIA_CONSENT = "/media/offline/";
var CONSENT_CHOICES = ["report", "words", "private"];
var DESCRIPTION_LIMIT = 2000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

// The key a kept page is stored under: one copy per language.
function pageKey(language, pathAndQuery) {
  return self.location.origin + "/__offline__/" + language + pathAndQuery;
}

function goTo(path) {
  return Response.redirect(self.location.origin + path, 303);
}

function now() { return new Date().toISOString(); }

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin || OUTBOX_PATH.test(url.pathname)) return;
  var survey = SURVEY_PATH.exec(url.pathname);
  if (survey) {
    event.respondWith(surveyRequest(event.request, url, survey[1], survey[2] || "/"));
  } else if (event.request.method === "GET") {
    // Pictures, sounds, styles and scripts: the network first, the kept copy without one.
    event.respondWith(fetch(event.request).catch(function () {
      return caches.match(event.request, { ignoreVary: true }).then(function (kept) {
        return kept || Response.error();
      });
    }));
  }
});

function surveyRequest(request, url, code, rest) {
  return Promise.all([engageStore.get("surveys", code), engageStore.get("drafts", code)])
    .then(function (found) {
      var prepared = found[0];
      var draft = found[1];
      if (!prepared) return fetch(request);
      // A person who started without a connection carries on without one, to the end.
      var offline = draft ? Promise.reject(new Error("person started offline"))
        : fetch(request.method === "GET" ? request : request.clone()).then(function (response) {
          return noteJourney(prepared, response);
        });
      return offline.catch(function () {
        // "Stop" ends this person's turn: what they gave waits in the outbox, the draft goes.
        if (request.method === "GET" && rest === "/stop" && draft) {
          return queue(draft).then(function () { return keptPage(prepared, null, url); });
        }
        if (request.method === "GET") return keptPage(prepared, draft, url);
        return answerOffline(request, prepared, draft, code, rest, url);
      });
    });
}

// Keep which session the person online is in (the server names it, signed, on each page), so
// that if the connection goes part-way the rest of their answers can join it. A page without
// one means nobody is answering; a redirect cannot be read, so it changes nothing.
function noteJourney(prepared, response) {
  if (response.type !== "basic" || response.status !== 200) return response;
  var journey = response.headers.get("X-Engage-Journey") || "";
  if (journey === (prepared.journey || "")) return response;
  return engageStore.put("surveys", Object.assign(prepared, { journey: journey }))
    .then(function () { return response; }, function () { return response; });
}

function keptPage(prepared, draft, url) {
  var language = (draft && draft.language) || prepared.language || prepared.languages[0];
  return caches.match(pageKey(language, url.pathname + url.search)).then(function (kept) {
    // The preparation page keeps itself, so a supporter can save the outbox to a file offline.
    return kept || caches.match(url.href);
  }).then(function (kept) {
    return kept || caches.match(pageKey(language, "/s/" + prepared.code + "/"));
  }).then(function (kept) { return kept || Response.error(); });
}

// Take a form the person sent with no connection; answer with the page that comes next.
function answerOffline(request, prepared, draft, code, rest, url) {
  var base = "/s/" + code;
  return request.formData().then(function (form) {
    var questions = prepared.questions;
    if (rest === "/language") {
      var language = form.get("language");
      if (prepared.languages.indexOf(language) < 0) return goTo(base + "/");
      var saving = draft ? engageStore.put("drafts", Object.assign(draft, { language: language }))
        : engageStore.put("surveys", Object.assign(prepared, { language: language }));
      var next = String(form.get("next") || "");
      return saving.then(function () { return goTo(next.indexOf(base + "/") === 0 ? next : base + "/"); });
    }
    // Consent, one question a page: nothing is kept until "take part" is yes.
    if (rest === "/consent") {
      // Someone who walked away part-way is not lost: what they gave goes to the outbox.
      var before = draft && Object.keys(draft.answers).length ? queue(draft) : Promise.resolve();
      if (form.get("take_part") !== "yes") {
        return before.then(function () { return engageStore.remove("drafts", code); })
          .then(function () { return goTo(base + "/no-thanks"); });
      }
      return before.then(function () { return engageStore.put("drafts", {
        code: code,
        language: prepared.language || prepared.languages[0],
        consent: { take_part: true, quote: false, media: false },
        started_at: now(),
        answers: {},
        media: []
      }); }).then(function () { return goTo(base + "/consent/words"); });
    }
    if (rest === "/thanks/done" || rest === "/stop/done") return goTo(base + "/");
    if (!draft) {
      if (rest.indexOf("/q/") !== 0) return goTo(base + "/");
      // The connection went in the middle of a journey begun online: keep what comes next,
      // with the least consent and the session it began in, which the server joins it to
      // (or, if it cannot safely, holds it for the lead). The session is used once only.
      draft = { code: code, language: prepared.language || prepared.languages[0],
                consent: { take_part: true, quote: false, media: false },
                started_at: now(), answers: {}, media: [], continues: prepared.journey || "" };
      prepared.journey = "";
      return engageStore.put("surveys", prepared).then(function () {
        return answerQuestion(draft, questions, base, rest, form);
      });
    }
    if (rest === "/consent/words" || rest === "/consent/pictures") {
      var words = rest === "/consent/words";
      var choice = form.get(words ? "quote" : "media");
      if (!choice) return goTo(base + rest);
      draft.consent[words ? "quote" : "media"] = choice === "yes";
      return engageStore.put("drafts", draft).then(function () {
        return goTo(base + (words ? "/consent/pictures" : "/who"));
      });
    }
    if (rest === "/who" || rest === "/who/how") {
      var field = rest === "/who" ? "respondent_group" : "answered_how";
      if (!form.get(field)) return goTo(base + rest);
      draft[field] = form.get(field);
      return engageStore.put("drafts", draft).then(function () {
        return goTo(base + (rest === "/who" ? "/who/how" : "/q/" + questions[0]));
      });
    }
    if (rest.indexOf("/q/") === 0) return answerQuestion(draft, questions, base, rest, form);
    if (rest.indexOf("/media/add/") === 0) {
      // The page has two file inputs (take a photo, choose one): keep the one used.
      var file = form.getAll("file").filter(function (f) { return f && f.size; })[0];
      var about = url.searchParams.get("q");
      var kind = rest.slice(11);
      if (!file) return goTo(base + "/q/" + about);
      // Nobody may see it until the person says who may: the next page asks them.
      draft.media.push({ kind: kind, question_id: about, blob: file, consent: "", description: "" });
      return engageStore.put("drafts", draft).then(function () { return goTo(base + MEDIA_CONSENT + kind); });
    }
    if (rest.indexOf(MEDIA_CONSENT) === 0) return chooseWhoSees(draft, base, rest, form);
    if (rest === "/check") return queue(draft).then(function () { return goTo(base + "/thanks"); });
    return goTo(base + "/");
  });
}

// Keep who may see the file just added, and what it shows, as the page online does; a choice
// the page does not offer is no choice, and the page is shown again saying so.
function chooseWhoSees(draft, base, rest, form) {
  var item = draft.media[draft.media.length - 1];
  if (!item) return goTo(base + "/");
  var consent = String(form.get("consent") || "");
  if (CONSENT_CHOICES.indexOf(consent) < 0) return goTo(base + rest.split("?")[0] + "?error=1");
  item.consent = consent;
  item.description = String(form.get("description") || "").slice(0, DESCRIPTION_LIMIT);
  return engageStore.put("drafts", draft).then(function () { return goTo(base + "/q/" + item.question_id); });
}

// Keep one question's answer in the draft; answer with the page that comes next.
function answerQuestion(draft, questions, base, rest, form) {
  var questionId = rest.slice(3);
  var action = String(form.get("action") || "");
  if (form.get("answer")) {
    draft.answers[questionId] = { question_id: questionId, value: form.get("answer"),
                                  free_text: form.get("free_text") || "", given_at: now() };
  }
  if (action === "stop") return queue(draft).then(function () { return goTo(base + "/stop"); });
  var saved = engageStore.put("drafts", draft);
  if (action.indexOf("media-") === 0) {
    return saved.then(function () { return goTo(base + "/media/add/" + action.slice(6) + "?q=" + questionId); });
  }
  // Back from adding a photo, the kept page shows no choice: the one saved still counts.
  if (!draft.answers[questionId]) return saved.then(function () { return goTo(base + rest); });
  var index = questions.indexOf(questionId);
  var onward = index + 1 < questions.length ? "/q/" + questions[index + 1] : "/check";
  return saved.then(function () { return goTo(base + onward); });
}

function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
    return ("0" + b.toString(16)).slice(-2);
  }).join("");
}

function sha256(data) { return crypto.subtle.digest("SHA-256", data).then(hex); }

// Turn a person's draft into one outbox item and forget the draft. The bundle's length and
// checksum are fixed now, so a bundle damaged while it waits is refused by the server.
function queue(draft) {
  var blobs = draft.media.map(function (item) { return item.blob; });
  return Promise.all(blobs.map(function (blob) {
    return blob.arrayBuffer().then(sha256);
  })).then(function (digests) {
    var text = JSON.stringify({
      version: 1,
      language: draft.language,
      consent: draft.consent,
      respondent_group: draft.respondent_group || "",
      answered_how: draft.answered_how || "",
      continues: draft.continues || "",
      started_at: draft.started_at,
      finished_at: now(),
      answers: Object.keys(draft.answers).map(function (key) { return draft.answers[key]; }),
      media: draft.media.map(function (item, n) {
        return { kind: item.kind, question_id: item.question_id, size: item.blob.size,
                 sha256: digests[n], consent: item.consent || "", description: item.description || "" };
      })
    });
    var bytes = new TextEncoder().encode(text);
    return sha256(bytes).then(function (digest) {
      return engageStore.put("outbox", {
        id: crypto.randomUUID(), code: draft.code, created_at: now(), bundle: text,
        length: String(bytes.length), sha256: digest, files: blobs, tries: 0
      });
    });
  }).then(function () { return engageStore.remove("drafts", draft.code); })
    .then(tellPages);
}

// --- sending the outbox ---

var sending = null;

function sendOutbox() {
  if (!sending) sending = sendEach().then(tellPages, tellPages).then(function () { sending = null; });
  return sending;
}

// One item at a time, oldest first; stop at the first sign of no connection.
function sendEach() {
  return engageStore.all("outbox").then(function (items) {
    items.sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
    return items.reduce(function (chain, item) {
      return chain.then(function (connected) { return connected && sendOne(item); });
    }, Promise.resolve(true));
  });
}

function sendOne(item) {
  var body = new FormData();
  body.append("bundle", item.bundle);
  body.append("bundle_length", item.length);
  body.append("bundle_sha256", item.sha256);
  item.files.forEach(function (file, n) { body.append("file-" + n, file, "file-" + n); });
  return fetch("/s/" + item.code + "/outbox/" + item.id, {
    method: "POST", body: body, credentials: "same-origin", headers: { "X-Engage-Outbox": "1" }
  }).then(function (response) {
    if (response.ok) return engageStore.remove("outbox", item.id).then(function () { return true; });
    // Refused: it stays on the device, with why, to be sent again or saved to a file.
    item.tries += 1;
    item.refused = response.status;
    return engageStore.put("outbox", item).then(function () { return true; });
  }, function () { return false; });
}

function tellPages() {
  return self.clients.matchAll().then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "outbox-changed" }); });
  });
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "send-outbox") event.waitUntil(sendOutbox());
});
