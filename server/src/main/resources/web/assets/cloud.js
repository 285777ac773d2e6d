// The Cloud console's live parts: the deploy form's quote as options change, a cluster's state,
// ranks and logs while it runs, and the termination dialog with its refund.
"use strict";

const QUOTE_DELAY_MS = 300;
const FOLLOW_EVERY_MS = 2000;
const csrf = document.querySelector("meta[name=csrf-token]")?.content;

const { getJson, money } = Corral;

function text(tag, value, className) {
  const element = document.createElement(tag);
  element.textContent = value;
  if (className) {
    element.className = className;
  }
  return element;
}

// ---- the deploy form ----------------------------------------------------------------------
const form = document.getElementById("deploy-form");
if (form) {
  const quote = document.getElementById("quote");
  let timer = null;
  let asked = 0;

  function showFor() {
    const cpu = form.hardware.value === "cpu";
    const process = form.type.value === "process";
    form.querySelectorAll(".gpu-only").forEach(e => { e.hidden = cpu; });
    form.querySelectorAll(".container-only").forEach(e => { e.hidden = process; });
    form.gpu.required = !cpu;
    form.image.required = !process;
  }

  function row(label, value, id) {
    const line = document.createElement("div");
    line.className = "quote-row";
    line.appendChild(text("span", label, "label"));
    const figure = text("span", value);
    if (id) {
      figure.id = id;
    }
    line.appendChild(figure);
    return line;
  }

  async function requote() {
    const number = ++asked;
    if (!["gpu", "gpusPerDevice", "count", "duration"].every(name => form[name].checkValidity())) {
      // Half-typed: the browser already says which field is wrong; ask for a price once it reads.
      quote.replaceChildren(text("p", "Fill in the hardware, the number of devices and the duration for a price.",
        "note"));
      return;
    }
    const fields = new URLSearchParams(new FormData(form));
    try {
      const answer = await fetch("/cloud/data/quote", { method: "POST", body: fields,
        headers: { "X-CSRF-Token": csrf, Accept: "application/json" } });
      const q = await answer.json();
      if (number !== asked) {
        return;
      }
      quote.replaceChildren();
      if (!answer.ok) {
        quote.appendChild(text("p", q.message, "error"));
        return;
      }
      const b = q.breakdown;
      // A deploy for all matching devices is priced per device: escrow holds that for as many as are placed.
      const all = form.count.value.trim() === "all";
      if (all) {
        quote.appendChild(row("Devices", "all " + q.devicesAvailable + " idle that match (less any kept for staked customers)",
          "quote-total"));
      } else {
        quote.appendChild(row("Total for " + q.count + " × " + q.hours + " h", money(q.total),
          "quote-total"));
      }
      quote.appendChild(row("Per device-hour", money(q.pricePerDeviceHour)));
      quote.appendChild(row("Idle devices that match", String(q.devicesAvailable), "quote-available"));
      const parts = document.createElement("div");
      parts.className = "breakdown";
      parts.appendChild(text("h3", "How the price is made"));
      parts.appendChild(row("Base per device-hour", money(b.basePerDeviceHour)));
      parts.appendChild(row("Network utilisation", (b.utilisation * 100).toFixed(0) + "% → × " + b.utilisationMultiplier.toFixed(2)));
      parts.appendChild(row("Security and connectivity tiers", "× " + b.tierMultiplier.toFixed(2)));
      parts.appendChild(row("Duration discount", "−" + b.durationDiscountPercent.toFixed(1) + "%"));
      parts.appendChild(row("Your tier (" + b.customerTier + ")", "−" + b.customerDiscountPercent.toFixed(1) + "%"));
      quote.appendChild(parts);
      if (!all && q.devicesAvailable < q.count) {
        quote.appendChild(text("p", "Only " + q.devicesAvailable + " matching devices are idle now: a deploy of "
          + q.count + " would be refused. Ask for fewer, or loosen the conditions.", "warning"));
      }
      quote.dataset.total = q.total.amount;
    } catch (e) {
      quote.replaceChildren(text("p", "No price: " + e.message, "error"));
    }
  }

  form.addEventListener("input", () => {
    showFor();
    clearTimeout(timer);
    timer = setTimeout(requote, QUOTE_DELAY_MS);
  });
  showFor();
  requote();
}

// ---- one cluster --------------------------------------------------------------------------
const logs = document.getElementById("logs");
if (logs) {
  const cluster = logs.dataset.cluster;
  const following = logs.dataset.active === "true";

  async function refreshLogs() {
    try {
      const view = await getJson("/cloud/data/clusters/" + encodeURIComponent(cluster) + "/logs");
      const lines = view.lines.map(l => "[" + l.rank + "] " + l.line);
      const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
      logs.textContent = lines.length === 0 ? "No output yet." : lines.join("\n")
        + (view.truncated ? "\n… (the newest lines; `corral logs` reads them all)" : "");
      logs.dataset.lines = String(lines.length);
      if (atBottom) {
        logs.scrollTop = logs.scrollHeight;
      }
    } catch (e) {
      document.getElementById("logs-status").textContent = "logs could not be read: " + e.message;
    }
  }

  async function refreshCluster() {
    try {
      const view = await getJson("/cloud/data/clusters/" + encodeURIComponent(cluster));
      const badge = document.getElementById("cluster-state");
      if (badge.textContent !== view.state) {
        // A new state changes the page's facts (running since, until, money): show them all again.
        window.location.reload();
        return;
      }
      for (const rank of view.ranks) {
        const cell = document.querySelector("tr[data-rank='" + rank.rank + "'] .rank-state");
        if (cell) {
          cell.textContent = rank.state + (rank.pull ? " (" + Math.floor(rank.pull.bytesDone / 1e6) + " of "
            + Math.floor(rank.pull.bytesTotal / 1e6) + " MB)" : "");
        }
      }
      document.getElementById("charged").textContent = money(view.charged);
    } catch (e) {
      document.getElementById("logs-status").textContent = "the cluster could not be read: " + e.message;
    }
  }

  async function follow() {
    await Promise.all([refreshLogs(), following ? refreshCluster() : Promise.resolve()]);
    if (following) {
      setTimeout(follow, FOLLOW_EVERY_MS);
    }
  }
  follow();

  const dialog = document.getElementById("terminate-dialog");
  if (dialog) {
    document.getElementById("terminate").addEventListener("click", async () => {
      dialog.showModal();
      try {
        const answer = await getJson("/cloud/data/clusters/" + encodeURIComponent(cluster) + "/refund");
        if (answer.refund) {
          document.getElementById("refund").textContent = answer.refund;
        }
      } catch (e) {
        // The refund rendered with the page stays; the close computes the exact one.
      }
    });
    document.getElementById("terminate-cancel").addEventListener("click", () => dialog.close());
  }
}
