#!/usr/bin/env python3
"""A tiny export writer for testing tools/verify_export.py, independent of its code.

It turns INPUT events (interchange.md: type, line or subscriber, occurredAt, data, optional
metadata / recordedAt / eventId) into OUTPUT events the way the store would: it assigns
position, streamVersion, recordedAt, eventId and metadata, then chains them with
hash = SHA-256(bytes of prevHash + canonical JSON of the event without hash and prevHash).

The values it assigns are synthetic (recordedAt = occurredAt, deterministic eventIds), so
the hashes are NOT those a real `subledger export` prints for the same input; they are
valid chains, which is all a verifier test needs.

    python3 export_writer.py INPUT.jsonl > EXPORT.jsonl
"""

import copy
import hashlib
import json
import re
import sys
import uuid

ZERO = "0" * 64
_SAMPLE_NAMESPACE = uuid.UUID("6f1c2a9e-3b7d-4e55-9a41-0c2d8e7f1b36")


def canonical_bytes(event, ensure_ascii=False):
    """interchange.md's canonical form, spelled out as the spec spells it."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=ensure_ascii).encode("utf-8")


def chain_hash(prev_hash, event, ensure_ascii=False):
    body = {key: value for key, value in event.items() if key not in ("hash", "prevHash")}
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(body, ensure_ascii)).hexdigest()


def output_time(text):
    """RFC 3339 UTC "...Z" -> the output form YYYY-MM-DDTHH:MM:SS.sssZ."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,3})\d*)?Z", text)
    if match is None:
        raise ValueError("not an RFC 3339 UTC time: %r" % text)
    return "%s.%sZ" % (match.group(1), (match.group(2) or "").ljust(3, "0"))


def build_export(inputs, start_position=1, prev_hash=ZERO, ensure_ascii=False, after=()):
    """Output events (dicts, field order as a store might write them) for these inputs;
    `after`: the events before them, whose streams' versions they continue."""
    events = []
    versions = {}
    for earlier in after:
        stream = ("line", earlier["line"]) if "line" in earlier else ("subscriber", earlier["subscriber"])
        versions[stream] = earlier["streamVersion"]
    last_recorded = ""
    for offset, source in enumerate(inputs):
        source = copy.deepcopy(source)  # callers tamper with the result; keep their inputs intact
        position = start_position + offset
        stream = ("line", source["line"]) if "line" in source else ("subscriber", source["subscriber"])
        versions[stream] = versions.get(stream, 0) + 1
        recorded = output_time(source.get("recordedAt", source["occurredAt"]))
        recorded = max(recorded, last_recorded)
        last_recorded = recorded
        event = {"type": source["type"], stream[0]: stream[1],
                 "occurredAt": output_time(source["occurredAt"]),
                 "data": source["data"],
                 "metadata": source.get("metadata", {"actor": "test", "source": "export_writer"}),
                 "position": position,
                 "streamVersion": versions[stream],
                 "recordedAt": recorded,
                 "eventId": source.get("eventId", str(uuid.uuid5(_SAMPLE_NAMESPACE, str(position))))}
        event["prevHash"] = prev_hash
        event["hash"] = chain_hash(prev_hash, event, ensure_ascii)
        prev_hash = event["hash"]
        events.append(event)
    return events


def jsonl(events, compact=False):
    """JSON Lines bytes, keys in insertion order (not sorted). By default also with spaces,
    deliberately not canonical: a verifier must hash the canonical form, not the line."""
    separators = (",", ":") if compact else (", ", ": ")
    return "".join(json.dumps(event, ensure_ascii=False, separators=separators) + "\n"
                   for event in events).encode("utf-8")


def main(argv):
    if len(argv) != 2:
        print("usage: export_writer.py INPUT.jsonl  (writes the export to stdout)", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as stream:
        inputs = [json.loads(line) for line in stream if line.strip()]
    sys.stdout.buffer.write(jsonl(build_export(inputs), compact=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
