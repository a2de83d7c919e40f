// Keeps an import's progress bar up to date while it runs, then reloads the page to
// show the result. Without script the page says how far it had got and offers a link.
const box = document.querySelector("[data-hcp-import-progress]");

if (box) {
  const text = box.querySelector("[data-hcp-progress-text]");
  const bar = box.querySelector("[data-hcp-progress-bar]");
  const format = new Intl.NumberFormat("en-GB");

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.hcpImportProgress, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        if (!status.busy) {
          window.location.reload();
          return;
        }
        bar.value = status.percent;
        bar.textContent = `${status.percent}%`;
        text.textContent =
          status.state === "pending"
            ? "Waiting for its turn."
            : `${format.format(status.rows_processed)} of about ${format.format(status.rows_total)} rows read.`;
      }
    } catch {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
}
