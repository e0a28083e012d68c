/* The waiting answers as an encrypted file, for when sending keeps failing.

   Saving (on the preparation page): every outbox item, its files included, is encrypted with
   AES-GCM under a key made from the supporter's PIN (PBKDF2, SHA-256, a random salt), and
   downloaded. The items stay in the outbox until the server confirms them.
   Opening (on the staff page): the file is decrypted in the browser with the same PIN and each
   item is sent to the same intake as a tablet's outbox, so an item already taken is not taken
   twice. */
(function () {
  "use strict";

  var FORMAT = "engage-outbox-1";
  var ROUNDS = 600000;

  function toBase64(bytes) {
    var text = "";
    var view = new Uint8Array(bytes);
    for (var i = 0; i < view.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  function fromBase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function keyFrom(pin, salt) {
    return crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return crypto.subtle.deriveKey(
          { name: "PBKDF2", salt: salt, iterations: ROUNDS, hash: "SHA-256" },
          base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
      });
  }

  function say(box, name, count) {
    return box.dataset[name].replace("{num}", count);
  }

  // --- saving, on a prepared tablet ---
  var saver = document.querySelector("[data-outbox-save]");
  if (saver) {
    saver.hidden = false;
    saver.addEventListener("submit", function (event) {
      event.preventDefault();
      var pin = saver.querySelector("[name=pin]").value;
      var status = saver.querySelector("[data-status]");
      if (pin.length < 4) { status.textContent = saver.dataset.sayPin; return; }
      engageStore.all("outbox").then(function (items) {
        if (!items.length) { status.textContent = saver.dataset.sayNothing; return null; }
        return Promise.all(items.map(function (item) {
          return Promise.all(item.files.map(function (file) { return file.arrayBuffer(); }))
            .then(function (bodies) {
              return { id: item.id, code: item.code, created_at: item.created_at, bundle: item.bundle,
                       length: item.length, sha256: item.sha256, files: bodies.map(toBase64) };
            });
        })).then(function (plain) {
          var salt = crypto.getRandomValues(new Uint8Array(16));
          var iv = crypto.getRandomValues(new Uint8Array(12));
          var data = new TextEncoder().encode(JSON.stringify(plain));
          return keyFrom(pin, salt).then(function (key) {
            return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, data);
          }).then(function (sealed) {
            var file = JSON.stringify({ format: FORMAT, iterations: ROUNDS, salt: toBase64(salt),
                                        iv: toBase64(iv), data: toBase64(sealed) });
            var link = document.createElement("a");
            link.href = URL.createObjectURL(new Blob([file], { type: "application/octet-stream" }));
            link.download = "waiting-answers-" + new Date().toISOString().slice(0, 10) + ".engage";
            document.body.appendChild(link);
            link.click();
            link.remove();
            status.textContent = say(saver, "saySaved", plain.length);
          });
        });
      }).catch(function () { status.textContent = saver.dataset.sayFailed; });
    });
  }

  // --- opening, on the staff page ---
  var opener = document.querySelector("[data-outbox-open]");
  if (opener) {
    opener.hidden = false;
    opener.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = opener.querySelector("[data-status]");
      var chosen = opener.querySelector("[name=file]").files[0];
      var pin = opener.querySelector("[name=pin]").value;
      if (!chosen) { status.textContent = opener.dataset.sayNoFile; return; }
      chosen.text().then(function (text) {
        var sealed = JSON.parse(text);
        if (sealed.format !== FORMAT) throw new Error("not an outbox file");
        return keyFrom(pin, fromBase64(sealed.salt)).then(function (key) {
          return crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(sealed.iv) }, key, fromBase64(sealed.data));
        });
      }).then(function (opened) {
        var items = JSON.parse(new TextDecoder().decode(opened));
        var counts = { taken: 0, held: 0, refused: 0 };
        return items.reduce(function (chain, item) {
          return chain.then(function () {
            var body = new FormData();
            body.append("bundle", item.bundle);
            body.append("bundle_length", item.length);
            body.append("bundle_sha256", item.sha256);
            item.files.forEach(function (file, n) { body.append("file-" + n, new Blob([fromBase64(file)]), "file-" + n); });
            return fetch("/s/" + item.code + "/outbox/" + item.id, {
              method: "POST", body: body, credentials: "same-origin", headers: { "X-Engage-Outbox": "1" }
            }).then(function (response) {
              return response.json().then(function (answer) {
                counts[response.ok ? answer.status : "refused"] += 1;
              });
            });
          });
        }, Promise.resolve()).then(function () {
          status.textContent = opener.dataset.sayDone.replace("{taken}", counts.taken)
            .replace("{held}", counts.held).replace("{refused}", counts.refused);
          opener.dataset.done = "yes";
        });
      }).catch(function () { status.textContent = opener.dataset.sayWrong; });
    });
  }
})();
