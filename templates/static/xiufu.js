// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // 受理回执: a print button (without JavaScript the browser's own print does the same).
  var print = document.getElementById("print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }

  // Live progress: swap in the cases part of the page every few seconds while a case is still open. When the
  // actions the page offers changed with a state (a supplement's upload, the rating, withdrawing), load the
  // whole page again (without the one-time notice of its query string).
  var live = document.querySelector("[data-live]");
  if (!live || !window.fetch) { return; }
  var url = live.getAttribute("data-live");
  var actions = live.getAttribute("data-actions");
  var last = live.innerHTML;
  var timer = window.setInterval(function () {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) { return Promise.reject(r.status); }
        if (r.headers.get("X-Xiufu-Open") === "0") { window.clearInterval(timer); }  // every case ended
        if (actions !== null && r.headers.get("X-Xiufu-Actions") !== actions) {
          window.clearInterval(timer);
          window.location.replace(window.location.pathname);
          return Promise.reject("reloading");
        }
        return r.text();
      })
      .then(function (html) {
        if (html !== last) { live.innerHTML = html; last = html; }
      })
      .catch(function () { window.clearInterval(timer); });
  }, 5000);
})();
