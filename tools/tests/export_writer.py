#!/usr/bin/env python3
"""A tiny export writer for testing tools/verify_export.py, independent of its code.

It turns INPUT events (interchange.md: type, line or subscriber, occurredAt, data, optional
metadata / recordedAt / eventId) into OUTPUT events of format 2 the way the store would: it
assigns position, streamVersion, recordedAt, eventId, metadata and streamPrevHash, replaces
the personal fields of SubscriberRegistered (name, nationalId) by commitments
SHA-256(salt + value) (with `disclose`, it adds their `disclosures`), then chains them with
hash = SHA-256(bytes of prevHash + canonical JSON of the event without hash, prevHash and
disclosures). It also builds what proves an export (interchange.md, "Checkpoints and
proofs"): the RFC 9162 Merkle tree by its recursive definitions (MTH, PATH, PROOF of
section 2.1), and checkpoints signed with Ed25519 by RFC 8032 section 5.1.6, in affine
coordinates: written apart from the verifier's code, so that each checks the other.

The values it assigns are synthetic (recordedAt = occurredAt, deterministic eventIds and
salts), so the hashes are NOT those a real `subledger export` prints for the same input;
they are valid chains, which is all a verifier test needs.

    python3 export_writer.py INPUT.jsonl > EXPORT.jsonl
"""

import base64
import copy
import hashlib
import json
import re
import sys
import uuid

ZERO = "0" * 64
_SAMPLE_NAMESPACE = uuid.UUID("6f1c2a9e-3b7d-4e55-9a41-0c2d8e7f1b36")
# RET-1: the members of `data` that hold personal data, by event type.
PERSONAL_FIELDS = {"SubscriberRegistered": ("name", "nationalId")}


def canonical_bytes(event, ensure_ascii=False):
    """interchange.md's canonical form, spelled out as the spec spells it."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=ensure_ascii).encode("utf-8")


def chain_hash(prev_hash, event, ensure_ascii=False):
    body = {key: value for key, value in event.items() if key not in ("hash", "prevHash", "disclosures")}
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(body, ensure_ascii)).hexdigest()


def output_time(text):
    """RFC 3339 UTC "...Z" -> the output form YYYY-MM-DDTHH:MM:SS.sssZ."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,3})\d*)?Z", text)
    if match is None:
        raise ValueError("not an RFC 3339 UTC time: %r" % text)
    return "%s.%sZ" % (match.group(1), (match.group(2) or "").ljust(3, "0"))


def salt_for(event_id, field):
    """A deterministic 32-byte salt (the store's is pseudorandom, from the subject's key)."""
    return hashlib.sha256(("export_writer salt:%s:%s" % (event_id, field)).encode("utf-8")).digest()


def commit(salt, value):
    return {"commitment": hashlib.sha256(salt + value.encode("utf-8")).hexdigest()}


def build_export(inputs, start_position=1, prev_hash=ZERO, ensure_ascii=False, after=(), disclose=False,
                 format=2):
    """Output events (dicts, field order as a store might write them) for these inputs;
    `after`: the events before them, whose streams' versions (and chains) they continue.
    `format=1` writes the events of an export made before `subledger migrate`: no
    streamPrevHash, personal data in clear."""
    events = []
    versions, stream_hashes = {}, {}
    for earlier in after:
        stream = ("line", earlier["line"]) if "line" in earlier else ("subscriber", earlier["subscriber"])
        versions[stream] = earlier["streamVersion"]
        stream_hashes[stream] = earlier["hash"]
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
        disclosures = {}
        if format == 2:
            event["streamPrevHash"] = stream_hashes.get(stream, ZERO)
            for field in PERSONAL_FIELDS.get(event["type"], ()):
                value = event["data"].get(field)
                if type(value) is str:
                    salt = salt_for(event["eventId"], field)
                    event["data"] = dict(event["data"], **{field: commit(salt, value)})
                    disclosures["data." + field] = {"salt": salt.hex(), "value": value}
        event["prevHash"] = prev_hash
        event["hash"] = chain_hash(prev_hash, event, ensure_ascii)
        if disclose and disclosures:
            event["disclosures"] = disclosures
        prev_hash = event["hash"]
        stream_hashes[stream] = event["hash"]
        events.append(event)
    return events


# --- the Merkle tree of RFC 9162 section 2.1, by its recursive definitions ----------------

def leaf_hashes(events):
    return [hashlib.sha256(b"\x00" + bytes.fromhex(event["hash"])).digest() for event in events]


def _split(n):
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    """MTH(D[n]) over leaf hashes (the leaves' own hashing is done by leaf_hashes)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def inclusion_path(m, leaves):
    """PATH(m, D[n]), section 2.1.3.1."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def _subproof(m, leaves, whole):
    """SUBPROOF(m, D[n], b), section 2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = _split(n)
    if m <= k:
        return _subproof(m, leaves[:k], whole) + [mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def inclusion_proof(events, position, size):
    """`prove POSITION --size SIZE --json` for these events (the log's first `size`)."""
    leaves = leaf_hashes(events[:size])
    return {"leafIndex": position - 1, "treeSize": size, "rootHash": mth(leaves).hex(),
            "path": [node.hex() for node in inclusion_path(position - 1, leaves)]}


def consistency_proof(events, old_size, new_size):
    """`prove --consistency OLD NEW --json`: PROOF(m, D[n]) = SUBPROOF(m, D[n], true)."""
    leaves = leaf_hashes(events[:new_size])
    return {"fromSize": old_size, "toSize": new_size,
            "path": [node.hex() for node in _subproof(old_size, leaves, True)]}


# --- Ed25519 signing (RFC 8032 section 5.1.6), affine coordinates --------------------------

_Q = 2 ** 255 - 19
_ORDER = 2 ** 252 + 27742317777372353535851937790883648493
_CURVE_D = (-121665 * pow(121666, _Q - 2, _Q)) % _Q
_BASE_Y = 4 * pow(5, _Q - 2, _Q) % _Q


def _recover_x(y, sign):
    xx = (y * y - 1) * pow(_CURVE_D * y * y + 1, _Q - 2, _Q) % _Q
    x = pow(xx, (_Q + 3) // 8, _Q)
    if (x * x - xx) % _Q:
        x = x * pow(2, (_Q - 1) // 4, _Q) % _Q
    if x % 2 != sign:
        x = _Q - x
    return x


_BASE_POINT = (_recover_x(_BASE_Y, 0), _BASE_Y)


def _edwards_add(one, two):
    (x1, y1), (x2, y2) = one, two
    t = _CURVE_D * x1 * x2 * y1 * y2 % _Q
    return ((x1 * y2 + x2 * y1) * pow(1 + t, _Q - 2, _Q) % _Q,
            (y1 * y2 + x1 * x2) * pow(1 - t, _Q - 2, _Q) % _Q)


def _scalar_mult(point, scalar):
    result = (0, 1)
    for bit in bin(scalar)[2:]:
        result = _edwards_add(result, result)
        if bit == "1":
            result = _edwards_add(result, point)
    return result


def _encode_point(point):
    x, y = point
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _secret_scalar(seed):
    digest = hashlib.sha512(seed).digest()
    a = int.from_bytes(digest[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, digest[32:]


def public_key(seed):
    """The 32-byte public key of a 32-byte Ed25519 seed (the key file's signingKey)."""
    return _encode_point(_scalar_mult(_BASE_POINT, _secret_scalar(seed)[0]))


def sign(seed, message):
    """The 64-byte Ed25519 signature of `message` (bytes)."""
    a, prefix = _secret_scalar(seed)
    key = public_key(seed)
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % _ORDER
    encoded_r = _encode_point(_scalar_mult(_BASE_POINT, r))
    k = int.from_bytes(hashlib.sha512(encoded_r + key + message).digest(), "little") % _ORDER
    return encoded_r + ((r + k * a) % _ORDER).to_bytes(32, "little")


# --- checkpoints and proof files, as `checkpoint --json` and `export --proof` write them --

SEED = hashlib.sha256(b"export_writer signing key").digest()
ORIGIN = "subledger/6f1c2a9e-3b7d-4e55-9a41-0c2d8e7f1b36"


def checkpoint(events, size, seed=SEED, origin=ORIGIN, extensions=()):
    """A checkpoint of the log's first `size` events, signed with `seed`."""
    root = mth(leaf_hashes(events[:size]))
    note = "%s\n%d\n%s\n" % (origin, size, base64.b64encode(root).decode("ascii"))
    note += "".join(line + "\n" for line in extensions)
    return {"origin": origin, "size": size, "rootHash": root.hex(), "note": note,
            "signature": base64.b64encode(sign(seed, note.encode("utf-8"))).decode("ascii"),
            "publicKey": base64.b64encode(public_key(seed)).decode("ascii")}


def proof_file(log, position, size=None, seed=SEED):
    """What `export --proof FILE` writes for an export whose last event is at `position`,
    `log` being the whole log (a checkpoint of its first `size` events, default all)."""
    size = len(log) if size is None else size
    return {"checkpoint": checkpoint(log, size, seed), "inclusion": inclusion_proof(log, position, size)}


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
