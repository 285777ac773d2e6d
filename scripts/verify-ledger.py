#!/usr/bin/env python3
"""An independent verifier of a Corral coordinator's public ledger, written from
docs/ledger-format.md alone, with nothing but Python's standard library (Ed25519
included, after RFC 8032 section 6). Usage: verify-ledger.py --server URL

It checks what `corral ledger verify` checks (docs/ledger-format.md, section 8),
in the same order, and says the same: on success "ledger verified: ..." and exit
0; at the first discrepancy "ledger verification FAILED at WHERE: WHAT" on stderr
and exit 1. The server is read over plain HTTP or HTTPS with the system's CAs.
"""
import argparse, base64, hashlib, json, ssl, sys, urllib.request
from decimal import Decimal, Context, ROUND_HALF_EVEN, ROUND_FLOOR

# --- Ed25519 verification (RFC 8032, section 6) ---
P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x

_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
BASE = (_GX, _GY, 1, _GX * _GY % P)

def _add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % P
    B = (a[1] + a[0]) * (b[1] + b[0]) % P
    C = 2 * a[3] * b[3] * D % P
    Dd = 2 * a[2] * b[2] % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)

def _mul(s, point):
    result = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result

def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0

def _decompress(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)

def ed25519_verify(public, message, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public), _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % Q
    return _equal(_mul(s, BASE), _add(r, _mul(h, a)))

# --- The emission schedule (section 7) ---
CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)
G0, TOTAL, MONTHS, BPM, RATIO, CAP = 5 * 10**17, 3 * 10**17, 240, 730, Decimal("0.9898"), 8 * 10**17
_E0 = CTX.divide(CTX.multiply(Decimal(TOTAL), CTX.subtract(Decimal(1), RATIO)),
                 CTX.subtract(Decimal(1), CTX.power(RATIO, MONTHS)))
_MONTH, _BEFORE = [], [Decimal(0)]
_m = _E0
for _i in range(MONTHS):
    _MONTH.append(_m)
    _BEFORE.append(CTX.add(_BEFORE[_i], _m))
    _m = CTX.multiply(_m, RATIO)

def emitted_through(b):
    if b >= MONTHS * BPM:
        return TOTAL
    month, into = divmod(b, BPM)
    exact = CTX.add(_BEFORE[month], CTX.divide(CTX.multiply(_MONTH[month], Decimal(into)), Decimal(BPM)))
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))

def block_emission(b):
    return emitted_through(b + 1) - emitted_through(b) if b < MONTHS * BPM else 0

def supply_after(b):
    return G0 + emitted_through(b)

# --- Hashes and trees (sections 3, 5, 6) ---
def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

def entry_hash(e):
    t = e["transfer"]
    return sha("\n".join(["corral-journal-v1", str(e["seq"]), e["prevHash"], t["idempotencyKey"], t["debitAccount"],
                          t["creditAccount"], str(t["amount"]["minor"]), t["amount"]["currency"], t["kind"],
                          t.get("clusterId") or "-", str(e["createdAtMillis"])]))

def merkle_root(leaves):
    if not leaves:
        return sha("")
    while len(leaves) > 1:
        leaves = [sha("corral-node-v1\n" + leaves[i] + "\n" + leaves[i + 1]) if i + 1 < len(leaves) else leaves[i]
                  for i in range(0, len(leaves), 2)]
    return leaves[0]

def currency_of(account):
    return account[account.rindex(":") + 1:]

def balance_leaves(balances):
    # Java's String order is by UTF-16 code unit: for the ASCII names in use, Python's sort is the same.
    return [sha("corral-balance-v1\n" + a + "\n" + currency_of(a) + "\n" + str(b))
            for a, b in sorted(balances.items()) if b != 0]

def signing_text(r):
    return "\n".join(["corral-epoch-v1"] + [str(r[f]) for f in (
        "epoch", "startsAtMillis", "endsAtMillis", "journalSeq", "journalHead", "blockEmission", "minted", "burned",
        "supply", "balanceRoot", "balances")])

# --- Reading the coordinator (section 2) ---
CONTEXT = None  # the TLS context: the system's CAs, or --ca-file's (a coordinator's own tls.crt)

def get(server, path):
    with urllib.request.urlopen(server.rstrip("/") + path, timeout=60, context=CONTEXT) as answer:
        return json.loads(answer.read().decode("utf-8"))

def fetch(server):
    key = b64decode(get(server, "/api/v1/ledger/key")["publicKey"])
    epochs, page = [], get(server, "/api/v1/ledger/epochs?from=0&limit=1000")
    while page:
        epochs += page
        page = [] if len(page) < 1000 else get(server, "/api/v1/ledger/epochs?from=%d&limit=1000" % (page[-1]["epoch"] + 1))
    journal, page = [], get(server, "/api/v1/ledger/journal?after=0&limit=5000")
    while page:
        journal += page
        page = [] if len(page) < 5000 else get(server, "/api/v1/ledger/journal?after=%d&limit=5000" % page[-1]["seq"])
    if len(key) != 44 or key[:12] != bytes.fromhex("302a300506032b6570032100"):
        raise Unreadable("the coordinator's key is not a base64 X.509 Ed25519 key")
    for entry in journal:
        check_readable(entry)
    return key[12:], epochs, journal

class Failed(Exception):
    """A discrepancy in the ledger: where and what, after how much was checked."""
    def __init__(self, message, entries=0, records=0):
        super().__init__(message)
        self.entries, self.records = entries, records

class Unreadable(Exception):
    """An answer this verifier cannot read (the Java client refuses the same): it ends with "error: ..."."""

CURRENCIES = ["USD", "IO", "IOSD"]  # in the Java enum's order: currency sums are checked in it
KINDS = {"DEPOSIT", "ESCROW_HOLD", "SUPPLIER_PAYMENT", "NETWORK_FEE", "REFUND", "GENESIS", "AVAILABILITY_REWARD",
         "COMPUTE_REWARD", "UNCLAIMED_REWARD", "BURN", "IOSD_MINT", "BUYBACK", "MARKET_MAKER_FUNDING", "STAKER_REWARD",
         "STAKE", "UNSTAKE", "REFERRAL_REWARD"}

def check_readable(e):
    """What the Java client refuses when it reads an entry (section 8): an amount <= 0, equal accounts, an
    unknown currency or kind, a key over 200 characters."""
    t = e["transfer"]
    amount = t["amount"]["minor"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise Unreadable("journal entry %s: a transfer moves a positive amount, not %r" % (e["seq"], amount))
    if t["debitAccount"] == t["creditAccount"]:
        raise Unreadable("journal entry %s: a transfer needs two different accounts" % e["seq"])
    if t["amount"]["currency"] not in CURRENCIES or t["kind"] not in KINDS:
        raise Unreadable("journal entry %s: unknown currency or kind" % e["seq"])
    if not 1 <= len(t["idempotencyKey"]) <= 200:
        raise Unreadable("journal entry %s: idempotency key must be 1..200 characters" % e["seq"])

def b64decode(text):
    """Base64 as Java's decoder reads it: no stray characters, the '=' padding optional."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)

# --- The checks, in the order of section 8 ---
def check_record(r, k, first, head, balances, key):
    where = "epoch %d" % r["epoch"]
    if r["epoch"] != k:
        raise Failed("%s: expected epoch %d here (a record was dropped or reordered)" % (where, k))
    try:
        signature = b64decode(r["signature"])
    except (ValueError, TypeError):
        signature = b""
    if not ed25519_verify(key, signing_text(r).encode("utf-8"), signature):
        raise Failed("%s: the coordinator's signature does not match the record" % where)
    length = first["endsAtMillis"] - first["startsAtMillis"]
    if length <= 0 or r["endsAtMillis"] - r["startsAtMillis"] != length \
            or r["startsAtMillis"] != first["startsAtMillis"] + r["epoch"] * length:
        raise Failed("%s: its window [%d, %d) is not epoch %d of the network's schedule (epochs of %d ms from %d): "
                     "the epoch length or the genesis changed, and with it the pace of emission"
                     % (where, r["startsAtMillis"], r["endsAtMillis"], r["epoch"], length, first["startsAtMillis"]))
    if r["journalHead"] != head:
        raise Failed("%s: its journal head differs from the replayed chain" % where)
    leaves = balance_leaves(balances)
    if len(leaves) != r["balances"] or merkle_root(leaves) != r["balanceRoot"]:
        raise Failed("%s: its balance root differs from the replayed balances" % where)
    minted, burned = -balances.get("system:mint:IO", 0), balances.get("system:burn:IO", 0)
    if r["minted"] != minted or r["burned"] != burned or r["supply"] != minted - burned:
        raise Failed("%s: its supply figures differ from the replayed ones" % where)
    if r["blockEmission"] != block_emission(r["epoch"]) or minted != supply_after(r["epoch"] + 1):
        raise Failed("%s: IO minted (%d) is not what the emission schedule allows (%d)"
                     % (where, minted, supply_after(r["epoch"] + 1)))
    if r["supply"] > CAP:
        raise Failed("%s: supply passes the cap" % where)
    sums = {}
    for account, balance in balances.items():
        if currency_of(account) not in CURRENCIES:
            raise Unreadable("account %s: %s is not a known currency" % (account, currency_of(account)))
        sums[currency_of(account)] = sums.get(currency_of(account), 0) + balance
    for currency in CURRENCIES:
        if sums.get(currency, 0) != 0:
            raise Failed("%s: %s balances sum to %d" % (where, currency, sums[currency]))

def verify(key, epochs, journal):
    """Returns (entries checked, records checked, balances); raises Failed at the first discrepancy."""
    state = {"checked": 0, "k": 0}
    try:
        return _verify(key, epochs, journal, state)
    except Failed as failure:
        failure.entries, failure.records = state["checked"], state["k"]
        raise

def _verify(key, epochs, journal, state):
    head, balances, k, checked = "0" * 64, {}, 0, 0
    for i in range(len(journal) + 1):
        state["checked"], state["k"] = checked, k
        while k < len(epochs) and epochs[k]["journalSeq"] == i:
            state["k"] = k
            check_record(epochs[k], k, epochs[0], head, balances, key)
            k += 1
        state["k"] = k
        if k < len(epochs) and epochs[k]["journalSeq"] < i:
            raise Failed("epoch %d: its journal position %d is out of order" % (epochs[k]["epoch"], epochs[k]["journalSeq"]))
        if i == len(journal):
            break
        e, where = journal[i], "journal entry %d" % (i + 1)
        if e["seq"] != i + 1:
            raise Failed("%s: has position %d, expected %d (an entry was dropped, added or reordered)"
                         % (where, e["seq"], i + 1))
        if e["prevHash"] != head:
            raise Failed("%s: does not follow the entry before it (previous hash differs)" % where)
        if entry_hash(e) != e["hash"]:
            raise Failed("%s: its content does not match its hash (it was changed)" % where)
        t = e["transfer"]
        amount = t["amount"]["minor"]
        balances[t["debitAccount"]] = balances.get(t["debitAccount"], 0) - amount
        balances[t["creditAccount"]] = balances.get(t["creditAccount"], 0) + amount
        debit = t["debitAccount"]
        if balances[debit] < 0 and not (debit.startswith("system:external:") or debit.startswith("system:mint:")):
            raise Failed("%s: %s goes below zero" % (where, debit))
        head = e["hash"]
        checked += 1
    if k < len(epochs):
        raise Failed("epoch %d: points at journal position %d past the journal's end"
                     % (epochs[k]["epoch"], epochs[k]["journalSeq"]))
    return checked, k, balances

def main():
    parser = argparse.ArgumentParser(description="Verify a Corral coordinator's public ledger (stdlib only).")
    parser.add_argument("--server", required=True, help="the coordinator's URL")
    parser.add_argument("--ca-file", help="PEM file of the CA (or the coordinator's own tls.crt) for https")
    args = parser.parse_args()
    global CONTEXT
    if args.ca_file:
        CONTEXT = ssl.create_default_context(cafile=args.ca_file)
    try:
        key, epochs, journal = fetch(args.server)
        entries, records, balances = verify(key, epochs, journal)
    except Failed as failure:
        print("ledger verification FAILED at %s" % failure, file=sys.stderr)
        print("checked %d journal entries and %d epoch records before the discrepancy" % (failure.entries,
                                                                                         failure.records))
        return 1
    except (Unreadable, OSError, ValueError, KeyError, TypeError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    print("ledger verified: %d journal entries hash-chained, %d epoch records signed and matching the replayed "
          "balances (%d non-zero balances); every currency sums to zero; IO supply follows the emission schedule "
          "under the cap" % (entries, records, sum(1 for b in balances.values() if b != 0)))
    return 0

if __name__ == "__main__":
    sys.exit(main())
