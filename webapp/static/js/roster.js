// Roster pages: live job progress, and clicking a grid cell fills the edit form.
(function () {
  var job = document.getElementById("job");
  if (job) {
    var url = job.getAttribute("data-status-url");
    var text = function (id, value) {
      var el = document.getElementById(id);
      if (el) { el.textContent = value === null || value === undefined ? "—" : value; }
    };
    var poll = function () {
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
        var status = document.getElementById("job-status");
        status.textContent = s.status + (s.solver_status ? " · " + s.solver_status : "") + (s.stopping && s.status === "running" ? " (stopping)" : "");
        status.setAttribute("data-status", s.status);
        text("job-elapsed", s.elapsed.toFixed(1));
        text("job-objective", s.objective);
        text("job-bound", s.bound);
        document.getElementById("job-bar").value = Math.min(s.elapsed, s.time_limit);
        if (s.roster_url) {
          var link = document.getElementById("job-roster");
          link.href = s.roster_url; link.hidden = false;
        }
        if (s.status === "queued" || s.status === "running") { setTimeout(poll, 700); }
        else {
          var stop = document.getElementById("job-stop");
          if (stop) { stop.closest("form").hidden = true; }
          if (s.error) { text("job-error", s.error); }
        }
      }).catch(function () { setTimeout(poll, 2000); });
    };
    poll();
  }
  var grid = document.getElementById("roster-grid");
  var form = document.getElementById("cell-form");
  if (grid && form) {
    grid.addEventListener("click", function (event) {
      var cell = event.target.closest("td.cell");
      if (!cell) { return; }
      document.getElementById("cell-employee").value = cell.getAttribute("data-employee");
      document.getElementById("cell-date").value = cell.getAttribute("data-date");
      grid.querySelectorAll("td.selected").forEach(function (td) { td.classList.remove("selected"); });
      cell.classList.add("selected");
      form.scrollIntoView({ behavior: "smooth", block: "nearest" });
    });
  }
})();
