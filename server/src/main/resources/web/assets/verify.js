// Verifies the public ledger in the browser, from docs/ledger-format.md: the journal's hash chain,
// each block's Ed25519 signature, journal head, balance root, supply figures and schedule, and that
// every currency's balances sum to zero. Numbers are read from the JSON's own text (never through
// a double: amounts pass 2^53) and summed as BigInt.
"use strict";

const EPOCH_PAGE = 1000;
const JOURNAL_PAGE = 5000;
const CURRENCIES = ["USD", "IO", "IOSD"];
const KINDS = new Set(["DEPOSIT", "ESCROW_HOLD", "SUPPLIER_PAYMENT", "NETWORK_FEE", "REFUND", "GENESIS",
  "AVAILABILITY_REWARD", "COMPUTE_REWARD", "UNCLAIMED_REWARD", "BURN", "IOSD_MINT", "BUYBACK", "MARKET_MAKER_FUNDING",
  "STAKER_REWARD", "STAKE", "UNSTAKE", "REFERRAL_REWARD"]);
const IDEMPOTENCY_KEY_LENGTH_MAX = 200;
/** The IO token's hard cap, in base units. */
const SUPPLY_CAP = 800000000n * 1000000000n;
const ED25519_SPKI_PREFIX = "302a300506032b6570032100";

class Failed extends Error {}

/** What the Java client refuses to read (docs/ledger-format.md, section 8): the verification stops there. */
class Unreadable extends Error {}

function checkReadable(e) {
  const t = e.transfer;
  if (!/^-?[0-9]+$/.test(t.amount.minor) || BigInt(t.amount.minor) <= 0n) {
    throw new Unreadable("journal entry " + e.seq + ": a transfer moves a positive amount, not " + t.amount.minor);
  }
  if (t.debitAccount === t.creditAccount) {
    throw new Unreadable("journal entry " + e.seq + ": a transfer needs two different accounts");
  }
  if (!CURRENCIES.includes(t.amount.currency) || !KINDS.has(t.kind)) {
    throw new Unreadable("journal entry " + e.seq + ": unknown currency or kind");
  }
  if (t.idempotencyKey.length < 1 || t.idempotencyKey.length > IDEMPOTENCY_KEY_LENGTH_MAX) {
    throw new Unreadable("journal entry " + e.seq + ": idempotency key must be 1.." + IDEMPOTENCY_KEY_LENGTH_MAX
      + " characters");
  }
}

/** Whether this browser hands a JSON reviver each number's own text (needed to read amounts past 2^53 exactly). */
function readsNumbersExactly() {
  let exact = false;
  JSON.parse("[12345678901234567890]", (key, value, context) => {
    if (typeof value === "number") {
      exact = context !== undefined && context.source === "12345678901234567890";
    }
    return value;
  });
  return exact;
}

function exactJson(text) {
  // Every number stays the digits it was sent as.
  return JSON.parse(text, (key, value, context) => typeof value === "number" ? context.source : value);
}

async function get(path) {
  const answer = await fetch(path, { headers: { Accept: "application/json" } });
  if (!answer.ok) {
    throw new Error(path + " answered " + answer.status);
  }
  return exactJson(await answer.text());
}

const encoder = new TextEncoder();

async function sha(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return Array.from(digest, b => b.toString(16).padStart(2, "0")).join("");
}

function base64Bytes(text) {
  const padded = text + "=".repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(padded), c => c.charCodeAt(0));
}

function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
}

function entryText(e) {
  const t = e.transfer;
  return ["corral-journal-v1", e.seq, e.prevHash, t.idempotencyKey, t.debitAccount, t.creditAccount,
    t.amount.minor, t.amount.currency, t.kind, t.clusterId || "-", e.createdAtMillis].join("\n");
}

function signingText(r) {
  return ["corral-epoch-v1", r.epoch, r.startsAtMillis, r.endsAtMillis, r.journalSeq, r.journalHead,
    r.blockEmission, r.minted, r.burned, r.supply, r.balanceRoot, r.balances].join("\n");
}

function currencyOf(account) {
  return account.substring(account.lastIndexOf(":") + 1);
}

async function merkleRoot(leaves) {
  if (leaves.length === 0) {
    return sha("");
  }
  let level = leaves;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? await sha("corral-node-v1\n" + level[i] + "\n" + level[i + 1]) : level[i]);
    }
    level = next;
  }
  return level[0];
}

async function balanceLeaves(balances) {
  const accounts = [...balances.keys()].filter(a => balances.get(a) !== 0n).sort();
  const leaves = [];
  for (const account of accounts) {
    leaves.push(await sha("corral-balance-v1\n" + account + "\n" + currencyOf(account) + "\n" + balances.get(account)));
  }
  return leaves;
}

async function checkRecord(r, k, first, head, balances, key) {
  const where = "epoch " + r.epoch;
  if (BigInt(r.epoch) !== BigInt(k)) {
    throw new Failed(where + ": expected epoch " + k + " here (a record was dropped or reordered)");
  }
  let signature;
  try {
    signature = base64Bytes(r.signature);
  } catch (e) {
    signature = new Uint8Array(0);
  }
  const valid = signature.length === 64
    && await crypto.subtle.verify({ name: "Ed25519" }, key, signature, encoder.encode(signingText(r)));
  if (!valid) {
    throw new Failed(where + ": the coordinator's signature does not match the record");
  }
  const length = BigInt(first.endsAtMillis) - BigInt(first.startsAtMillis);
  if (length <= 0n || BigInt(r.endsAtMillis) - BigInt(r.startsAtMillis) !== length
      || BigInt(r.startsAtMillis) !== BigInt(first.startsAtMillis) + BigInt(r.epoch) * length) {
    throw new Failed(where + ": its window [" + r.startsAtMillis + ", " + r.endsAtMillis + ") is not epoch " + r.epoch
      + " of the network's schedule (epochs of " + length + " ms from " + first.startsAtMillis + "): the epoch length "
      + "or the genesis changed, and with it the pace of emission");
  }
  if (r.journalHead !== head) {
    throw new Failed(where + ": its journal head differs from the replayed chain");
  }
  const leaves = await balanceLeaves(balances);
  if (BigInt(leaves.length) !== BigInt(r.balances) || await merkleRoot(leaves) !== r.balanceRoot) {
    throw new Failed(where + ": its balance root differs from the replayed balances");
  }
  const minted = -(balances.get("system:mint:IO") || 0n);
  const burned = balances.get("system:burn:IO") || 0n;
  if (BigInt(r.minted) !== minted || BigInt(r.burned) !== burned || BigInt(r.supply) !== minted - burned) {
    throw new Failed(where + ": its supply figures differ from the replayed ones");
  }
  if (BigInt(r.supply) > SUPPLY_CAP) {
    throw new Failed(where + ": supply passes the cap");
  }
  const sums = new Map();
  for (const [account, balance] of balances) {
    if (!CURRENCIES.includes(currencyOf(account))) {
      throw new Unreadable("account " + account + ": " + currencyOf(account) + " is not a known currency");
    }
    sums.set(currencyOf(account), (sums.get(currencyOf(account)) || 0n) + balance);
  }
  for (const currency of CURRENCIES) {
    if ((sums.get(currency) || 0n) !== 0n) {
      throw new Failed(where + ": " + currency + " balances sum to " + sums.get(currency));
    }
  }
}

async function fetchAll(progress) {
  const keyText = (await get("/api/v1/ledger/key")).publicKey;
  const keyBytes = base64Bytes(keyText);
  if (keyBytes.length !== 44 || hex(keyBytes.subarray(0, 12)) !== ED25519_SPKI_PREFIX) {
    throw new Failed("the coordinator's key is not a base64 X.509 Ed25519 key");
  }
  const key = await crypto.subtle.importKey("spki", keyBytes, { name: "Ed25519" }, false, ["verify"]);
  const epochs = [];
  for (let page = await get("/api/v1/ledger/epochs?from=0&limit=" + EPOCH_PAGE); page.length > 0;) {
    epochs.push(...page);
    progress("Downloaded " + epochs.length + " blocks");
    page = page.length < EPOCH_PAGE ? []
      : await get("/api/v1/ledger/epochs?from=" + (BigInt(page[page.length - 1].epoch) + 1n) + "&limit=" + EPOCH_PAGE);
  }
  const journal = [];
  if (!readsNumbersExactly()) {
    throw new Unreadable("this browser cannot read JSON numbers exactly (it lacks JSON.parse source text access): "
      + "use a recent Chromium, Firefox or Safari, or corral ledger verify");
  }
  for (let page = await get("/api/v1/ledger/journal?after=0&limit=" + JOURNAL_PAGE); page.length > 0;) {
    journal.push(...page);
    page.forEach(checkReadable);
    progress("Downloaded " + journal.length + " journal entries");
    page = page.length < JOURNAL_PAGE ? []
      : await get("/api/v1/ledger/journal?after=" + page[page.length - 1].seq + "&limit=" + JOURNAL_PAGE);
  }
  return { key, keyText, epochs, journal };
}

/** How far the verification got: entries and epoch records checked. */
const reached = { entries: 0, records: 0 };

async function verify(progress) {
  const { key, keyText, epochs, journal } = await fetchAll(progress);
  let head = "0".repeat(64);
  const balances = new Map();
  let k = 0;
  for (let i = 0; i <= journal.length; i++) {
    reached.entries = i;
    reached.records = k;
    while (k < epochs.length && BigInt(epochs[k].journalSeq) === BigInt(i)) {
      await checkRecord(epochs[k], k, epochs[0], head, balances, key);
      k++;
      reached.records = k;
      progress("Checked " + i + " of " + journal.length + " entries and " + k + " of " + epochs.length + " blocks");
    }
    if (k < epochs.length && BigInt(epochs[k].journalSeq) < BigInt(i)) {
      throw new Failed("epoch " + epochs[k].epoch + ": its journal position " + epochs[k].journalSeq
        + " is out of order");
    }
    if (i === journal.length) {
      break;
    }
    const e = journal[i];
    const where = "journal entry " + (i + 1);
    if (BigInt(e.seq) !== BigInt(i + 1)) {
      throw new Failed(where + ": has position " + e.seq + ", expected " + (i + 1)
        + " (an entry was dropped, added or reordered)");
    }
    if (e.prevHash !== head) {
      throw new Failed(where + ": does not follow the entry before it (previous hash differs)");
    }
    if (await sha(entryText(e)) !== e.hash) {
      throw new Failed(where + ": its content does not match its hash (it was changed)");
    }
    // Positive, two accounts, known currency and kind: checked as each page was read (checkReadable).
    const amount = BigInt(e.transfer.amount.minor);
    const debit = e.transfer.debitAccount;
    const credit = e.transfer.creditAccount;
    balances.set(debit, (balances.get(debit) || 0n) - amount);
    balances.set(credit, (balances.get(credit) || 0n) + amount);
    if (balances.get(debit) < 0n && !debit.startsWith("system:external:") && !debit.startsWith("system:mint:")) {
      throw new Failed(where + ": " + debit + " goes below zero");
    }
    head = e.hash;
  }
  if (k < epochs.length) {
    throw new Failed("epoch " + epochs[k].epoch + ": points at journal position " + epochs[k].journalSeq
      + " past the journal's end");
  }
  return { entries: journal.length, blocks: epochs.length, head, keyText };
}

const button = document.getElementById("verify");
const progressLine = document.getElementById("verify-progress");
const result = document.getElementById("verify-result");

button.addEventListener("click", async () => {
  button.disabled = true;
  result.replaceChildren();
  const box = document.createElement("div");
  const started = performance.now();
  try {
    const outcome = await verify(text => { progressLine.textContent = text; });
    box.className = "ok";
    box.id = "verify-ok";
    box.textContent = "ledger verified: " + outcome.entries.toLocaleString("en-US") + " journal entries hash-chained, "
      + outcome.blocks.toLocaleString("en-US") + " epoch records signed and matching the replayed balances; every "
      + "currency sums to zero; supply under the cap (in " + ((performance.now() - started) / 1000).toFixed(1)
      + " s). Journal head " + outcome.head + "; signed by key " + outcome.keyText + ".";
  } catch (e) {
    box.className = "failed";
    box.id = "verify-failed";
    box.textContent = e instanceof Failed
      ? "ledger verification FAILED at " + e.message + " (checked " + reached.entries + " journal entries and "
        + reached.records + " epoch records before the discrepancy)"
      : "error: " + e.message;
  }
  progressLine.textContent = "";
  result.appendChild(box);
  button.disabled = false;
});
