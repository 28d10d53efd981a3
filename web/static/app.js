// Sigap dashboard and web chat: live updates and small conveniences. Every
// page works without this file; it only saves reloading by hand.
(function () {
  "use strict";

  // reload fetches the current page again and swaps in the fresh copy of
  // the element with the given id.
  function reload(id, after) {
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
        var old = document.getElementById(id);
        if (fresh && old) {
          old.replaceWith(fresh);
          if (after) after(fresh);
        }
      })
      .catch(function () { /* the next event retries */ });
  }

  // listen reloads element id whenever the stream sends a matching event;
  // bursts of events cause one reload.
  function listen(url, id, event, accept, after) {
    if (!window.EventSource) return;
    var timer = null;
    var source = new EventSource(url);
    source.addEventListener(event, function (e) {
      if (accept && !accept(e)) return;
      clearTimeout(timer);
      timer = setTimeout(function () { reload(id, after); }, 300);
    });
  }

  function scrollToEnd(el) { el.scrollTop = el.scrollHeight; }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.getElementById("queue");
    if (queue) listen(queue.dataset.live, "queue", "ticket");

    var thread = document.getElementById("thread");
    if (thread && thread.dataset.ticket) {
      var code = thread.dataset.ticket;
      listen("/events", "thread", "ticket", function (e) {
        try { return JSON.parse(e.data).code === code; } catch (err) { return false; }
      });
    }
    if (thread && thread.dataset.live) {
      scrollToEnd(thread);
      listen(thread.dataset.live, "thread", "message", null, scrollToEnd);
    }

    document.querySelectorAll("select[data-canned]").forEach(function (sel) {
      sel.addEventListener("change", function () {
        var box = document.getElementById(sel.dataset.canned);
        if (!box || !sel.value) return;
        if (box.value.trim() === "" || confirm("Ganti isi kotak balasan dengan jawaban ini?")) {
          box.value = sel.value;
        }
        sel.selectedIndex = 0;
        box.focus();
      });
    });
  });
})();
