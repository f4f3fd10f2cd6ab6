/* Bulk issue: one request per trainee, so the bar moves and a stop loses nothing done. */
(function () {
  "use strict";
  const root = document.getElementById("bulk");
  const start = document.getElementById("bulk-start");
  if (!root || !start) return;
  start.addEventListener("click", async function () {
    start.disabled = true;
    const bar = document.getElementById("bulk-progress");
    const status = document.getElementById("bulk-status");
    const rows = Array.from(document.querySelectorAll("#bulk-people li"));
    let issued = 0;
    let failed = 0;
    for (const [index, row] of rows.entries()) {
      const state = row.querySelector(".bulk-state");
      state.textContent = "issuing…";
      const body = new FormData();
      body.append("csrf_token", root.dataset.csrf);
      body.append("user_id", row.dataset.userId);
      try {
        const response = await fetch(root.dataset.url, { method: "POST", body: body, headers: { Accept: "application/json" } });
        const result = await response.json();
        if (result.ok) { issued += 1; state.textContent = "issued " + result.code; }
        else { failed += 1; state.textContent = "not issued: " + result.message; }
      } catch (err) {
        failed += 1;
        state.textContent = "not issued: no connection";
      }
      bar.value = index + 1;
      status.textContent = (index + 1) + " of " + rows.length + " done";
    }
    status.textContent = issued + " issued, " + failed + " not issued. Running it again never issues a duplicate.";
  });
})();
