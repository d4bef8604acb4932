"""Forges a line export the ways issue 10 names, rehashing what a forger would rehash.

    python3 tools/forge_export.py KIND EXPORT.jsonl FORGED.jsonl

KIND: changed-one (an amount changed, only its own hash recomputed), changed-all (the same,
and every later event relinked and rehashed), dropped, reordered, appended (a forged payment
after the proven last event). Used by tools/forgeries.sh; the verifiers must refuse each.
"""
import hashlib, json, sys
ZERO = "0" * 64
def canon(e):
    o = {k: v for k, v in e.items() if k not in ("hash", "prevHash", "disclosures")}
    return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
def rehash(events):
    """Relinks a filtered (one-line) export as a forger would: each prevHash kept except where
    the event before in the file is the one before in the log; streamPrevHash and hash recomputed."""
    prev_in_stream = {}
    for i, e in enumerate(events):
        s = e.get("line") or e.get("subscriber")
        if s in prev_in_stream:
            e["streamPrevHash"] = prev_in_stream[s]
        if i > 0 and events[i - 1]["position"] == e["position"] - 1:
            e["prevHash"] = events[i - 1]["hash"]
        e["hash"] = hashlib.sha256(bytes.fromhex(e["prevHash"]) + canon(e)).hexdigest()
        prev_in_stream[s] = e["hash"]
    return events
def load(p): return [json.loads(l) for l in open(p)]
def save(p, ev):
    with open(p, "w") as f:
        for e in ev: f.write(json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
kind, src, dst = sys.argv[1:4]
ev = load(src)
if kind == "changed-one":       # change an amount, recompute that event's hash only
    ev[4]["data"]["amount"] = 1; e = ev[4]
    e["hash"] = hashlib.sha256(bytes.fromhex(e["prevHash"]) + canon(e)).hexdigest()
elif kind == "changed-all":     # change an amount and rehash every event after it
    ev[4]["data"]["amount"] = 1; rehash(ev)
elif kind == "dropped":
    del ev[4]; rehash(ev)
elif kind == "reordered":
    ev[4], ev[5] = ev[5], ev[4]
    ev[4]["position"], ev[5]["position"] = ev[5]["position"], ev[4]["position"]
    ev[4]["streamVersion"], ev[5]["streamVersion"] = ev[5]["streamVersion"], ev[4]["streamVersion"]
    rehash(ev)
elif kind == "appended":        # a forged payment after the proven last event
    extra = dict(ev[-1]); extra["position"] += 1; extra["streamVersion"] += 1
    extra["type"] = "PaymentReceived"; extra["data"] = {"amount": 315000, "method": "cash", "paymentId": "P-FORGED"}
    extra["prevHash"] = ev[-1]["hash"]; extra["streamPrevHash"] = ev[-1]["hash"]; extra["eventId"] = "9b2f6a1e-0000-4000-8000-000000000001"
    ev.append(extra); rehash(ev)
save(dst, ev)
