// A drawing canvas for finger, pen or mouse, with colours, brushes, rubber, undo and pictures
// to tap on (so nothing needs dragging). The drawing is sent as a PNG through the upload form,
// or kept on a prepared tablet when there is no connection.
(function () {
  "use strict";

  var section = document.querySelector("[data-draw]");
  var form = document.querySelector("form[data-upload]");
  if (!section || !form || !form.engageSend) return;
  var canvas = section.querySelector("canvas");
  var context = canvas.getContext("2d");
  if (!context || !canvas.toBlob) return;
  section.hidden = false;

  var WHITE = "#ffffff";
  var colour = "#1d1d1b";
  var brush = 16;
  var erasing = false;
  var stamp = null;
  var stampImages = {};
  var actions = [];   // everything drawn, so undo can redraw all but the last
  var current = null;
  var nextSpot = 0;

  function blank() {
    context.fillStyle = WHITE;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }

  function drawStroke(stroke) {
    context.strokeStyle = stroke.colour;
    context.fillStyle = stroke.colour;
    context.lineWidth = stroke.size;
    context.lineCap = "round";
    context.lineJoin = "round";
    var points = stroke.points;
    if (points.length === 1) {
      context.beginPath();
      context.arc(points[0][0], points[0][1], stroke.size / 2, 0, Math.PI * 2);
      context.fill();
      return;
    }
    context.beginPath();
    context.moveTo(points[0][0], points[0][1]);
    for (var i = 1; i < points.length; i++) context.lineTo(points[i][0], points[i][1]);
    context.stroke();
  }

  function drawStamp(action) {
    var image = stampImages[action.src];
    if (image && image.complete) context.drawImage(image, action.x - 96, action.y - 96, 192, 192);
  }

  function redraw() {
    blank();
    actions.forEach(function (action) {
      if (action.type === "stroke") drawStroke(action);
      else if (action.type === "stamp") drawStamp(action);
      else blank();
    });
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return [
      (event.clientX - box.left) * canvas.width / box.width,
      (event.clientY - box.top) * canvas.height / box.height
    ];
  }

  function press(group, button) {
    group.querySelectorAll("button").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    var at = point(event);
    if (stamp) {
      actions.push({ type: "stamp", src: stamp, x: at[0], y: at[1] });
      redraw();
      return;
    }
    canvas.setPointerCapture(event.pointerId);
    current = { type: "stroke", colour: erasing ? WHITE : colour, size: erasing ? brush * 2 : brush, points: [at] };
    actions.push(current);
    drawStroke(current);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!current) return;
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    events.forEach(function (each) { current.points.push(point(each)); });
    redraw();
  });
  function lift() { current = null; }
  canvas.addEventListener("pointerup", lift);
  canvas.addEventListener("pointercancel", lift);

  section.querySelectorAll("[data-colour]").forEach(function (button) {
    button.addEventListener("click", function () {
      colour = button.dataset.colour;
      erasing = false;
      stamp = null;
      press(button.parentNode, button);
      section.querySelectorAll("[data-eraser], [data-stamp]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      placeButton.disabled = true;
    });
  });
  section.querySelectorAll("[data-brush]").forEach(function (button) {
    button.addEventListener("click", function () {
      brush = Number(button.dataset.brush);
      erasing = false;
      stamp = null;
      press(button.parentNode, button);
      placeButton.disabled = true;
    });
  });
  section.querySelector("[data-eraser]").addEventListener("click", function (event) {
    erasing = true;
    stamp = null;
    press(event.currentTarget.parentNode, event.currentTarget);
    placeButton.disabled = true;
  });

  var placeButton = section.querySelector("[data-place-stamp]");
  section.querySelectorAll("[data-stamp]").forEach(function (button) {
    var image = new Image();
    image.src = button.dataset.stamp;
    stampImages[button.dataset.stamp] = image;
    button.addEventListener("click", function () {
      stamp = button.dataset.stamp;
      erasing = false;
      press(button.parentNode, button);
      placeButton.disabled = false;
    });
  });
  // Without a pointer: put the chosen picture on the next free spot of a grid.
  placeButton.addEventListener("click", function () {
    if (!stamp) return;
    var columns = 5, rows = 4;
    var spot = nextSpot++ % (columns * rows);
    actions.push({
      type: "stamp", src: stamp,
      x: (spot % columns + 0.5) * canvas.width / columns,
      y: (Math.floor(spot / columns) + 0.5) * canvas.height / rows
    });
    redraw();
  });

  section.querySelector("[data-undo]").addEventListener("click", function () {
    actions.pop();
    redraw();
  });
  section.querySelector("[data-clear]").addEventListener("click", function () {
    actions.push({ type: "clear" });
    nextSpot = 0;
    redraw();
  });
  // With no connection, on a tablet prepared for this survey (its service worker controls the
  // page), the drawing goes into the form's file input and the form is posted as a plain form:
  // the service worker keeps it with the person's answers, as it keeps a photo.
  function keepOnDevice(blob) {
    var input = form.querySelector("input[type=file]");
    var files = new DataTransfer();
    files.items.add(new File([blob], "drawing.png", { type: "image/png" }));
    input.files = files.files;
    // submit() skips the form's own handler, which would try the connection.
    form.submit();
  }

  function offlineDevice() {
    return !navigator.onLine && "serviceWorker" in navigator && !!navigator.serviceWorker.controller &&
      typeof DataTransfer === "function";
  }

  section.querySelector("[data-save-drawing]").addEventListener("click", function () {
    canvas.toBlob(function (blob) {
      if (offlineDevice()) keepOnDevice(blob);
      else form.engageSend(blob, "drawing.png");
    }, "image/png");
  });

  blank();
})();
