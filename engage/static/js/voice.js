// Record a voice answer in the browser; the file form below stays as the fallback.
(function () {
  "use strict";

  var section = document.querySelector("[data-voice]");
  var form = document.querySelector("form[data-upload]");
  if (!section || !form || !form.engageSend) return;
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  section.hidden = false;

  var startButton = section.querySelector("[data-record]");
  var stopButton = section.querySelector("[data-stop]");
  var statusText = section.querySelector("[data-voice-status]");
  var preview = section.querySelector("[data-voice-preview]");
  var audio = section.querySelector("[data-voice-audio]");
  var recorder = null;
  var recording = null;

  startButton.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var pieces = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (event) { pieces.push(event.data); });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        recording = new Blob(pieces, { type: recorder.mimeType });
        audio.src = URL.createObjectURL(recording);
        preview.hidden = false;
        statusText.textContent = section.getAttribute("data-say-stopped") || "Recording stopped.";
      });
      recorder.start();
      startButton.disabled = true;
      stopButton.disabled = false;
      stopButton.focus();
      statusText.textContent = section.getAttribute("data-say-recording") || "Recording now.";
    }, function () {
      statusText.textContent = section.getAttribute("data-say-no-microphone") || "We cannot use the microphone. You can use a sound file instead.";
    });
  });

  stopButton.addEventListener("click", function () {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    startButton.disabled = false;
    stopButton.disabled = true;
  });

  section.querySelector("[data-save-voice]").addEventListener("click", function () {
    if (recording) form.engageSend(recording, "recording");
  });
})();
