// GOV.UK Frontend's components, started from a file because the CSP forbids inline script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Print buttons: shown only where script runs (they need it).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// Progress of a long job (a report, an import): poll its JSON and reload when done.
for (const box of document.querySelectorAll("[data-progress-url]")) {
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = await response.json();
        if (bar) bar.value = state.progress;
        if (text) text.textContent = `${state.state_label}: ${state.progress}%${state.note ? " – " + state.note : ""}`;
        if (state.ready || state.state === "failed" || state.state === "done") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
