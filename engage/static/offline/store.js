/* The device's own store for answering without a connection, shared by the pages and the
   service worker. Four object stores in IndexedDB:
   - surveys: what a prepared survey needs offline (its questions and languages);
   - drafts: the one person answering now, per survey, deleted when they finish or stop;
   - outbox: finished people waiting to be sent, each under its own id, deleted only when the
     server has confirmed it;
   - keys: the AES-GCM key that seals drafts and outbox items.

   Sealed at rest: what a person gave (answers, words, photos, drawings) is encrypted before it
   is written, with a key made on this device that cannot be exported (a non-extractable
   CryptoKey, kept in IndexedDB as the browser keeps such keys). A stored record shows only its
   key, and for the outbox when it was made and how sending went; everything else is in
   `sealed` and `sealedFiles`. Reading goes through get() and all(), which open them again. */
(function (scope) {
  "use strict";

  var NAME = "engage-offline";
  var SEALED = { drafts: ["code"], outbox: ["id", "code", "created_at", "tries", "refused"] };

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 2);
      request.onupgradeneeded = function (event) {
        var db = request.result;
        if (event.oldVersion < 1) {
          db.createObjectStore("surveys", { keyPath: "code" });
          db.createObjectStore("drafts", { keyPath: "code" });
          db.createObjectStore("outbox", { keyPath: "id" });
        }
        db.createObjectStore("keys", { keyPath: "name" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Run one request in its own transaction; resolve with its result once it is written.
  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = work(tx.objectStore(store));
        tx.oncomplete = function () { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // The device's key, made the first time it is needed. If two pages make one at once, add()
  // lets only the first be kept, and both go on with that one.
  var keyPromise = null;
  function deviceKey() {
    if (!keyPromise) {
      keyPromise = run("keys", "readonly", function (s) { return s.get("answers"); })
        .then(function (kept) {
          if (kept) return kept.key;
          return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
            .then(function (made) {
              return run("keys", "readwrite", function (s) { return s.add({ name: "answers", key: made }); })
                .then(function () { return made; }, function () {
                  return run("keys", "readonly", function (s) { return s.get("answers"); })
                    .then(function (won) { return won.key; });
                });
            });
        });
      keyPromise.catch(function () { keyPromise = null; });
    }
    return keyPromise;
  }

  function encrypt(key, bytes) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, bytes)
      .then(function (data) { return { iv: iv, data: data }; });
  }

  function decrypt(key, box) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.data);
  }

  // Seal a draft or outbox item: the fields named in SEALED stay readable, the rest become one
  // encrypted JSON text, and each file (a Blob, which JSON cannot hold) is encrypted beside it.
  function seal(store, value) {
    var kept = {};
    var secret = {};
    Object.keys(value).forEach(function (field) {
      (SEALED[store].indexOf(field) >= 0 ? kept : secret)[field] = value[field];
    });
    var blobs = [];
    var text = JSON.stringify(secret, function (field, item) {
      if (item instanceof Blob) {
        blobs.push(item);
        return { sealedFile: blobs.length - 1, type: item.type };
      }
      return item;
    });
    return deviceKey().then(function (key) {
      return Promise.all(blobs.map(function (blob) {
        return blob.arrayBuffer().then(function (bytes) { return encrypt(key, bytes); });
      })).then(function (files) {
        return encrypt(key, new TextEncoder().encode(text)).then(function (sealed) {
          return Object.assign(kept, { sealed: sealed, sealedFiles: files });
        });
      });
    });
  }

  // Open a sealed record again. A record kept before sealing began is returned as it is.
  function unseal(record) {
    if (!record || !record.sealed) return Promise.resolve(record);
    return deviceKey().then(function (key) {
      return Promise.all(record.sealedFiles.map(function (box) { return decrypt(key, box); }))
        .then(function (bodies) {
          return decrypt(key, record.sealed).then(function (plain) {
            var secret = JSON.parse(new TextDecoder().decode(plain), function (field, item) {
              if (item && typeof item.sealedFile === "number") {
                return new Blob([bodies[item.sealedFile]], { type: item.type });
              }
              return item;
            });
            var opened = Object.assign({}, record, secret);
            delete opened.sealed;
            delete opened.sealedFiles;
            return opened;
          });
        });
    });
  }

  function stored(store, value) {
    return SEALED[store] ? seal(store, value) : Promise.resolve(value);
  }

  scope.engageStore = {
    get: function (store, key) {
      return run(store, "readonly", function (s) { return s.get(key); }).then(unseal);
    },
    put: function (store, value) {
      return stored(store, value).then(function (record) {
        return run(store, "readwrite", function (s) { return s.put(record); });
      });
    },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    all: function (store) {
      return run(store, "readonly", function (s) { return s.getAll(); }).then(function (records) {
        return Promise.all(records.map(unseal));
      });
    },
    count: function (store) { return run(store, "readonly", function (s) { return s.count(); }); }
  };
})(self);
