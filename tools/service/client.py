"""A stdlib-only client of `subledger serve`: append, follow, verify (docs/service.md)."""
import hashlib, json, sys, urllib.request

URL, KEY = sys.argv[1], sys.argv[2]  # http://127.0.0.1:8080 and an API key's secret


def call(path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(URL + path, data, {"Authorization": "Bearer " + KEY,
                                                        "Content-Type": "application/json"})
    return urllib.request.urlopen(request)


print(json.load(call("/v1/facts", {"facts": [json.loads(line) for line in sys.stdin if line.strip()]})))
previous, count = "0" * 64, 0
for raw in call("/v1/subscribe?from=1"):  # Server-Sent Events: "id: N", "event: fact", "data: LINE"
    if not raw.startswith(b"data: "):
        continue
    event = json.loads(raw[6:])
    body = {k: v for k, v in event.items() if k not in ("hash", "prevHash", "disclosures")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(bytes.fromhex(previous) + canonical).hexdigest()
    assert event["prevHash"] == previous and event["hash"] == digest, f"position {event['position']} does not chain"
    previous, count = event["hash"], count + 1
    print("verified position", event["position"], event["type"])
    if event["position"] == json.load(call("/health"))["head"]:
        break
