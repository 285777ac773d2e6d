// The Worker dashboard's live parts: a device's telemetry as uPlot charts over the last hour or
// day, and the copy button of the worker command.
"use strict";

const { emptyState, getJson } = Corral;

function chart(element, at, values, label, unit, colour, max) {
  element.replaceChildren();
  if (at.length === 0) {
    emptyState(element, element.dataset.empty);
    return;
  }
  new uPlot({
    width: Math.max(280, element.clientWidth),
    height: 170,
    tzDate: Corral.utc,
    series: [{}, { label: label, stroke: colour, width: 2, fill: colour + "22",
      value: (u, v) => v == null ? "–" : Math.round(v).toLocaleString("en-US") + " " + unit }],
    axes: [{}, { size: 56, values: (u, vs) => vs.map(v => v.toLocaleString("en-US") + (unit === "%" ? "%" : "")) }],
    scales: { y: { range: (u, lo, hi) => [0, max != null ? max : Math.max(1, hi * 1.15)] } },
  }, [at, values], element);
  element.dataset.points = String(at.length);
}

const telemetry = document.getElementById("telemetry");
if (telemetry) {
  const device = telemetry.dataset.device;
  const gpus = Number(telemetry.dataset.gpus);

  async function show(span) {
    const charts = ["chart-gpu-util", "chart-gpu-temp", "chart-gpu-power", "chart-memory"]
      .map(id => document.getElementById(id));
    try {
      const t = await getJson("/worker/data/devices/" + encodeURIComponent(device) + "/telemetry?span=" + span);
      if (gpus > 0) {
        chart(charts[0], t.at, t.gpuUtilizationPercent, "Utilisation", "%", "#1d4ed8", 100);
        chart(charts[1], t.at, t.gpuTemperatureC, "Hottest GPU", "°C", "#b42318");
        chart(charts[2], t.at, t.gpuPowerW, "Power", "W", "#9a5b00");
      } else {
        chart(charts[0], t.at, t.cpuLoadPercent, "CPU load", "%", "#1d4ed8", 100);
        charts[1].parentElement.hidden = true;
        charts[2].parentElement.hidden = true;
        charts[0].parentElement.querySelector("h3").textContent = "CPU load (no GPU)";
      }
      chart(charts[3], t.at, gpus > 0 ? t.gpuMemoryUsedMb : t.memoryUsedMb, "Memory in use", "MB", "#0f7b3f");
    } catch (e) {
      charts.forEach(c => emptyState(c, "Telemetry could not be read (" + e.message + "): reload to try again."));
    }
  }

  document.querySelectorAll("[data-span]").forEach(button => button.addEventListener("click", () => {
    document.querySelectorAll("[data-span]").forEach(other => other.classList.toggle("active", other === button));
    show(button.dataset.span);
  }));
  show("1h");
}

const copy = document.getElementById("copy");
if (copy) {
  copy.addEventListener("click", async () => {
    const text = document.getElementById(copy.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = "Copied";
    } catch (e) {
      // No clipboard (an insecure page, or no permission): select the text for Ctrl-C instead.
      const range = document.createRange();
      range.selectNodeContents(document.getElementById(copy.dataset.copy));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      copy.textContent = "Selected: press Ctrl-C";
    }
  });
}
