// Keyboard shortcuts for the review app. Served as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && el.type !== "radio" && el.type !== "checkbox" && el.type !== "submit"));
  }
  function go(id) { var a = document.getElementById(id); if (a) { window.location.href = a.href; } }

  function claimKeys(e) {
    var form = document.getElementById("decide-form");
    var note = document.getElementById("note");
    if (e.target === note) {
      if (e.key === "Escape") { note.blur(); e.preventDefault(); }
      else if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && form) {
        e.preventDefault(); form.requestSubmit(document.getElementById("submit-decision"));
      }
      return;
    }
    if (typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var labels = {"1": "SUPPORTED", "2": "REFUTED", "3": "NOT_ENOUGH_EVIDENCE", "4": "CONFLICTING"};
    if (form && labels[e.key]) {
      var radio = form.querySelector('input[name="label"][value="' + labels[e.key] + '"]');
      if (radio) { radio.checked = true; radio.focus(); e.preventDefault(); }
    } else if (form && e.key === "c") {
      e.preventDefault(); form.requestSubmit(document.getElementById("confirm"));
    } else if (form && e.key === "Enter") {
      e.preventDefault(); form.requestSubmit(document.getElementById("submit-decision"));
    } else if (form && e.key === "n") {
      e.preventDefault(); note.focus();
    } else if (e.key === "j") { go("next-claim"); }
    else if (e.key === "k") { window.history.back(); }
    else if (e.key === "q") { window.location.href = "/"; }
  }

  function queueKeys(e) {
    if (typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.item"));
    if (!rows.length) { return; }
    var i = rows.findIndex(function (r) { return r.classList.contains("selected"); });
    if (e.key === "j" || e.key === "k") {
      e.preventDefault();
      if (i >= 0) { rows[i].classList.remove("selected"); }
      i = e.key === "j" ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1);
      rows[i].classList.add("selected");
      rows[i].scrollIntoView({block: "nearest"});
    } else if (e.key === "Enter" || e.key === "o") {
      e.preventDefault();
      window.location.href = rows[Math.max(0, i)].dataset.href;
    } else if (e.key === "/") {
      e.preventDefault();
      var first = document.querySelector("#filters select");
      if (first) { first.focus(); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.dataset.page;
    if (page === "claim") {
      document.addEventListener("keydown", claimKeys);
      var mark = document.getElementById("claim-span");
      if (mark) { mark.scrollIntoView({block: "center"}); }
    } else if (page === "queue") {
      document.addEventListener("keydown", queueKeys);
      var first = document.querySelector("#queue tr.item");
      if (first) { first.classList.add("selected"); }
    }
    document.body.dataset.keys = "ready";
  });
})();
