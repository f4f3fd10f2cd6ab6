/* The big screen: join code, live proposals, revealed results, the final set. No controls. */
(function () {
  "use strict";
  const { el } = window.Live;
  const root = document.getElementById("screen");
  const socket = io("/live", { auth: { workshop_id: Number(root.dataset.workshopId), screen: true } });
  let state = null;

  socket.on("connect", function () { Live.status(""); });
  socket.on("disconnect", function () { Live.status("Reconnecting…", "offline"); });
  Live.follow(socket, function (current) { state = current; render(); });

  function render() {
    const w = state.workshop;
    document.getElementById("phase").textContent = w.phase_label;
    document.getElementById("counts").textContent = state.counts.participants + " joined" +
      (w.phase.endsWith("_vote") ? " · " + state.counts.voted + " voted" : "");
    Live.setTimer(w.timer_ends_at);
    const board = document.getElementById("board");
    const round = w.round;
    let content;
    if (w.phase === "lobby") {
      content = el("p", { class: "board-note", text: "Scan the code or type the join code to take part." });
    } else if (w.phase === "final" || w.phase === "closed") {
      content = el("div", {}, [el("h2", { text: "Our OKRs for " + w.cycle_label }), Live.finalSet(state.final)]);
    } else if (state.tallies && (w.phase.endsWith("_vote") || w.phase.endsWith("_results"))) {
      content = el("div", {}, [el("h2", { text: round === "objective" ? "Objectives: votes" : "Key results: votes" }),
        Live.bars(Live.byRound(state, round), state.tallies, { big: true })]);
    } else {
      const items = Live.byRound(state, round);
      const note = w.phase.endsWith("_propose") ? "Propose on your phone" :
        w.phase.endsWith("_vote") ? "Vote on your phone" : "Results will be revealed by the coach";
      content = el("div", {}, [el("h2", { text: note }),
        el("ul", { class: "cards screen-cards" }, items.map(function (p) {
          return el("li", { class: "card" + (p.is_kept ? " kept" : ""), text: p.text });
        }))]);
    }
    board.replaceChildren(content);
  }
})();
