/* Join a workshop: get a pass from the server, keep it on this phone, open the live page. */
(function () {
  "use strict";
  const box = document.getElementById("join");
  const form = document.getElementById("join-form");
  const error = document.getElementById("join-error");
  const code = box.dataset.code;
  const key = "okr.token." + code;
  if (localStorage.getItem(key) && !location.search.includes("again")) {
    location.replace(box.dataset.phoneUrl);
    return;
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const nameInput = document.getElementById("display_name");
    const button = form.querySelector("button");
    error.hidden = true;
    button.disabled = true;
    try {
      const response = await fetch("/live/api/join", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: code, display_name: nameInput ? nameInput.value : null }),
      });
      const body = await response.json();
      if (!body.ok) throw new Error(body.message || "Could not join.");
      localStorage.setItem(key, body.token);
      location.replace(box.dataset.phoneUrl);
    } catch (err) {
      error.textContent = err instanceof TypeError
        ? "No connection. Check your network and try again." : err.message;
      error.hidden = false;
      if (nameInput) nameInput.focus();
    } finally {
      button.disabled = false;
    }
  });
})();
