/* The coach's console: move phases, reveal, time, moderate, merge, keep, watch the room. */
(function () {
  "use strict";
  const { el } = window.Live;
  const root = document.getElementById("console");
  const workshopId = Number(root.dataset.workshopId);
  const socket = io("/live", { auth: { workshop_id: workshopId } });
  const selected = new Set();
  let state = null;
  let editing = null;
  let qualityTimer = null;
  let quality = { set: [], proposals: {} };

  const NEXT_LABEL = {
    lobby: "Start: collect objectives", objectives_propose: "Start voting on objectives",
    objectives_vote: "Close voting, show results", objectives_results: "Collect key results",
    key_results_propose: "Start voting on key results", key_results_vote: "Close voting, show results",
    key_results_results: "Show the final OKR set", final: "End the workshop",
  };

  socket.on("connect", function () { Live.status(""); });
  socket.on("disconnect", function () { Live.status("Connection lost: reconnecting…", "offline"); });
  socket.on("connect_error", function (err) {
    Live.status((err.data && err.data.message) || "Cannot connect: reconnecting…", "offline");
  });
  Live.follow(socket, function (current, kind) {
    state = current;
    render();
    if (kind !== "tally") askQuality();
  });

  function call(event, data, done) {
    socket.timeout(10000).emit(event, data || {}, function (err, ack) {
      const box = document.getElementById("message");
      if (err) { box.textContent = "No answer from the server; check the connection."; box.hidden = false; return; }
      box.hidden = ack.ok;
      if (!ack.ok) box.textContent = ack.message;
      if (ack.ok && done) done(ack);
    });
  }

  function askQuality() {
    clearTimeout(qualityTimer);
    qualityTimer = setTimeout(function () {
      socket.emit("get_quality", {}, function (ack) {
        if (ack && ack.ok) { quality = ack.quality; render(); }
      });
    }, 300);
  }

  document.getElementById("next").addEventListener("click", function () {
    if (state && state.workshop.phase === "final" && !confirm("End the workshop? It becomes read-only.")) return;
    call("change_phase", { direction: "next" });
  });
  document.getElementById("back").addEventListener("click", function () { call("change_phase", { direction: "back" }); });
  document.getElementById("close").addEventListener("click", function () {
    if (confirm("End the workshop now? The kept items become the final OKR set and nothing can change afterwards.")) call("close_workshop");
  });
  document.getElementById("reveal").addEventListener("click", function () {
    call("reveal_results", { revealed: !state.workshop.results_revealed });
  });
  document.getElementById("timer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const minutes = Number(document.getElementById("timer-minutes").value);
    call("start_timer", { seconds: Math.round(minutes * 60) });
  });
  document.getElementById("timer-stop").addEventListener("click", function () { call("stop_timer"); });
  document.getElementById("merge").addEventListener("click", function () {
    const ids = state.proposals.filter(function (p) { return selected.has(p.id); }).map(function (p) { return p.id; });
    const target = state.proposals.find(function (p) { return p.id === ids[0]; });
    if (!target || ids.length < 2) return;
    if (!confirm("Keep “" + target.text + "” and merge the " + (ids.length - 1) + " other(s) into it? Their votes move to it.")) return;
    call("merge_proposals", { target_id: ids[0], source_ids: ids.slice(1) }, function () { selected.clear(); render(); });
  });
  document.getElementById("coach-propose").addEventListener("submit", function (event) {
    event.preventDefault();
    const input = document.getElementById("coach-text");
    const data = { text: input.value };
    const parent = document.getElementById("coach-parent");
    if (!parent.hidden) data.parent_id = Number(parent.value);
    call("propose", data, function () { input.value = ""; });
  });

  function render() {
    const w = state.workshop;
    const phase = w.phase;
    const closed = phase === "closed";
    document.getElementById("phase").textContent = w.phase_label;
    document.getElementById("counts").textContent = state.counts.participants + " joined · " + state.counts.voted + " voted";
    Live.setTimer(w.timer_ends_at);
    const next = document.getElementById("next");
    next.textContent = NEXT_LABEL[phase] || "Next";
    next.disabled = closed;
    document.getElementById("back").disabled = closed || phase === "lobby";
    document.getElementById("close").hidden = closed || phase === "final";
    const reveal = document.getElementById("reveal");
    reveal.hidden = !(phase.endsWith("_vote") || phase.endsWith("_results")) || !w.settings.hide_results_until_revealed;
    reveal.textContent = w.results_revealed ? "Hide results from the room" : "Reveal results to the room";
    document.getElementById("timer-stop").hidden = !w.timer_ends_at;
    document.getElementById("timer-form").hidden = closed;

    const round = w.round || (phase === "lobby" ? "objective" : "key_result");
    const proposing = phase.endsWith("_propose");
    const form = document.getElementById("coach-propose");
    form.hidden = !proposing;
    const parent = document.getElementById("coach-parent");
    const keptObjectives = Live.byRound(state, "objective").filter(function (p) { return p.is_kept && !p.is_hidden; });
    parent.hidden = round !== "key_result";
    if (!parent.hidden && parent.options.length !== keptObjectives.length) {
      parent.replaceChildren(...keptObjectives.map(function (o) { return el("option", { value: String(o.id), text: o.text }); }));
    }
    document.getElementById("items-title").textContent = round === "objective" ? "Objectives" : "Key results";
    const merge = document.getElementById("merge");
    merge.disabled = selected.size < 2 || closed;
    merge.textContent = "Merge " + (selected.size || "") + " selected";
    renderItems(round, phase);
    renderWarnings();
    document.getElementById("final-card").hidden = !state.final;
    if (state.final) document.getElementById("final").replaceChildren(Live.finalSet(state.final));
    const people = state.participants || [];
    const anonymous = w.is_anonymous;
    document.getElementById("people").replaceChildren(...(anonymous
      ? [el("li", { text: people.length + " anonymous participants" })]
      : people.map(function (p) { return el("li", { text: p.name }); })));
  }

  function renderItems(round, phase) {
    const items = Live.byRound(state, round);
    const ranked = Live.rank(items, state.tallies);
    const showVotes = !!state.tallies;
    const inResults = phase.endsWith("_results");
    const objectives = {};
    Live.byRound(state, "objective").forEach(function (o) { objectives[o.id] = o.text; });
    const list = (showVotes ? ranked.map(function (r) { return r.item; }) : items);
    document.getElementById("items").replaceChildren(...list.map(function (p) {
      const row = ranked.find(function (r) { return r.item.id === p.id; });
      const warnings = quality.proposals[String(p.id)] || [];
      const check = el("input", { type: "checkbox", id: "sel-" + p.id, checked: selected.has(p.id),
        "aria-label": "Select " + p.text, onchange: function (event) {
          if (event.target.checked) selected.add(p.id); else selected.delete(p.id);
          render();
        } });
      const textNode = editing === p.id
        ? el("form", { class: "inline-form", onsubmit: function (event) {
            event.preventDefault();
            call("moderate_proposal", { proposal_id: p.id, text: event.target.elements.text.value }, function () { editing = null; render(); });
          } }, [el("input", { name: "text", value: p.text, maxlength: "200", "aria-label": "New wording" }),
                el("button", { type: "submit", class: "button", text: "Save" })])
        : el("span", { class: "item-text", text: p.text });
      return el("li", { class: (p.is_hidden ? "hidden-item " : "") + (p.is_kept ? "kept" : "") }, [
        check,
        el("div", { class: "item-main" }, [
          round === "key_result" && objectives[p.parent_id] ? el("span", { class: "hint", text: objectives[p.parent_id] }) : null,
          textNode,
          p.author ? el("span", { class: "hint", text: p.author }) : null,
          warnings.length ? el("span", { class: "finding finding-" + warnings[0].severity, text: warnings[0].message }) : null,
        ]),
        showVotes ? el("span", { class: "bar-votes", text: "#" + row.rank + (row.tied ? " (tie) · " : " · ") + row.votes + (row.votes === 1 ? " vote" : " votes") }) : null,
        el("div", { class: "row-actions" }, [
          inResults && !p.is_hidden ? el("button", { type: "button", class: "button", text: p.is_kept ? "Drop" : "Keep",
            onclick: function () { call("set_kept", { proposal_id: p.id, is_kept: !p.is_kept }); } }) : null,
          el("button", { type: "button", class: "link-button", text: "Edit", onclick: function () { editing = p.id; render(); } }),
          el("button", { type: "button", class: "link-button", text: p.is_hidden ? "Show" : "Hide",
            onclick: function () { call("moderate_proposal", { proposal_id: p.id, is_hidden: !p.is_hidden }); } }),
        ]),
      ]);
    }));
  }

  function renderWarnings() {
    const card = document.getElementById("warnings-card");
    card.hidden = !quality.set.length;
    document.getElementById("warnings").replaceChildren(...quality.set.map(function (f) {
      return el("li", { class: "finding finding-" + f.severity }, [
        f.location ? el("span", { text: f.location + ": " }) : null, el("strong", { text: f.message }),
        f.suggestion ? el("span", { text: " " + f.suggestion }) : null]);
    }));
  }
})();
