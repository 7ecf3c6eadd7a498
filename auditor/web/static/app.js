// chibo-auditor: live progress of a run and sortable tables. Plain JS, no network but
// this server's own API.
"use strict";
(function () {
  function poll(box) {
    var id = box.dataset.run;
    fetch("/api/runs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        document.getElementById("status").textContent = run.status_vi;
        var stage = document.getElementById("stage");
        stage.textContent = run.status === "running" ? run.stage_vi + " " + run.done + "/" + run.total : "";
        var bar = document.getElementById("bar");
        bar.max = run.total || 1;
        bar.value = run.done;
        if (run.status === "done" || run.status === "failed") {
          if (box.dataset.status !== run.status) { window.location.reload(); }
          return;
        }
        setTimeout(function () { poll(box); }, 700);
      })
      .catch(function () { setTimeout(function () { poll(box); }, 2000); });
  }
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var down = th.dataset.dir !== "asc";
        th.dataset.dir = down ? "asc" : "desc";
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          var nx = parseFloat(x.replace("#", "")), ny = parseFloat(y.replace("#", ""));
          var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, "vi");
          return down ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("progress");
    if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) { poll(box); }
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
  });
})();
