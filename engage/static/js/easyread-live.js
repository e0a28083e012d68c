// Run the easy-read checks while a lead types a question, and show the results under each box.
// Without this script the same checks appear after "Check the words without saving" or saving.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-check-url");
  var token = form.querySelector("input[name=csrf_token]").value;
  var boxes = form.querySelectorAll("[data-easyread-check]");
  var labels = {};
  var timer = null;
  var lastSent = "";
  var shown = {};

  boxes.forEach(function (box) {
    var label = form.querySelector("label[for='" + box.id + "']");
    labels[box.name] = label ? label.textContent.trim().toLowerCase() : box.name;
  });

  function show(name, messages, text) {
    var region = form.querySelector("[data-checks-for='" + name + "']");
    if (!region) { return; }
    // Only a region whose findings changed is rewritten, so screen readers hear only news.
    var key = JSON.stringify(messages) + (text ? "1" : "0");
    if (shown[name] === key) { return; }
    shown[name] = key;
    // Build the new content off-screen, then swap it in once, so it is announced once.
    var fresh = document.createDocumentFragment();
    if (messages.length) {
      var title = document.createElement("p");
      title.className = "easyread-checks__title";
      title.textContent = "Easy-read checks for " + labels[name] + ":";
      var list = document.createElement("ul");
      list.className = "easyread-checks__list";
      messages.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      fresh.appendChild(title);
      fresh.appendChild(list);
    } else if (text) {
      var ok = document.createElement("p");
      ok.className = "easyread-checks__ok";
      ok.textContent = "Easy-read checks: no problems found.";
      fresh.appendChild(ok);
    }
    region.replaceChildren(fresh);
  }

  function check() {
    var values = {};
    boxes.forEach(function (box) { values[box.name] = box.value; });
    var body = JSON.stringify(values);
    if (body === lastSent) { return; }
    lastSent = body;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: body
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (results) {
        if (!results) { return; }
        Object.keys(results).forEach(function (name) { show(name, results[name], values[name]); });
      })
      .catch(function () { /* The checks run again on saving, so a failed request loses nothing. */ });
  }

  boxes.forEach(function (box) {
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 500);
    });
  });
})();
