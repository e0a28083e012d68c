/* The device's own store for answering without a connection, shared by the pages and the
   service worker. Three object stores in IndexedDB:
   - surveys: what a prepared survey needs offline (its questions and languages);
   - drafts: the one person answering now, per survey, deleted when they finish or stop;
   - outbox: finished people waiting to be sent, each under its own id, deleted only when the
     server has confirmed it. */
(function (scope) {
  "use strict";

  var NAME = "engage-offline";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("surveys", { keyPath: "code" });
        db.createObjectStore("drafts", { keyPath: "code" });
        db.createObjectStore("outbox", { keyPath: "id" });
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

  scope.engageStore = {
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    put: function (store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    count: function (store) { return run(store, "readonly", function (s) { return s.count(); }); }
  };
})(self);
