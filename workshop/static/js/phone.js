/* The participant's phone: follows the phases, proposes, votes, survives bad networks. */
(function () {
  "use strict";
  const { el } = window.Live;
  const app = document.getElementById("app");
  const code = app.dataset.code;
  const tokenKey = "okr.token." + code;
  const pendingKey = "okr.pending." + code;
  const draftKey = "okr.draft." + code;
  const token = localStorage.getItem(tokenKey);
  if (!token) { location.replace(app.dataset.joinUrl); return; }

  let state = null;
  let pending = JSON.parse(localStorage.getItem(pendingKey) || "[]");
  let flushing = false;
  let message = "";
  let hintTimer = null;
  let renderedPhase = null;

  const socket = io("/live", { auth: { token: token } });

  function savePending() { localStorage.setItem(pendingKey, JSON.stringify(pending)); }
  function draft() { return localStorage.getItem(draftKey) || ""; }

  socket.on("connect", function () { Live.status(""); });
  socket.on("disconnect", function () {
    Live.status("Offline: reconnecting… What you type is kept, and taps are sent when you are back.", "offline");
    render();
  });
  socket.on("connect_error", function (err) {
    const data = err && err.data;
    if (data && data.error === "invalid_token") {
      localStorage.removeItem(tokenKey);
      location.replace(app.dataset.joinUrl + "?again=1");
      return;
    }
    Live.status("Offline: reconnecting…", "offline");
  });
  const follower = Live.follow(socket, function (current, kind) {
    state = current;
    // Merges and hides can change this phone's own ballot: fetch it afresh.
    if (kind === "changed" && current.resync) { refresh(); return; }
    render();
    if (kind === "snapshot") flush();
  });

  function refresh() {
    socket.emit("get_snapshot", {}, function (ack) {
      if (ack && ack.ok) follower.replace(ack.snapshot);
    });
  }

  /* Every action goes through the queue: sent at once when online, kept (and shown as not
     sent yet) while offline, sent once on reconnect; the ids make a resend harmless. */
  function act(event, data) {
    pending.push({ event: event, data: data });
    savePending();
    render();
    flush();
  }

  function flush() {
    if (flushing || !socket.connected || !pending.length || !state) return;
    flushing = true;
    const op = pending[0];
    socket.timeout(10000).emit(op.event, op.data, function (err, ack) {
      flushing = false;
      if (err) { render(); return; }  // no answer: keep it and try again on reconnect
      pending.shift();
      savePending();
      if (ack.ok) {
        message = "";
        if (ack.ballot) state.you.ballot = ack.ballot;
        if (op.event === "propose") {
          if (!state.you.proposal_ids.includes(ack.proposal_id)) state.you.proposal_ids.push(ack.proposal_id);
          if (op.data.text === draft()) localStorage.removeItem(draftKey);
        }
      } else {
        message = ack.message;
        if (op.event === "propose") localStorage.setItem(draftKey, op.data.text);
        refresh();
      }
      render();
      flush();
    });
  }

  /* The ballot as the phone shows it: the server's, plus taps not yet confirmed. */
  function shownBallot() {
    const ballot = state.you.ballot;
    const votes = Object.assign({}, ballot.votes);
    let remaining = ballot.remaining;
    pending.forEach(function (op) {
      if (op.event === "cast_vote") { votes[op.data.proposal_id] = (votes[op.data.proposal_id] || 0) + 1; remaining -= 1; }
      if (op.event === "retract_vote") { votes[op.data.proposal_id] = Math.max(0, (votes[op.data.proposal_id] || 0) - 1); remaining += 1; }
    });
    return { votes: votes, remaining: remaining, budget: ballot.budget };
  }

  function render() {
    if (!state) return;
    const w = state.workshop;
    document.getElementById("title").textContent = w.title;
    document.getElementById("team").textContent = w.team_name + " · " + w.cycle_label;
    document.getElementById("phase").textContent = w.phase_label;
    Live.setTimer(w.timer_ends_at);
    const view = document.getElementById("view");
    const focused = document.activeElement && document.activeElement.id;
    const phaseChanged = renderedPhase !== w.phase;
    renderedPhase = w.phase;
    const parts = [];
    if (message) parts.push(el("p", { class: "notice notice-error", role: "alert", text: message }));
    const unsent = pending.length;
    if (unsent) parts.push(el("p", { class: "notice", text: unsent + (unsent === 1 ? " change" : " changes") + (socket.connected ? " being sent…" : " not sent yet: they go out when you are back online.") }));
    const round = w.round;
    if (w.phase === "lobby") parts.push(lobby());
    else if (w.phase.endsWith("_propose")) parts.push(proposeView(round));
    else if (w.phase.endsWith("_vote")) parts.push(voteView(round));
    else if (w.phase.endsWith("_results")) parts.push(resultsView(round));
    else parts.push(finalView());
    // Keep the text box (and what is typed in it) across re-renders.
    const box = document.getElementById("proposal-text");
    view.replaceChildren(...parts);
    const newBox = document.getElementById("proposal-text");
    if (box && newBox && !phaseChanged) {
      newBox.replaceWith(box);
      if (focused === "proposal-text") box.focus();
    }
  }

  function lobby() {
    const you = state.you.display_name ? "You are in as " + state.you.display_name + "." : "You are in.";
    return el("div", { class: "card" }, [
      el("p", { class: "big-text", text: you }),
      el("p", { text: "Waiting for the coach to start. " + state.counts.participants + " people have joined." }),
    ]);
  }

  function proposeView(round) {
    const isKr = round === "key_result";
    const objectives = Live.byRound(state, "objective").filter(function (p) { return p.is_kept; });
    const counter = el("span", { class: "counter", id: "counter", text: draft().length + "/200" });
    const hints = el("ul", { class: "findings", id: "hints", "aria-live": "polite" });
    const text = el("textarea", {
      id: "proposal-text", maxlength: "200", rows: "3", "aria-describedby": "counter hints",
      placeholder: isKr ? "e.g. Cut time-to-first-value from 14 to 5 days" : "e.g. Become the team customers recommend",
    });
    text.value = draft();
    text.addEventListener("input", function () {
      localStorage.setItem(draftKey, text.value);
      document.getElementById("counter").textContent = text.value.length + "/200";
      clearTimeout(hintTimer);
      hintTimer = setTimeout(function () { askHints(text.value, round); }, 450);
    });
    const select = isKr ? el("select", { id: "parent", "aria-label": "Objective" }, objectives.map(function (o) {
      return el("option", { value: String(o.id), text: o.text });
    })) : null;
    const form = el("form", { class: "card propose", onsubmit: function (event) {
      event.preventDefault();
      const box = document.getElementById("proposal-text");
      const value = box.value.trim();
      if (!value) { message = "Type a proposal first."; render(); return; }
      const data = { text: value, client_id: Live.newId() };
      if (isKr) data.parent_id = Number(document.getElementById("parent").value);
      box.value = "";
      localStorage.setItem(draftKey, "");
      act("propose", data);
    } }, [
      el("label", { for: "proposal-text", text: isKr ? "Propose a key result" : "Propose an objective" }),
      isKr ? el("label", { for: "parent", class: "hint", text: "For the objective" }) : null,
      select, text, counter, hints,
      el("button", { type: "submit", class: "button primary wide", text: "Propose" }),
    ]);
    const mine = new Set(state.you.proposal_ids);
    const items = Live.byRound(state, round);
    return el("div", {}, [form, el("h2", { text: "Proposals (" + items.length + ")" }),
      el("ul", { class: "items" }, items.map(function (p) {
        return el("li", { class: mine.has(p.id) ? "mine" : "" }, [
          el("span", { class: "item-text", text: p.text }),
          p.author ? el("span", { class: "hint", text: " — " + p.author }) : null,
          mine.has(p.id) ? el("button", { type: "button", class: "link-button", text: "Withdraw",
            "aria-label": "Withdraw: " + p.text, onclick: function () { act("withdraw_proposal", { proposal_id: p.id }); } }) : null,
        ]);
      }))]);
  }

  function askHints(text, round) {
    if (!socket.connected || text.trim().length < 8) { document.getElementById("hints").replaceChildren(); return; }
    socket.emit("check_statement", { text: text, kind: round }, function (ack) {
      const list = document.getElementById("hints");
      if (!list || !ack || !ack.ok) return;
      list.replaceChildren(...ack.hint.findings.slice(0, 2).map(function (f) {
        return el("li", { class: "finding finding-" + f.severity }, [
          el("strong", { text: f.message }), f.suggestion ? el("span", { text: " " + f.suggestion }) : null]);
      }));
    });
  }

  function voteView(round) {
    const ballot = shownBallot();
    const cap = state.workshop.settings.max_votes_per_item;
    const items = Live.byRound(state, round);
    const objectives = {};
    Live.byRound(state, "objective").forEach(function (o) { objectives[o.id] = o.text; });
    return el("div", {}, [
      el("p", { class: "budget", role: "status" }, ["Votes left: ", el("strong", { text: ballot.remaining + " of " + ballot.budget })]),
      el("ul", { class: "items vote-items" }, items.map(function (p) {
        const mineCount = ballot.votes[p.id] || 0;
        const dots = "●".repeat(mineCount) + "○".repeat(Math.max(0, cap - mineCount));
        return el("li", {}, [
          el("div", { class: "item-main" }, [
            round === "key_result" && objectives[p.parent_id] ? el("span", { class: "hint", text: objectives[p.parent_id] }) : null,
            el("span", { class: "item-text", text: p.text }),
            el("span", { class: "dots", "aria-label": mineCount + " of your votes", text: dots }),
          ]),
          el("div", { class: "vote-buttons" }, [
            el("button", { type: "button", class: "button", text: "−", disabled: mineCount === 0,
              "aria-label": "Take a vote back from " + p.text,
              onclick: function () { act("retract_vote", { proposal_id: p.id, op_id: Live.newId() }); } }),
            el("button", { type: "button", class: "button primary", text: "+",
              disabled: ballot.remaining <= 0 || mineCount >= cap, "aria-label": "Vote for " + p.text,
              onclick: function () { act("cast_vote", { proposal_id: p.id, op_id: Live.newId() }); } }),
          ]),
        ]);
      })),
      state.tallies ? Live.bars(items, state.tallies) : null,
    ]);
  }

  function resultsView(round) {
    const items = Live.byRound(state, round);
    if (!state.tallies) return el("div", { class: "card" }, [el("p", { class: "big-text", text: "Voting is closed." }),
      el("p", { text: "The coach will reveal the results on the big screen." })]);
    return el("div", {}, [el("h2", { text: "Results" }), Live.bars(items, state.tallies)]);
  }

  function finalView() {
    return el("div", { class: "card" }, [el("h2", { text: "The team's OKRs" }), Live.finalSet(state.final),
      state.workshop.phase === "closed" ? el("p", { class: "hint", text: "This workshop has ended. Thank you for taking part!" }) : null]);
  }
})();
