/* "Who may see your photo?" with no connection: show the person the file they have just added.
   It is the last file in their draft on this device; nothing leaves the device to show it. */
(function () {
  "use strict";

  var figure = document.querySelector("[data-offline-preview]");
  if (!figure || !self.engageStore) return;
  var code = location.pathname.split("/")[2];
  engageStore.get("drafts", code).then(function (draft) {
    var item = draft && draft.media[draft.media.length - 1];
    if (!item || !item.blob) return;
    var tag = { video: "video", audio: "audio" }[item.kind] || "img";
    var shown = document.createElement(tag);
    shown.className = "media-item__" + (tag === "img" ? "image" : tag);
    if (tag === "img") shown.alt = figure.dataset.alt;
    else shown.controls = true;
    shown.src = URL.createObjectURL(item.blob);
    figure.insertBefore(shown, figure.firstChild);
    figure.hidden = false;
  }).catch(function () {});
})();
