"""One partition of the simulated ledger: a whole store of its own (one database), with its
global hash chain, a chain per line, an event-id index, an RFC 9162 tree and signed
checkpoints, as interchange.md defines them for one store.

Events are the interchange format's export objects; `hash` = SHA-256(the 32 bytes of
`prevHash` + the canonical JSON of the object without `hash` and `prevHash`), the canonical
JSON being json.dumps(sort_keys, compact separators, ensure_ascii=False), as for a store.
"""

import base64
import datetime
import hashlib
import hmac
import json

from merkle import MerkleLog

ZERO = "0" * 64
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(event):
    """The chain hash of an export object (its own `hash` and `prevHash` left out of the body)."""
    body = {k: v for k, v in event.items() if k not in ("hash", "prevHash")}
    return hashlib.sha256(bytes.fromhex(event["prevHash"]) + canonical(body)).hexdigest()


def timestamp(tick):
    """The store's time format for a moment of the simulation's clock (in ticks of one second,
    fractions to the millisecond): time is passed in, never read."""
    milliseconds = round(tick * 1000)
    moment = EPOCH + datetime.timedelta(milliseconds=milliseconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (milliseconds % 1000)


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def b64_canonical(text):
    """The bytes of standard base64 `text`, or None unless `text` is their one encoding (so
    that no character can change, as in the unused bits of the last one, and still decode alike)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        return None
    return raw if b64(raw) == text else None


class KeyRing:
    """The signing keys. Ed25519 is not in Python's standard library, so a signature is
    modelled as HMAC-SHA256 under a secret, and the key id stands for the public key: a
    verifier here looks the secret up by id, which a real auditor could not (it would hold
    the Ed25519 public key instead). What the simulation needs of a signature holds for
    both: only the key's holder makes one, and any change to the signed bytes breaks it."""

    def __init__(self, seed):
        self._secrets = {}
        self._seed = seed

    def new_key(self, name):
        secret = hashlib.sha256(("subledger simulation key %s %s" % (self._seed, name)).encode()).digest()
        key_id = hashlib.sha256(b"key id" + secret).hexdigest()[:32]
        self._secrets[key_id] = secret
        return key_id

    def sign(self, key_id, message):
        return b64(hmac.new(self._secrets[key_id], message, hashlib.sha256).digest())

    def verifies(self, key_id, message, signature):
        secret = self._secrets.get(key_id)
        raw = b64_canonical(signature) if type(signature) is str else None
        if secret is None or raw is None:
            return False
        return hmac.compare_digest(hmac.new(secret, message, hashlib.sha256).digest(), raw)


def is_hex64(text):
    """Whether `text` is 64 lowercase hex digits: the one spelling of a hash (fromhex also reads capitals)."""
    return type(text) is str and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def checkpoint_note(origin, size, root):
    """A C2SP tlog-checkpoint note body: origin, size, base64 root, each ending in a newline."""
    return "%s\n%d\n%s\n" % (origin, size, b64(root))


def sign_checkpoint(keys, key_id, origin, size, root):
    note = checkpoint_note(origin, size, root)
    return {"origin": origin, "size": size, "rootHash": root.hex(), "note": note,
            "signature": keys.sign(key_id, note.encode("utf-8")), "keyId": key_id}


def checkpoint_problem(keys, checkpoint, key_id=None):
    """Why `checkpoint` is not a well-signed checkpoint (of `key_id`, when given), or None."""
    if not is_hex64(checkpoint.get("rootHash")) or type(checkpoint.get("size")) is not int:
        return "checkpoint's size is not an integer or its rootHash not 64 lowercase hex digits"
    try:
        note = checkpoint_note(checkpoint["origin"], checkpoint["size"], bytes.fromhex(checkpoint["rootHash"]))
    except (KeyError, TypeError, ValueError):
        return "checkpoint is not origin, size and a hex root"
    if checkpoint.get("note") != note:
        return "the note does not say the checkpoint's origin, size and root"
    if key_id is not None and checkpoint.get("keyId") != key_id:
        return "signed by key %s, not %s" % (checkpoint.get("keyId"), key_id)
    if not keys.verifies(checkpoint.get("keyId"), note.encode("utf-8"), checkpoint.get("signature")):
        return "the signature does not verify"
    return None


class Refused(Exception):
    """An append the partition does not make (the line is not here, or moved out)."""


class PartitionLog:
    """One database's log: append is one transaction (all the batch or none of it)."""

    def __init__(self, name):
        self.name = name
        self.events = []
        self.tree = MerkleLog()
        self.by_id = {}  # eventId -> position
        self.heads = {}  # line -> (streamVersion, hash, type) of its last event here

    def __len__(self):
        return len(self.events)

    def copy(self, size=None):
        """A replica holding the first `size` events (all by default): a prefix, as streaming replication keeps."""
        other = PartitionLog(self.name)
        for event in self.events[:len(self.events) if size is None else size]:
            other.apply(event)
        return other

    def apply(self, event):
        """Applies an event made by the primary (a replica's redo): it must link to this log's head."""
        assert event["position"] == len(self.events) + 1, "a replica applies in order"
        assert event["prevHash"] == (self.events[-1]["hash"] if self.events else ZERO), "the chain links"
        self.events.append(event)
        self.tree.append(bytes.fromhex(event["hash"]))
        self.by_id[event["eventId"]] = event["position"]
        self.heads[event["line"]] = (event["streamVersion"], event["hash"], event["type"])

    def event_at(self, position):
        return self.events[position - 1] if 1 <= position <= len(self.events) else None

    def find(self, event_id):
        position = self.by_id.get(event_id)
        return None if position is None else self.events[position - 1]

    def admits(self, fact, staged_heads=None):
        """Why this partition refuses `fact` (its line not here, or moved out), or None.
        `staged_heads` are the heads of the batch's events before it."""
        line = fact["line"]
        head = (staged_heads or {}).get(line, self.heads.get(line))
        if fact["type"] == "LineActivated":
            return None if head is None else "line %s already exists here" % line
        if fact["type"] == "LineMovedIn":
            return None if head is None or head[2] == "LineMovedOut" else "line %s is here" % line
        if head is None:
            return "line %s is not in partition %s" % (line, self.name)
        if head[2] == "LineMovedOut":
            return "line %s moved out of partition %s" % (line, self.name)
        return None

    def append(self, facts, tick, stream_links=None):
        """Records `facts` in one transaction, or none of them (Refused). A fact whose eventId
        is already here is an idempotent retry: its original event is returned, nothing written.
        `stream_links` gives, for a LineMovedIn's eventId, the (streamVersion, hash) its stream
        continues from: the LineMovedOut in the partition the line leaves."""
        staged, results, heads = [], [], {}
        for fact in facts:
            original = self.find(fact["eventId"])
            if original is not None:
                results.append(original)
                continue
            problem = self.admits(fact, heads)
            if problem is not None:
                raise Refused(problem)
            head = heads.get(fact["line"], self.heads.get(fact["line"]))
            if fact["type"] == "LineMovedIn":
                head = stream_links[fact["eventId"]]
            version, stream_prev = (0, ZERO) if head is None else head[:2]
            previous = staged[-1] if staged else (self.events[-1] if self.events else None)
            event = dict(fact, position=len(self.events) + len(staged) + 1, streamVersion=version + 1,
                         recordedAt=timestamp(tick), streamPrevHash=stream_prev)
            event["prevHash"] = previous["hash"] if previous else ZERO
            event["hash"] = event_hash(event)
            heads[fact["line"]] = (event["streamVersion"], event["hash"], event["type"])
            staged.append(event)
            results.append(event)
        for event in staged:
            self.apply(event)
        return results
