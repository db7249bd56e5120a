// The export progress page: asks for the build's progress every few seconds, shows it in the
// status region (read out by screen readers), and starts the download once the file is ready.
// Without JavaScript the page keeps its "reload it now" link. Its messages come translated from the
// page's data-ready-message and data-retry-message attributes.
(function () {
  "use strict";
  var region = document.querySelector("[data-export-progress]");
  if (!region) return;
  var url = region.getAttribute("data-export-progress");
  var every = parseInt(region.getAttribute("data-interval"), 10) * 1000 || 3000;
  var message = region.querySelector("[data-export-message]");
  var bar = region.querySelector("progress");
  var readyMessage = region.getAttribute("data-ready-message");
  var retryMessage = region.getAttribute("data-retry-message");

  function check() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.ready) {
          message.textContent = readyMessage;
          bar.value = 100;
          window.location.href = url;
          return;
        }
        if (state.status === "failed") {
          message.textContent = state.error + " " + retryMessage;
          return;
        }
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        message.textContent = state.message;
        window.setTimeout(check, every);
      })
      .catch(function () { window.setTimeout(check, every * 2); });
  }
  window.setTimeout(check, every);
})();
