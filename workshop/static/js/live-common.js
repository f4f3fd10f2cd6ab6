/* Shared helpers for the live pages. User text is only ever set with textContent. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function ([key, value]) {
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function newId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function status(text, kind) {
    const node = document.getElementById("status");
    if (!node) return;
    node.hidden = !text;
    node.textContent = text || "";
    node.className = "status" + (kind ? " status-" + kind : "");
  }

  /* A countdown that follows workshop.timer_ends_at, corrected for the server's clock. */
  let timerEnd = null;
  let clockOffset = 0;
  function setServerTime(iso) {
    if (iso) clockOffset = Date.parse(iso) - Date.now();
  }
  function setTimer(iso) {
    timerEnd = iso ? Date.parse(iso) : null;
    tick();
  }
  function tick() {
    const node = document.getElementById("timer");
    if (!node) return;
    if (!timerEnd) { node.hidden = true; return; }
    const left = Math.max(0, Math.round((timerEnd - (Date.now() + clockOffset)) / 1000));
    node.hidden = false;
    node.textContent = left > 0
      ? "⏱ " + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0")
      : "⏱ Time is up";
    node.classList.toggle("timer-done", left === 0);
  }
  setInterval(tick, 1000);

  /* Rank proposals by votes with ties sharing a rank (mirrors workshop/live/tally.py). */
  function rank(items, tallies) {
    const rows = items.map(function (p) {
      return { item: p, votes: (tallies && tallies[String(p.id)]) || 0 };
    }).sort(function (a, b) { return b.votes - a.votes || a.item.id - b.item.id; });
    const counts = {};
    rows.forEach(function (r) { counts[r.votes] = (counts[r.votes] || 0) + 1; });
    let previous = null;
    let current = 0;
    rows.forEach(function (r, index) {
      if (r.votes !== previous) { current = index + 1; previous = r.votes; }
      r.rank = current;
      r.tied = counts[r.votes] > 1;
    });
    return rows;
  }

  function fill(pct) {
    const node = el("span", { class: "bar-fill" });
    node.style.width = pct + "%";  // CSSOM, not a style attribute: allowed by the CSP
    return node;
  }

  function bars(items, tallies, opts) {
    const rows = rank(items, tallies);
    const max = Math.max(1, ...rows.map(function (r) { return r.votes; }));
    return el("ol", { class: "bars" + (opts && opts.big ? " bars-big" : "") }, rows.map(function (r) {
      const pct = Math.round((r.votes / max) * 100);
      return el("li", { class: r.item.is_kept ? "kept" : "" }, [
        el("span", { class: "bar-rank", text: r.rank + (r.tied ? "=" : "") }),
        el("span", { class: "bar-body" }, [
          el("span", { class: "bar-text", text: r.item.text }),
          el("span", { class: "bar-track" }, [fill(pct)]),
        ]),
        el("span", { class: "bar-votes", text: String(r.votes) }),
        r.tied ? el("span", { class: "tag", text: "tie" }) : null,
        r.item.is_kept ? el("span", { class: "tag tag-kept", text: "kept" }) : null,
      ]);
    }));
  }

  function finalSet(final) {
    const objectives = (final && final.objectives) || [];
    if (!objectives.length) return el("p", { text: "No objective has been kept." });
    return el("ol", { class: "final-set" }, objectives.map(function (o) {
      return el("li", {}, [
        el("p", { class: "final-objective", text: o.text }),
        o.key_results.length
          ? el("ul", {}, o.key_results.map(function (k) { return el("li", { text: k.text }); }))
          : el("p", { class: "hint", text: "No key result kept." }),
      ]);
    }));
  }

  function byRound(state, round) {
    return (state.proposals || []).filter(function (p) { return p.round === round; });
  }

  /* Keep the latest full state from the server: a snapshot replaces it, workshop_changed
     merges the shared part, tally_changed updates tallies and counts. ``onState(state, kind)``
     runs after each, with kind "snapshot", "changed" or "tally". */
  function follow(socket, onState) {
    let state = null;
    function replace(snapshot) {
      setServerTime(snapshot.server_time);
      state = snapshot;
      onState(state, "snapshot");
    }
    socket.on("snapshot", replace);
    socket.on("workshop_changed", function (shared) {
      if (!state) return;
      Object.assign(state, shared);
      onState(state, "changed");
    });
    socket.on("tally_changed", function (tally) {
      if (!state) return;
      state.tallies = tally.tallies;
      state.counts = tally.counts;
      onState(state, "tally");
    });
    return { replace: replace };
  }

  window.Live = { el: el, newId: newId, status: status, setTimer: setTimer, follow: follow,
                  rank: rank, bars: bars, finalSet: finalSet, byRound: byRound };
})();
