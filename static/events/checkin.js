/* Check-in at the door: reads QR codes from the camera with jsQR (vendored from npm in
   static/vendor/jsqr; Chromium on Linux has no BarcodeDetector) and asks the server, which answers
   at a glance: present, already checked in at 9 h 12, not registered this day, cancelled. */
(function () {
  "use strict";
  var section = document.querySelector(".scanner");
  if (!section) return;
  var video = section.querySelector(".scanner__video");
  var startButton = section.querySelector(".scanner__start");
  var errorBox = section.querySelector(".scanner__error");
  var answer = section.querySelector(".scan-answer");
  var csrf = section.querySelector("input[name=csrfmiddlewaretoken]").value;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var lastCode = null;
  var lastAt = 0;
  var busy = false;
  var REPEAT_MS = 3000; // the same code held in front of the camera is asked again after this

  function show(data) {
    answer.dataset.state = data.state;
    answer.querySelector(".scan-answer__title").textContent = data.title;
    answer.querySelector(".scan-answer__name").textContent =
      data.name + (data.territory ? " – " + data.territory : "");
    answer.querySelector(".scan-answer__detail").textContent = data.detail;
    if (data.count) document.getElementById("checkin-count").textContent = data.count;
    if (navigator.vibrate) navigator.vibrate(data.state === "present" ? 80 : [60, 60, 60]);
  }

  function send(code) {
    busy = true;
    var body = new URLSearchParams({ code: code });
    fetch(section.dataset.scanUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(show)
      .catch(function () {
        show({ state: "unknown", title: "Pas de réponse du serveur", name: "", territory: "", detail: "Vérifiez la connexion, ou cherchez la personne par son nom." });
      })
      .then(function () {
        busy = false;
        lastAt = Date.now();
      });
  }

  function tick() {
    if (video.readyState >= video.HAVE_ENOUGH_DATA && !busy) {
      var width = video.videoWidth;
      var height = video.videoHeight;
      // Decode at most 640 px wide: enough for a badge at arm's length, cheap on a phone.
      var scale = Math.min(1, 640 / width);
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        var now = Date.now();
        if (found.data !== lastCode || now - lastAt > REPEAT_MS) {
          lastCode = found.data;
          lastAt = now;
          send(found.data);
        }
      }
    }
    window.setTimeout(function () { window.requestAnimationFrame(tick); }, 120);
  }

  function start() {
    errorBox.hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      errorBox.textContent = "Ce navigateur ne donne pas accès à la caméra : cherchez les personnes par leur nom.";
      errorBox.hidden = false;
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.play();
        startButton.hidden = true;
        section.classList.add("scanner--on");
        tick();
      })
      .catch(function () {
        errorBox.textContent = "La caméra n'est pas disponible (autorisation refusée ?) : cherchez les personnes par leur nom.";
        errorBox.hidden = false;
      });
  }

  startButton.addEventListener("click", start);
  start();
})();
