// Sigap dashboard and web chat: live updates and small conveniences. Every
// page works without this file; it only saves reloading by hand.
(function () {
  "use strict";

  // refreshEvery is the fallback of a live list: a change the stream
  // missed (a dropped connection, a dashboard too far behind) shows within
  // a minute.
  var refreshEvery = 60000;

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
      .catch(function () { /* the next event or refresh retries */ });
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

  // liveQueue patches the queue with each changed ticket's row, rendered
  // by the server with the list's own template: the row moves to where the
  // list's order puts it, or leaves when the ticket no longer matches.
  function liveQueue(queue) {
    var url = queue.dataset.live;
    setInterval(function () { reload("queue"); }, refreshEvery);
    if (!window.EventSource) return;
    var source = new EventSource(url);
    var dropped = false;
    source.addEventListener("error", function () { dropped = true; });
    source.addEventListener("open", function () {
      if (dropped) reload("queue"); // what changed while the stream was down
      dropped = false;
    });
    // The server may have missed changes (another instance's, on a shared
    // database): the whole list is read again.
    source.addEventListener("missed", function () { reload("queue"); });
    source.addEventListener("row", function (e) {
      var change;
      try { change = JSON.parse(e.data); } catch (err) { return; }
      patchRow(change);
    });
  }

  function patchRow(change) {
    var queue = document.getElementById("queue");
    var body = queue && queue.querySelector("table.queue tbody");
    if (!body) {
      if (change.html) reload("queue"); // an empty list gets its first row
      return;
    }
    var old = document.getElementById("t-" + change.code);
    if (!change.html) {
      if (old) {
        old.remove();
        count(-1);
      }
      return;
    }
    var holder = document.createElement("tbody");
    holder.innerHTML = change.html;
    var row = holder.firstElementChild;
    if (!row) return;
    if (old) old.remove(); else count(1);
    var rows = body.children;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.order > row.dataset.order) {
        body.insertBefore(row, rows[i]);
        flash(row);
        return;
      }
    }
    // A row after the last belongs here only on the last page; otherwise
    // it is on a later one.
    if (queue.dataset.last === "1") {
      body.appendChild(row);
      flash(row);
    }
  }

  function count(delta) {
    var total = document.querySelector("#queue [data-total]");
    if (!total) return;
    var n = parseInt(total.textContent.replace(/\./g, ""), 10) + delta;
    if (isNaN(n) || n < 0) return;
    total.textContent = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function flash(row) {
    row.classList.add("changed");
    setTimeout(function () { row.classList.remove("changed"); }, 2000);
  }

  function scrollToEnd(el) { el.scrollTop = el.scrollHeight; }

  // checkFileSize refuses a file over the input's limit before it is sent:
  // on a phone's connection an upload the server refuses is a long wait.
  function checkFileSize(input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.setCustomValidity("");
      if (!file) return;
      var photo = /^image\//.test(file.type);
      var max = parseInt(photo ? input.dataset.maxPhoto : (input.dataset.maxDocument || input.dataset.maxPhoto), 10);
      if (max && file.size > max) {
        input.setCustomValidity("Berkas terlalu besar: paling besar " + Math.round(max / 1048576) + " MB.");
        input.reportValidity();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.getElementById("queue");
    if (queue && queue.dataset.live) liveQueue(queue);

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

    document.querySelectorAll("input[type=file][data-max-photo]").forEach(checkFileSize);
  });
})();
