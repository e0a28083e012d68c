// Send a file in resumable chunks, with progress, and carry on after a dropped connection.
// Without this script the same form is a plain multipart upload.
(function () {
  "use strict";

  var RETRIES = 8;

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function readJson(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return { ok: response.ok, status: response.status, body: body };
    });
  }

  // The words come from the page, translated into the person's language.
  function words(form, name, fallback) {
    return form.getAttribute("data-say-" + name) || fallback;
  }

  function uploader(form) {
    var token = form.querySelector("input[name=csrf_token]").value;
    var progress = document.querySelector("[data-progress]");
    var bar = progress && progress.querySelector("progress");
    var text = progress && progress.querySelector("[data-progress-text]");
    var errorBox = document.querySelector("[data-upload-error]");

    function show(fraction, message) {
      if (!progress) return;
      progress.hidden = false;
      bar.value = Math.round(fraction * 100);
      text.textContent = message || words(form, "percent", "%s percent sent.").replace("%s", Math.round(fraction * 100));
    }

    function fail(body) {
      if (progress) progress.hidden = true;
      if (!errorBox) return;
      errorBox.querySelector("h2").textContent = body.title || words(form, "wrong", "Sorry, something went wrong");
      var lines = errorBox.querySelector("[data-upload-error-lines]");
      lines.textContent = "";
      (body.lines || [words(form, "again", "Please try again.")]).forEach(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        lines.appendChild(p);
      });
      errorBox.hidden = false;
      errorBox.focus();
    }

    function post(url, fields) {
      var data = new FormData();
      Object.keys(fields).forEach(function (key) { data.append(key, fields[key]); });
      data.append("csrf_token", token);
      return fetch(url, { method: "POST", body: data, credentials: "same-origin" }).then(readJson);
    }

    function status(url) {
      return fetch(url, { credentials: "same-origin" }).then(readJson);
    }

    function sendChunk(url, blob, offset) {
      return fetch(url + "?offset=" + offset, {
        method: "PUT",
        body: blob,
        credentials: "same-origin",
        headers: { "Content-Type": "application/octet-stream", "X-CSRFToken": token }
      }).then(readJson);
    }

    // Send every chunk from where the server says it has got to.
    function sendFrom(upload, blob, received, tries) {
      if (received >= blob.size) return Promise.resolve(upload);
      show(received / blob.size);
      var end = Math.min(blob.size, received + upload.chunk_size);
      return sendChunk(upload.url, blob.slice(received, end), received).then(function (reply) {
        if (reply.ok) return sendFrom(upload, blob, reply.body.received, 0);
        if ((reply.status === 409 || reply.status === 400) && "received" in reply.body && tries < RETRIES) {
          // A 409 can mean an earlier try of this chunk is still arriving: give it time.
          return wait(Math.min(8000, 250 * Math.pow(2, tries))).then(function () {
            return sendFrom(upload, blob, reply.body.received, tries + 1);
          });
        }
        throw reply;
      }, function () {
        if (tries >= RETRIES) throw { body: { title: words(form, "stopped", "The connection stopped"), lines: [words(form, "later", "Please try again later.")] } };
        show(received / blob.size, words(form, "retrying", "The connection stopped. Trying again."));
        return wait(Math.min(8000, 500 * Math.pow(2, tries))).then(function () {
          return status(upload.url).then(function (reply) {
            if (!reply.ok) throw reply;
            return sendFrom(upload, blob, reply.body.received, tries + 1);
          }, function () { return sendFrom(upload, blob, received, tries + 1); });
        });
      });
    }

    // The server may be busy with other people's files (503): the upload waits there, whole.
    function finish(upload, tries) {
      return post(upload.url + "/finish", { change: form.dataset.change }).then(function (reply) {
        if (reply.status !== 503 || tries >= RETRIES) return reply;
        return wait(Math.min(15000, 2000 * Math.pow(2, tries))).then(function () {
          return finish(upload, tries + 1);
        });
      });
    }

    return function send(blob, name) {
      if (errorBox) errorBox.hidden = true;
      show(0, words(form, "starting", "Starting."));
      return post(form.dataset.createUrl, {
        kind: form.dataset.kind, q: form.dataset.question, size: blob.size, name: name || ""
      }).then(function (reply) {
        if (!reply.ok) throw reply;
        return sendFrom(reply.body, blob, 0, 0);
      }).then(function (upload) {
        show(1, words(form, "checking", "Checking your file. Please wait."));
        return finish(upload, 0);
      }).then(function (reply) {
        if (!reply.ok) throw reply;
        show(1, "Saved.");
        window.location.assign(reply.body.next);
      }).catch(function (reply) {
        fail((reply && reply.body) || {});
      });
    };
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    if (!window.fetch || !window.FormData || !window.Blob) return;
    var send = uploader(form);
    form.engageSend = send;
    form.addEventListener("submit", function (event) {
      var chosen = Array.prototype.map.call(form.querySelectorAll("input[type=file]"), function (input) {
        return input.files && input.files[0];
      }).filter(Boolean)[0];
      if (!chosen) return;  // let the server say that no file was chosen
      // With no connection, a prepared device keeps the file with the person's answers.
      if (!navigator.onLine) return;
      event.preventDefault();
      send(chosen, chosen.name);
    });
  });
})();
