// What the web faces' scripts share: reading JSON, empty states, amounts, and charts in UTC.
"use strict";

const Corral = {
  /** The answer's JSON; an error answer's message as the thrown error. */
  async getJson(path) {
    const answer = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await answer.json().catch(() => ({}));
    if (!answer.ok) {
      throw new Error(body.message || (path + " answered " + answer.status));
    }
    return body;
  },

  /** Replaces the element's content with a line that says why there is nothing to show. */
  emptyState(element, text) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = text;
    element.replaceChildren(p);
  },

  /** An amount as the API sends it ({amount, currency}), written as the pages write amounts: "$0.16", "12.50 IOSD". */
  money(a) {
    const [whole, decimals = ""] = a.amount.split(".");
    const fraction = decimals.replace(/0+$/, "").padEnd(2, "0");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + fraction;
    return a.currency === "USD" ? "$" + grouped : grouped + " " + a.currency;
  },

  /** A large number in few characters: 1.2M. */
  compact: (value => new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(value)),

  /** Chart times in UTC, as every table on the pages writes them. */
  utc: (seconds => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC")),
};
