/* Practice exercises: save each answer as it changes, and count down a time limit.
   Without this file the page still works: "Save answers" and "Submit" post the whole form. */
(function () {
  "use strict";

  var form = document.getElementById("attempt-form");
  if (!form) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var token = form.elements.csrf_token.value;
  var timers = {};
  var submitting = false;

  function setStatus(question, text, isError) {
    var status = question.querySelector(".save-status");
    if (status) {
      status.textContent = text;
      status.classList.toggle("error", Boolean(isError));
    }
  }

  function fieldsOf(question) {
    var data = new FormData();
    data.append("csrf_token", token);
    question.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) {
        return;
      }
      data.append(el.name, el.value);
    });
    return data;
  }

  function save(question) {
    if (submitting) {
      return;
    }
    var position = question.getAttribute("data-position");
    setStatus(question, "Saving…", false);
    fetch(url, {
      method: "POST",
      body: fieldsOf(question),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (body) {
      if (body.ok) {
        setStatus(question, "Saved.", false);
      } else if (body.result_url) {
        window.location.assign(body.result_url);
      } else {
        setStatus(question, (body.errors && body.errors[position]) || body.message, true);
      }
    }).catch(function () {
      setStatus(question, "Not saved yet (no connection?). Press Save answers before you leave.",
                true);
    });
  }

  function questionOf(target) {
    return target.closest ? target.closest("[data-position]") : null;
  }

  form.addEventListener("change", function (event) {
    var question = questionOf(event.target);
    if (question) {
      clearTimeout(timers[question.id]);
      save(question);
    }
  });

  form.addEventListener("input", function (event) {
    var question = questionOf(event.target);
    if (question && (event.target.tagName === "TEXTAREA" || event.target.type === "text")) {
      clearTimeout(timers[question.id]);
      timers[question.id] = setTimeout(function () { save(question); }, 1500);
    }
  });

  form.addEventListener("submit", function () {
    submitting = true;
  });

  var deadline = document.getElementById("deadline");
  if (deadline) {
    var endsAt = Date.parse(deadline.getAttribute("data-deadline"));
    var countdown = deadline.querySelector(".countdown");
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = "Time left: " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0 && !submitting) {
        submitting = true;
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "submit";
        form.appendChild(action);
        form.submit();
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
}());
