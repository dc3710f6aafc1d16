// Amble hold timer: a button on each exercise with a hold. Progressive enhancement only; the
// page works without it. No dependencies, no network.
(function () {
  "use strict";
  document.querySelectorAll(".timer[data-hold]").forEach(function (box) {
    var seconds = parseInt(box.getAttribute("data-hold"), 10);
    if (!(seconds > 0)) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary";
    button.textContent = "Start " + seconds + " s hold";
    var out = document.createElement("output");
    out.setAttribute("aria-live", "polite");
    box.appendChild(button);
    box.appendChild(out);
    var timer = null;
    button.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; button.textContent = "Start " + seconds + " s hold"; out.textContent = "Stopped"; return; }
      var left = seconds;
      out.textContent = left + " s";
      button.textContent = "Stop";
      timer = setInterval(function () {
        left -= 1;
        if (left <= 0) {
          clearInterval(timer); timer = null;
          out.textContent = "Done - rest";
          button.textContent = "Start " + seconds + " s hold";
        } else {
          out.textContent = left + " s";
        }
      }, 1000);
    });
  });
})();
