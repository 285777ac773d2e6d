// The Explorer's live parts: devices over time and the supply as uPlot charts, devices by country
// on a world map (Natural Earth borders from world-atlas, drawn as SVG with d3-geo).
"use strict";

const NS = "http://www.w3.org/2000/svg";

const { emptyState, getJson, compact } = Corral;

function drawChart(element, columns, series, unit) {
  element.replaceChildren();
  const width = Math.max(320, element.clientWidth);
  const options = {
    width: width,
    height: element.classList.contains("small") ? 180 : 240,
    tzDate: Corral.utc,
    series: [{}].concat(series.map(s => ({ label: s.label, stroke: s.colour, width: 2, fill: s.fill,
      value: (u, v) => v == null ? "–" : v.toLocaleString("en-US") + " " + unit }))),
    axes: [{}, { label: unit, size: 64, values: (u, values) => values.map(compact) }],
    scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
  };
  const data = [columns.at].concat(series.map(s => columns[s.key]));
  const chart = new uPlot(options, data, element);
  element.dataset.points = String(columns.at.length);
  return chart;
}

/** Draws the columns the path answers into the element, or says why there is nothing to draw. */
async function showChart(id, path, series, unit) {
  const element = document.getElementById(id);
  if (!element) {
    return;
  }
  try {
    const columns = await getJson(path);
    if (columns.at.length === 0) {
      emptyState(element, element.dataset.empty);
      return;
    }
    drawChart(element, columns, series, unit);
  } catch (e) {
    emptyState(element, "The chart could not be loaded (" + e.message + "): reload the page to try again.");
  }
}

function showHistory(span) {
  return showChart("history-chart", "/explorer/data/history?span=" + encodeURIComponent(span), [
    { key: "online", label: "Online", colour: "#1d4ed8", fill: "rgba(29, 78, 216, .08)" },
    { key: "hired", label: "Hired", colour: "#0f7b3f" },
    { key: "idle", label: "Idle", colour: "#9a5b00" },
  ], "devices");
}

function showSupply() {
  return showChart("supply-chart", "/explorer/data/supply", [
    { key: "supply", label: "In existence", colour: "#1d4ed8" },
    { key: "burned", label: "Burned", colour: "#b42318" },
  ], "IO");
}

async function showMap() {
  const element = document.getElementById("map");
  if (!element) {
    return;
  }
  const counts = JSON.parse(element.dataset.countries || "{}");
  try {
    const [world, codes] = await Promise.all([getJson("/assets/vendor/countries-110m.json"),
      getJson("/assets/vendor/iso-3166-codes.json")]);
    const numericOf = new Map(codes.map(row => [row[0], row[2]]));
    const byNumeric = new Map();
    for (const [alpha2, count] of Object.entries(counts)) {
      if (numericOf.has(alpha2)) {
        byNumeric.set(numericOf.get(alpha2), count);
      }
    }
    const max = Math.max(1, ...byNumeric.values());
    const countries = topojson.feature(world, world.objects.countries);
    const width = 960;
    const height = 470;
    const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
    const path = d3.geoPath(projection);
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    const sphere = document.createElementNS(NS, "path");
    sphere.setAttribute("class", "sphere");
    sphere.setAttribute("d", path({ type: "Sphere" }));
    svg.appendChild(sphere);
    for (const feature of countries.features) {
      const shape = document.createElementNS(NS, "path");
      shape.setAttribute("d", path(feature));
      const count = byNumeric.get(feature.id) || 0;
      shape.setAttribute("class", count > 0 ? "country has" : "country");
      if (count > 0) {
        // From light to dark blue as the share of the busiest country grows.
        const t = Math.sqrt(count / max);
        shape.style.fill = "rgb(" + Math.round(191 - 161 * t) + "," + Math.round(219 - 161 * t) + ","
          + Math.round(254 - 116 * t) + ")";
        shape.dataset.count = String(count);
      }
      const title = document.createElementNS(NS, "title");
      title.textContent = feature.properties.name + ": " + count + (count === 1 ? " device" : " devices") + " online";
      shape.appendChild(title);
      svg.appendChild(shape);
    }
    element.replaceChildren(svg);
    const legend = document.createElement("div");
    legend.className = "legend";
    legend.innerHTML = "<span>1 device</span><span class=\"ramp\"></span>";
    legend.appendChild(document.createTextNode(max.toLocaleString("en-US") + " devices"));
    element.appendChild(legend);
    element.dataset.drawn = String(byNumeric.size);
  } catch (e) {
    emptyState(element, "The map could not be drawn (" + e.message + "); the table below has the same figures.");
  }
}

document.querySelectorAll("[data-span]").forEach(button => button.addEventListener("click", () => {
  document.querySelectorAll("[data-span]").forEach(other => other.classList.toggle("active", other === button));
  showHistory(button.dataset.span);
}));
showHistory("1d");
showSupply();
showMap();
