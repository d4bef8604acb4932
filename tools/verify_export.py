#!/usr/bin/env python3
"""Check a subledger export (JSON Lines or CSV) and its proofs: a standalone verifier for auditors.

    python3 verify_export.py EXPORT.jsonl          # or "-" to read standard input
    python3 verify_export.py --json EXPORT.jsonl   # one JSON object instead of a line of text
    python3 verify_export.py --filtered RANGE-EXPORT.jsonl
    python3 verify_export.py --complete-streams LINE-EXPORT.jsonl
    python3 verify_export.py --filtered LINE-EXPORT.jsonl --proof PROOF.json --public-key KEY
    python3 verify_export.py --consistency KEPT.json NEW.json CONSISTENCY.json
    python3 verify_export.py --anchor HEAD_HASH_YOU_KEPT EXPORT.jsonl
    python3 verify_export.py --format 1 OLD-EXPORT.jsonl   # made before subledger migrate

Python 3 standard library only, in one file; nothing is imported from subledger (Ed25519 is
written out below, RFC 8032 section 5.1.7). The format is format 2 of interchange.md
("Events as JSON Lines", "The hash chain", "Personal data", "Checkpoints and proofs"): one
event per line, each a JSON object carrying, besides the fact itself, `position`,
`streamVersion`, `recordedAt`, `prevHash`, `streamPrevHash` and `hash`, and, in an export
made with --disclose, `disclosures`. docs/auditors.md says what each check proves.

WHAT IS CHECKED, event by event, in file order (the first failure is reported, with the
event's `position` and its line number in the file):

 1. The line is UTF-8 and holds exactly one JSON object. Every number is an integer (a
    fraction, an exponent, NaN or Infinity is refused), no object repeats a key, and no
    string holds an unpaired UTF-16 surrogate: anything else has no single canonical form.
    Empty lines are allowed only at the end of the file. How a line is written does not
    matter (key order, spaces, escaped or raw non-ASCII letters, a CR before the LF): the
    canonical form is recomputed from the parsed values.
 2. `hash`, `prevHash` and `streamPrevHash` are 64 lowercase hex digits (an export of
    format 1, --format 1, has no `streamPrevHash`); `position` is a positive integer;
    `recordedAt` is an RFC 3339 time.
 3. The event's own hash: `hash` == SHA-256(the 32 bytes that `prevHash` spells, followed by
    the canonical JSON of the event without `hash`, `prevHash` and `disclosures`), where
    canonical JSON is
    json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False) in UTF-8
    (RFC 8785 for objects whose numbers are all integers). Since the position, the times,
    the event id and every field of `data` and `metadata` are inside the hashed bytes,
    a change to any of them after the hash was computed shows here.
 3b. Disclosures (optional on each event): each key is a path such as `data.name` whose
    value in the event is {"commitment": HEX}, each value {"salt": HEX, "value": TEXT},
    and SHA-256(the salt's 32 bytes + the value's UTF-8) must be HEX. A disclosure of a
    path that holds no commitment, or one that does not open it, is named by its path
    (never by its value, which is personal data).
 4. The links: `positions` strictly increase along the file (a position that is not above
    the one before is reported as out of order), the event at position 1 (and only that
    one) has a `prevHash` of 64 zeros, and whenever an event follows position n with
    position n + 1 its `prevHash` equals the `hash` of position n. An event changed,
    removed, inserted or moved inside a run of consecutive positions therefore breaks the
    chain, unless every hash after it was recomputed as well (see below).
 5. By default the file must be a WHOLE-LOG export: it starts at position 1 and has no gap
    in positions, so a deleted event is reported at the position after it (and a swapped
    pair, ... n, n + 2, n + 1 ..., as out of order at n + 1). A filtered export
    (`subledger export --line ...`, or a time range) legitimately skips positions: pass
    --filtered (or --complete-streams) to accept gaps. Then only the events' own hashes
    and the links between consecutive positions are checked; nothing can be said across
    a gap.
 6. `recordedAt` never decreases as the position increases (across gaps too).
 7. Each stream's chain. The stream of an event is its one top-level field besides the
    common ones (`line`, `subscriber`, ...), a string; `streamVersion` is a positive
    integer. Wherever the file holds a stream's events, whole-log or --filtered, its
    versions step by one and each event's `streamPrevHash` is the `hash` of the stream's
    event before it (64 zeros at version 1, and only there). So in a line's export, whose
    positions have gaps, an event changed (its hash recomputed), dropped, inserted or
    moved between the first and the last exported is named at the stream's next event. A
    stream's first event in a filtered export may have any version, unless every position
    before it is in the file or --complete-streams (an export of whole streams: `export
    --line` or `--subscriber` without --from/--to, which says "complete: ..." when it
    writes one) says every stream starts at 1. --allow-version-gaps (a time range, which
    leaves out an event that occurred outside it though recorded between two inside it)
    accepts a skip across a gap in positions, counted (`versionGaps`) and noted on
    stderr; the chain is not checked across it. In format 1 (--format 1) there is no
    `streamPrevHash`, and --filtered accepts such skips, as before format 2.
 8. With --anchor HASH (repeatable): some event in the file has that hash. Keep the head
    hash printed by an earlier verification; if a later whole-log export still contains
    it, nothing at or before that position was changed, removed or inserted since. An
    empty file fails every anchor. (A kept checkpoint, 10, proves more.)
 9. With --proof FILE, after a good chain: FILE is {"checkpoint": {origin, size, rootHash,
    note, signature, publicKey}, "inclusion": {leafIndex, treeSize, rootHash, path}}, as
    `subledger export --proof` writes it. The note must be "<origin>\n<size>\n<base64 of
    the root>\n" followed by any non-empty extension lines, each ending in "\n"; the
    signature (base64, 64 bytes) must be the Ed25519 signature of the note's UTF-8 bytes
    under publicKey (base64, 32 bytes), which --public-key BASE64 pins to the operator's;
    the inclusion proof must be of the checkpoint's size and root, for leafIndex = the
    file's last position - 1, and its path must lead (RFC 9162 section 2.1.3.2) from the
    leaf hash SHA-256(0x00 + the 32 bytes of the last event's hash) to the root, each
    node SHA-256(0x01 + left + right). Then the file's last event is in the signed log at
    its position, and, by 7, so is every event of its stream from the first exported on.
    With --checkpoint KEPT.json (repeatable; a checkpoint as `checkpoint --json` prints it,
    or a proof file holding one), for a whole-log export: the checkpoint is checked as
    above (note, signature, pinned key), and the Merkle root of the file's first `size`
    events, computed here from their hashes (RFC 9162's MTH, one hash kept per level),
    must be its root; a file that ends before that size fails too. No proof from the
    operator is needed: a log rewritten anywhere before a kept size, or cut short of it,
    is named at the position of that size.
10. With --consistency OLD NEW PROOF (with or without an export FILE): two checkpoints
    (each as `checkpoint --json` prints it, or a proof file holding one) and a consistency
    proof {fromSize, toSize, path} (`prove --consistency M N --json`): both signatures
    verify (and are by the pinned key), both are of one origin and key, the sizes are
    the proof's, and the path proves (RFC 9162 section 2.1.4.2) that the newer tree
    extends the older: nothing up to the older size was rewritten since it was kept.

WHAT IS NOT CHECKED, and cannot be from the file alone:

 - A chain that was rewritten from some event onward, every later hash recomputed, is
   exactly as valid as the original: SHA-256 is a fingerprint, not a signature, and anyone
   can compute it. With --proof the last event is tied to a checkpoint signed by the
   operator's key, but an operator who rewrites its whole log can sign a new checkpoint
   over it: only a checkpoint kept before the rewrite (10), or a head hash (8), reveals it.
 - Events removed from the END of the file leave a valid, shorter chain; only --proof
   (the proof names the last event) or a kept head hash reveals that. Whether a stream has
   events in the log after the last one exported: the checkpoint's size says only that the
   log goes on.
 - In --filtered mode: whether the events of other streams skipped by the filter exist or
   are unchanged; what came before a stream's first event in the file (without
   --complete-streams); across a skip accepted by --allow-version-gaps. In format 1
   (--format 1), anything across a gap in positions.
 - An empty file: nothing in it is wrong, so the exit status is 0 without --anchor, but it
   proves nothing, and says so ("0 events: an empty file proves nothing"; "empty": true).
 - The meaning of the events: event types, required fields, amounts, uniqueness of
   `eventId`, the format of `occurredAt`, and every business rule. Those are
   `subledger import` and `subledger audit`'s business, not the chain's. Nor whether the
   personal fields are commitments: a value in clear is hashed as any other.
 - In a CSV export, nothing beyond what its rows carry: each row is checked as the JSON
   line of its event (the columns before the amounts), and its amount columns against its
   `data` cell (see CSV below).

CSV. A file named .csv, or whose first line is the header row of `subledger export --format
csv` (format 2: with a `streamPrevHash` column after `prevHash`; or format 1's), is read as
CSV (RFC 4180; a quoted cell may span lines): each row after the header becomes the JSON
object of its event (`streamCategory: streamId` as the stream field, `metadata` and `data`
as the JSON they hold) and goes through every step above; then each
amount column (amount, total, price, value, fee, connectionFee, vanityPremium,
reconnectionFee) must hold data's integer of that name, or be empty when data has none. A
fault names the row as a spreadsheet counts it (the header is row 1) and, for a cell, its
column: "bad: position P (row R, column C): REASON"; --json adds "column".

Numbers: interchange.md defines canonical JSON by Python's json.dumps for integer-only
objects, and this verifier follows it. (RFC 8785 itself would print integers beyond
+/-2**53 differently, but the store refuses numbers beyond 64 bits and writes whole
numbers in plain decimal, as json.dumps does.)

OUTPUT. On success, to stdout, exit status 0:
    ok: N events, positions A..B, head HASH
    proof: ok: position B is in the checkpoint of size S (root R) of ORIGIN, signed by KEY  (--proof)
    checkpoint: ok: positions 1..S have the root R of the kept checkpoint of ORIGIN, signed by KEY
                                                      (--checkpoint, one line each)
    0 events: an empty file proves nothing            (an empty file, without --anchor)
    ok: the checkpoint of size M (root R) is extended by the checkpoint of size N (root R2); origin O, key K
                                                      (--consistency, after the file's lines)
On the first failure, to stdout, exit status 1:
    bad: position P (file line L): REASON            ("position ?" when it is unreadable)
    bad: anchor HASH not found in the export         (--anchor, after a valid chain)
    bad: anchor HASH not found: the file holds no event
    bad: proof FILE: [checkpoint: | inclusion: ]REASON   (--proof, after a valid chain)
    bad: position P (file line L): checkpoint FILE: REASON  (--checkpoint: the root at its size)
    bad: checkpoint FILE: REASON / bad: consistency proof FILE: REASON  (--consistency)
With --filtered and gaps present, notes on stderr say how many gaps were not checked and
how many times stream versions skipped across them.
With --json, one JSON object instead:
    {"ok": bool, "events": N, "firstBadPosition": P or null, "line": L or null,
     "reason": str or null, "head": HASH or null,
     "firstPosition": A or null, "lastPosition": B or null, "gaps": G,
     "versionGaps": V, "empty": bool, "column": C or null}
and, only where they apply (so that otherwise the object is `subledger verify FILE --json`'s):
     "disclosures": D (when the file has disclosures),
     "proof": {"origin", "size", "rootHash", "publicKey", "leafIndex"} or null (with --proof),
     "checkpoints": [{"origin", "size", "rootHash", "publicKey"}, ...] (with --checkpoint)
where, on failure, N, head, firstPosition and lastPosition describe the events verified
before the failure, "empty" is true when the file holds no event at all, and D counts the
disclosures checked. With --consistency the object also has "consistency": {"ok",
"reason", and, when ok, "origin", "publicKey", "fromSize", "fromRootHash", "toSize",
"toRootHash"}; that object alone when no FILE is given. Usage errors (no such file,
unreadable file, a bad option value) go to stderr, exit 2.

The file is read line by line; memory grows with the number of streams in it (step 7
keeps each stream's last version), not with the number of events.
"""

import argparse
import base64
import binascii
import datetime
import functools
import hashlib
import itertools
import json
import re
import sys

ZERO_HASH = "0" * 64
# An empty file (or one of empty lines only) is not bad, but shows nothing: no event, no head.
EMPTY_TEXT = "0 events: an empty file proves nothing"

_HEX64 = re.compile(r"[0-9a-f]{64}")
# re.ASCII: \d must not match other scripts' digits (times are compared as text).
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII)
_STORE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", re.ASCII)  # what output writes
_JSON_WHITESPACE = " \t\r\n"


class _Bad(Exception):
    """A failure found while parsing one line (the position is added by the caller)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Result:
    """What a verification found. `ok` is False as soon as `reason` is set."""

    def __init__(self):
        self.ok = True
        self.events = 0
        self.first_position = None
        self.last_position = None
        self.head = None
        self.gaps = 0
        self.version_gaps = 0
        self.disclosures = 0  # disclosures checked against their commitments
        self.proof = None  # what a --proof file proved: origin, size, rootHash, publicKey, leafIndex
        self.kept = []  # the --checkpoint files whose root the file's first events have
        self.proving = self.keeping = False  # whether --proof, --checkpoint were given
        self.bad_position = None
        self.bad_line = None
        self.reason = None
        self.column = None  # a CSV export's column at fault
        self.label = "file line"  # what bad_line counts: "row" in a CSV export (header: row 1)

    def fail(self, position, line, reason, column=None):
        self.ok = False
        self.bad_position = position
        self.bad_line = line
        self.reason = reason
        self.column = column
        return self

    def text(self):
        if not self.ok:
            if self.bad_line is None:
                return "bad: " + self.reason
            where = "?" if self.bad_position is None else str(self.bad_position)
            column = "" if self.column is None else ", column %s" % self.column
            return "bad: position %s (%s %d%s): %s" % (where, self.label, self.bad_line, column, self.reason)
        if self.events == 0:
            return EMPTY_TEXT
        text = "ok: %d events, positions %d..%d, head %s" % (
            self.events, self.first_position, self.last_position, self.head)
        if self.proof is not None:
            text += "\nproof: ok: position %d is in the checkpoint of size %d (root %s) of %s, signed by %s" % (
                self.last_position, self.proof["size"], self.proof["rootHash"], self.proof["origin"],
                self.proof["publicKey"])
        for kept in self.kept:
            text += "\ncheckpoint: ok: positions 1..%d have the root %s of the kept checkpoint of %s, signed by %s" % (
                kept["size"], kept["rootHash"], kept["origin"], kept["publicKey"])
        return text

    def as_json(self):
        """The --json object. `disclosures`, `proof` and `checkpoints` are there only when
        the file had disclosures, --proof or --checkpoint was given: otherwise the object
        is member for member what `subledger verify FILE --json` prints."""
        document = {
            "ok": self.ok,
            "events": self.events,
            "firstBadPosition": self.bad_position,
            "line": self.bad_line,
            "reason": self.reason,
            "head": self.head,
            "firstPosition": self.first_position,
            "lastPosition": self.last_position,
            "gaps": self.gaps,
            "versionGaps": self.version_gaps,
            "empty": self.empty(),
            "column": self.column,
        }
        if self.disclosures:
            document["disclosures"] = self.disclosures
        if self.proof is not None or self.proving:
            document["proof"] = self.proof
        if self.kept or self.keeping:
            document["checkpoints"] = self.kept
        return document

    def empty(self):
        """Whether the file held no event at all (only an anchor can fail such a file)."""
        return self.events == 0 and (self.ok or self.bad_line is None)

    def notes(self):
        """What was accepted but not checked, for stderr (after a good verdict only)."""
        if not self.ok:
            return []
        notes = []
        if self.gaps:
            notes.append("note: %d gap%s in positions; the chain was not checked across %s"
                         % (self.gaps, "" if self.gaps == 1 else "s", "it" if self.gaps == 1 else "them"))
        if self.version_gaps:
            notes.append("note: stream versions skip across a gap in positions %d time%s (a time-range export may "
                         "skip; an export of whole streams may not: check it with --complete-streams)"
                         % (self.version_gaps, "" if self.version_gaps == 1 else "s"))
        if self.disclosures:
            notes.append("note: %d disclosure%s checked against %s commitment%s" % (
                self.disclosures, "" if self.disclosures == 1 else "s", "its" if self.disclosures == 1 else "their",
                "" if self.disclosures == 1 else "s"))
        return notes


# --- parsing -------------------------------------------------------------------------------

def _reject_float(literal):
    raise _Bad("number is not an integer: %s" % _short(literal))


def _reject_constant(literal):
    raise _Bad("number is not an integer: %s" % literal)


def _unique_keys(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _Bad("duplicate key %s" % _short(json.dumps(key)))
            seen.add(key)
    return obj


_DECODER = json.JSONDecoder(
    parse_float=_reject_float, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
_DECODE = _DECODER.decode
_SCAN = _DECODER.scan_once  # the C scanner: decode() without its Python-level wrapping
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _fast_canonical():
    """The C encoder of _CANONICAL, built once instead of once per event (speed only).
    It is a private interface of the json module, so it is used only if it exists and
    agrees with _CANONICAL on a probe; otherwise _CANONICAL is used."""
    make = getattr(json.encoder, "c_make_encoder", None)
    basestring = getattr(json.encoder, "c_encode_basestring", None)
    if make is None or basestring is None:
        return _CANONICAL
    try:
        encoder = make(None, None, basestring, None, ":", ",", True, False, True)
        fast = lambda value: "".join(encoder(value, 0))
        probe = {"b": [1, -2, True, None, {"\u00e9\n\"": "\u0631\x7f\x01"}], "a": {}, "\U0001f600": ""}
        if fast(probe) == _CANONICAL(probe):
            return fast
    except Exception:  # noqa: BLE001 - any surprise means: use the public interface
        pass
    return _CANONICAL


_CANONICAL_FAST = _fast_canonical()


def _parse_slow(text):
    """Parses a line the fast path refused, and says why it is bad if it is: returns
    (value, None) if it parses (whatever the value), (None, None) for an empty line,
    or (None, (position or None, reason))."""
    try:
        return _DECODE(text), None
    except _Bad as bad:
        return None, (_salvage_position(text), bad.reason)
    except json.JSONDecodeError as error:
        if not text.strip(_JSON_WHITESPACE):
            return None, None
        if text.startswith("\ufeff"):
            return None, (None, "malformed JSON: starts with a byte order mark")
        return None, (None, "malformed JSON: %s at column %d" % (error.msg, error.colno))
    except (ValueError, RecursionError) as error:  # e.g. an integer of thousands of digits
        return None, (None, "malformed JSON: %s" % _short(str(error)))


def _short(text, limit=60):
    return text if len(text) <= limit else text[:limit] + "..."


def _salvage_position(text):
    """The top-level `position` of a line refused for its content, if it is unambiguous."""
    try:
        top = json.loads(text, object_pairs_hook=lambda pairs: pairs)
    except (ValueError, RecursionError):
        return None
    if not isinstance(top, list):
        return None
    values = [pair[1] for pair in top if isinstance(pair, tuple) and pair[0] == "position"]
    if len(values) == 1 and type(values[0]) is int and values[0] >= 1:
        return values[0]
    return None


@functools.lru_cache(maxsize=4096)
def _valid_date(day):
    try:
        datetime.date(int(day[0:4]), int(day[5:7]), int(day[8:10]))
        return True
    except ValueError:
        return False


def _time_key(value):
    """A key that orders RFC 3339 times by instant, or None if `value` is not one.

    The key is (UTC "YYYY-MM-DDTHH:MM:SS", fraction digits without trailing zeros): digit
    strings compare as decimal fractions once their trailing zeros are gone."""
    if type(value) is not str:
        return None
    match = _RFC3339.fullmatch(value)
    if match is None:
        return None
    day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if not _valid_date(day) or hour > "23" or minute > "59" or second > "60":
        return None
    fraction = (fraction or "").rstrip("0")
    if zulu:
        return ("%sT%s:%s:%s" % (day, hour, minute, second), fraction)
    if off_h > "23" or off_m > "59":
        return None
    leap = second == "60"
    local = datetime.datetime(int(day[0:4]), int(day[5:7]), int(day[8:10]),
                              int(hour), int(minute), 59 if leap else int(second))
    offset = datetime.timedelta(hours=int(off_h), minutes=int(off_m))
    utc = local - offset if sign == "+" else local + offset
    stamp = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if leap:
        stamp = stamp[:-2] + "60"
    return (stamp, fraction)


_MISSING = object()


def _hex_problem(stored_hash, prev):
    for field, value in (("hash", stored_hash), ("prevHash", prev)):
        if value is _MISSING:
            return "%s is missing" % field
        if type(value) is not str or _HEX64.fullmatch(value) is None:
            return "%s is not 64 lowercase hex digits" % field
    raise AssertionError("no problem with the hashes")


# --- verification --------------------------------------------------------------------------

class Checks:
    """What the caller asks of a file: the command line's options, in one value.

    `complete_streams` also accepts gaps in positions (as `filtered` does); `format` is 2
    (the default: every event carries `streamPrevHash`) or 1 (an export made before
    `subledger migrate`, whose events have no chain per stream); `version_gaps` accepts a
    stream whose versions skip across a gap in positions (a time range that leaves out an
    event recorded late), counting each skip instead of failing it."""

    def __init__(self, filtered=False, anchors=(), complete_streams=False, format=2, version_gaps=False, kept=()):
        self.kept = tuple(kept)  # (file name, Checkpoint) of --checkpoint: the tree of the file's first events
        self.filtered = filtered or complete_streams or version_gaps
        self.anchors = tuple(anchors)
        self.complete_streams = complete_streams
        self.format = format
        self.version_gaps = version_gaps and not complete_streams


def verify(lines, checks=None, numbered=None):
    """Verifies an export given as an iterable of byte strings, one per line, as `checks`
    (a Checks; default: a whole-log export of format 2) asks. `numbered` replaces
    enumerate(lines, 1): (line number, bytes or a _RowFault) pairs (CSV rows)."""
    checks = checks or Checks()
    result = Result()
    scan = _SCAN
    is_hex, time_key, store_time = _HEX64.fullmatch, _time_key, _STORE_TIME.fullmatch
    wanted = set(checks.anchors)
    filtered = checks.filtered
    format2 = checks.format == 2
    prev_pos = prev_hash = prev_time = prev_time_text = prev_line = None
    blank_line = None  # the first empty line seen; an error if an event follows it
    # A jump in a whole-log export, held for one line: (position, file line, reason). If
    # the next line goes back into the jump, the pair is out of order, not missing.
    jump = None
    streams = StreamVersions(checks)
    kept = KeptCheckpoints(checks.kept) if checks.kept else None

    for line_no, raw in (enumerate(lines, 1) if numbered is None else numbered):
        if type(raw) is _RowFault:
            if jump is not None:
                return result.fail(*jump)
            return result.fail(result.last_position if raw.checked else None, line_no, raw.reason, raw.column)
        # 1. One JSON object, integers only, unique keys.
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            if jump is not None:
                return result.fail(*jump)
            return result.fail(None, line_no, "invalid UTF-8 at byte %d" % (error.start + 1))
        try:
            obj, end = scan(text, 0)
            if end != len(text) and text[end:].strip(_JSON_WHITESPACE):
                obj = None
        except (StopIteration, ValueError, RecursionError, _Bad):
            obj = None
        if type(obj) is not dict:
            obj, problem = _parse_slow(text)  # the reason, or a line that is fine after all
            if problem is not None:
                return result.fail(*(jump or (problem[0], line_no, problem[1])))
            if obj is None and not text.strip(_JSON_WHITESPACE):
                if jump is not None:
                    return result.fail(*jump)
                if blank_line is None:
                    blank_line = line_no
                continue
            if type(obj) is not dict:
                return result.fail(*(jump or (None, line_no, "not a JSON object")))
        if blank_line is not None:
            return result.fail(None, blank_line, "empty line before the end of the file")

        # 2. The fields the chain needs.
        pos = obj.get("position")
        if type(pos) is not int or pos < 1:
            reason = "position is missing" if "position" not in obj else \
                "position is not a positive integer: %s" % _short(json.dumps(pos))
            return result.fail(*(jump or (None, line_no, reason)))
        if jump is not None:
            # The line after a jump: back into it is an order fault, else the jump is.
            if pos < jump[0]:
                return result.fail(pos, line_no, _out_of_order(pos, jump[0], jump[1]))
            return result.fail(*jump)
        stored_hash = obj.pop("hash", _MISSING)
        prev = obj.pop("prevHash", _MISSING)
        disclosed = obj.pop("disclosures", _MISSING)  # personal data in clear: never hashed
        if type(stored_hash) is not str or is_hex(stored_hash) is None or \
                type(prev) is not str or is_hex(prev) is None:
            return result.fail(pos, line_no, _hex_problem(stored_hash, prev))
        stream_prev = obj.get("streamPrevHash", _MISSING)
        if format2:
            if type(stream_prev) is not str or is_hex(stream_prev) is None:
                return result.fail(pos, line_no, _stream_prev_problem(stream_prev))
        elif stream_prev is not _MISSING:
            return result.fail(pos, line_no, "streamPrevHash in an export of format 1 (this is format 2: "
                                             "leave out --format 1)")
        recorded = obj.get("recordedAt")
        if type(recorded) is str and store_time(recorded) is not None and \
                _valid_date(recorded[:10]) and recorded[11:13] <= "23" and \
                recorded[14:16] <= "59" and recorded[17:19] <= "60":
            time = (recorded[:19], recorded[20:23].rstrip("0"))  # the store's own format
        else:
            time = time_key(recorded)
        if time is None:
            reason = "recordedAt is missing" if "recordedAt" not in obj else \
                "recordedAt is not an RFC 3339 time: %s" % _short(json.dumps(recorded))
            return result.fail(pos, line_no, reason)

        # 4, 5. Order of positions.
        if prev_pos is None:
            if pos != 1 and not filtered:
                return result.fail(pos, line_no, "a whole-log export starts at position 1, this one at "
                                   "%d (for a filtered export use --filtered)" % pos)
        elif pos <= prev_pos:
            return result.fail(pos, line_no, _out_of_order(pos, prev_pos, prev_line))
        elif pos != prev_pos + 1:
            if not filtered:
                # A jump is held for one line, unless this line's own hash already shows it
                # was altered: then the fault is this line's (a flipped digit of its position).
                problem = _own_hash_problem(obj, prev, stored_hash)
                if problem is not None:
                    return result.fail(pos, line_no, problem)
                jump = (pos, line_no, "position jumps from %d to %d: events are missing "
                        "(for a filtered export use --filtered)" % (prev_pos, pos))
                continue
            result.gaps += 1
        if pos == 1:
            if prev != ZERO_HASH:
                return result.fail(pos, line_no, "position 1 must have prevHash of 64 zeros")
        elif prev == ZERO_HASH:
            return result.fail(pos, line_no, "prevHash is 64 zeros, which only position 1 may have")

        # 3. The event's own hash.
        problem = _own_hash_problem(obj, prev, stored_hash)
        if problem is not None:
            return result.fail(pos, line_no, problem)

        # 3b. Disclosures against the commitments they open (the hash covers the commitments).
        if disclosed is not _MISSING:
            problem = _disclosure_problem(obj, disclosed)
            if problem is not None:
                return result.fail(pos, line_no, problem)
            result.disclosures += len(disclosed)

        # 4. The link to the previous position.
        if prev_pos is not None and pos == prev_pos + 1 and prev != prev_hash:
            return result.fail(pos, line_no, "prevHash does not match the hash of position %d" % prev_pos)

        # 6. recordedAt never decreases.
        if prev_time is not None and time < prev_time:
            return result.fail(pos, line_no, "recordedAt %s is before the recordedAt %s of position %d"
                               % (_short(recorded), _short(prev_time_text), prev_pos))

        # 7. Stream versions.
        problem = streams.check(obj, pos, pos == 1 or prev_pos is not None and pos == prev_pos + 1,
                                stored_hash, stream_prev)
        result.version_gaps = streams.gaps
        if problem is not None:
            return result.fail(pos, line_no, problem)

        # 9b. The tree of the file's first events against the kept checkpoints.
        if kept is not None:
            problem = kept.add(pos, stored_hash)
            if problem is not None:
                return result.fail(pos, line_no, problem)

        if wanted:
            wanted.discard(stored_hash)
        result.events += 1
        if result.first_position is None:
            result.first_position = pos
        result.last_position, result.head = pos, stored_hash
        prev_pos, prev_hash, prev_time, prev_time_text, prev_line = pos, stored_hash, time, recorded, line_no

    if jump is not None:
        return result.fail(*jump)
    if kept is not None:
        result.kept, result.keeping = kept.proven, True
        if kept.pending:
            name, checkpoint = kept.pending[0]
            return result.fail(None, None, "checkpoint %s: the file ends at position %s, before the kept checkpoint's "
                               "size %d: events were removed from the end of the log, or this is not a whole-log "
                               "export" % (name, result.last_position or 0, checkpoint.size))
    # 8. Anchors.
    if wanted:
        missing = sorted(wanted)[0]
        if result.events == 0:
            return result.fail(None, None, "anchor %s not found: the file holds no event" % missing)
        return result.fail(None, None, "anchor %s not found in the export" % missing)
    return result


def _stream_prev_problem(value):
    if value is _MISSING:
        return "streamPrevHash is missing (an export of format 1, made before subledger migrate, " \
               "verifies with --format 1)"
    return "streamPrevHash is not 64 lowercase hex digits"


def _disclosure_problem(obj, disclosed):
    """Why `disclosures` does not open the commitments of `obj`, or None. Each key is a
    path (`data.name`) to a member `{"commitment": HEX}`, each value `{"salt": HEX,
    "value": TEXT}`, and SHA-256(the salt's 32 bytes + the value's UTF-8) must be HEX.
    The reason names the path only: never the value, which is personal data."""
    if type(disclosed) is not dict:
        return "disclosures is not a JSON object"
    for path, disclosure in disclosed.items():
        name = _short(json.dumps(path, ensure_ascii=False))
        held = obj
        for member in path.split("."):
            held = held.get(member, _MISSING) if type(held) is dict else _MISSING
        if type(held) is not dict or held.keys() != {"commitment"} or type(held["commitment"]) is not str \
                or _HEX64.fullmatch(held["commitment"]) is None:
            return "disclosure %s: the event holds no commitment there ({\"commitment\": 64 lowercase hex})" % name
        if type(disclosure) is not dict or disclosure.keys() != {"salt", "value"} \
                or type(disclosure["salt"]) is not str or _HEX64.fullmatch(disclosure["salt"]) is None \
                or type(disclosure["value"]) is not str:
            return "disclosure %s is not {\"salt\": 64 lowercase hex, \"value\": a string}" % name
        try:
            value = disclosure["value"].encode("utf-8")
        except UnicodeEncodeError:
            return "disclosure %s: the value holds an unpaired surrogate (\\u escape)" % name
        if hashlib.sha256(bytes.fromhex(disclosure["salt"]) + value).hexdigest() != held["commitment"]:
            return "disclosure %s does not open its commitment (salt and value do not hash to it)" % name
    return None


def _own_hash_problem(obj, prev, stored_hash,
                      canonical=_CANONICAL_FAST, sha256=hashlib.sha256, fromhex=bytes.fromhex):
    """Step 3: why the event `obj` (without hash, prevHash and disclosures) does not hash to
    `stored_hash` after `prev`, or None when it does. (The defaults bind the helpers once:
    a local lookup per line of the loop, as in verify.)"""
    try:
        body = canonical(obj).encode("utf-8")
    except UnicodeEncodeError:
        return "a string holds an unpaired surrogate (\\u escape)"
    if sha256(fromhex(prev) + body).hexdigest() != stored_hash:
        return "hash mismatch"
    return None


def _out_of_order(pos, before, before_line):
    if pos == before:
        return "position %d does not increase: file line %d has it too" % (pos, before_line)
    return "positions are out of order: position %d follows position %d (file line %d)" % (
        pos, before, before_line)


# The fields of every exported event; the one other top-level field names its stream
# (`line`, `subscriber`, ...), as `subledger import` reads an export.
_COMMON_FIELDS = frozenset(("type", "occurredAt", "data", "metadata", "position", "streamVersion",
                            "recordedAt", "eventId", "prevHash", "hash", "streamPrevHash", "disclosures"))


class StreamVersions:
    """Step 7: each stream's chain, its `streamVersion`s 1, 2, 3, ... and, in format 2,
    each event's `streamPrevHash` the `hash` of the stream's event before it.

    Wherever the file holds two events of a stream with versions v and v + 1, the second
    must link to the first (format 2), whatever lies between them: so a line's export
    proves that none of its events between the first and the last was changed, dropped or
    reordered, though the other streams' events between them are not in the file. A
    version 1 links to 64 zeros, and only a version 1 does. A stream's versions always
    increase along the file and step by one: a skip is a dropped event. Two things relax
    that. A stream's first event in a filtered export may have any version, unless every
    position before it is in the file or `complete_streams` (an export of whole streams:
    `export --line` or `--subscriber` without --from/--to) says it starts at 1. And
    `checks.version_gaps` (a time range, which leaves out an event that occurred outside
    it though recorded between two inside it) or a format-1 filtered export accept a skip
    across a gap in positions, counting it (`versionGaps`): the chain is not checked
    across it, and a dropped event looks the same."""

    def __init__(self, checks):
        self.complete = checks.complete_streams
        self.format2 = checks.format == 2
        # Where a skip across a gap in positions is accepted (and counted).
        self.skips_allowed = checks.version_gaps or (not self.format2 and checks.filtered
                                                     and not checks.complete_streams)
        self.last = {}  # stream -> (its last version, that event's position, its hash)
        self.run_start = 1  # the first position of the run of consecutive positions so far
        self.gaps = 0

    def check(self, obj, pos, follows_previous, stored_hash, stream_prev):
        """The reason the event at `pos` is bad, or None. `follows_previous` when the
        event before it in the file is at pos - 1 (or pos is 1)."""
        if not follows_previous:
            self.run_start = pos
        version = obj.get("streamVersion", _MISSING)
        if version is _MISSING:
            return "streamVersion is missing"
        if type(version) is not int or version < 1:
            return "streamVersion is not a positive integer: %s" % _short(json.dumps(version))
        names = obj.keys() - _COMMON_FIELDS  # a set difference in C: this runs for every event
        if len(names) == 1:
            key = next(iter(names))
            stream = (key, obj[key])
        if len(names) != 1 or type(stream[1]) is not str:
            return "the stream is not named: one field besides the common ones (line, subscriber, policy) " \
                   "must hold a string, found %s" % (_short(", ".join(sorted(names))) or "none")
        last = self.last.get(stream)
        self.last[stream] = (version, pos, stored_hash)
        if last is None:
            if version != 1 and (self.complete or self.run_start == 1):
                missing = "version 1 is missing" if version == 2 else "versions 1..%d are missing" % (version - 1)
                return "%s starts at streamVersion %d: %s%s" % (_short("%s %s" % stream), version, missing,
                                                                self._why(self.run_start == 1))
            return self._link(stream, version, stream_prev, None)
        last_version, last_pos, _ = last
        if version == last_version + 1:
            return self._link(stream, version, stream_prev, last)
        name = _short("%s %s" % stream)
        if version == last_version:
            return "%s: streamVersion %d repeats the version of position %d" % (name, version, last_pos)
        if version < last_version:
            return "%s: streamVersion %d follows streamVersion %d of position %d (versions go down)" % (
                name, version, last_version, last_pos)
        if not self.skips_allowed or last_pos >= self.run_start:
            if version == last_version + 2:
                missing = "version %d is missing" % (last_version + 1)
            else:
                missing = "versions %d..%d are missing" % (last_version + 1, version - 1)
            return "%s skips from streamVersion %d (position %d) to %d: %s%s" % (
                name, last_version, last_pos, version, missing, self._why(last_pos >= self.run_start))
        self.gaps += 1
        return self._link(stream, version, stream_prev, None)

    def _link(self, stream, version, stream_prev, previous):
        """Why `streamPrevHash` is wrong (format 2), or None: 64 zeros at version 1 and
        only there, and the hash of `previous` (the stream's event before, when it is in
        the file: its version, position, hash)."""
        if not self.format2:
            return None
        if version == 1:
            if stream_prev != ZERO_HASH:
                return "%s: streamVersion 1 must have streamPrevHash of 64 zeros" % _short("%s %s" % stream)
        elif stream_prev == ZERO_HASH:
            return "%s: streamPrevHash is 64 zeros, which only streamVersion 1 may have" % _short("%s %s" % stream)
        elif previous is not None and stream_prev != previous[2]:
            return "%s: streamPrevHash does not match the hash of position %d (streamVersion %d)" % (
                _short("%s %s" % stream), previous[1], previous[0])
        return None

    def _why(self, positions_show_it):
        if positions_show_it:
            return " (no position in between is missing from the file)"
        if self.complete or not self.format2:
            return " (--complete-streams: every stream is whole)"
        return " (a stream's chain has no gap; a time range that leaves out an event recorded late: " \
               "--allow-version-gaps)"


# --- Ed25519 signature verification (RFC 8032 section 5.1.7), in pure Python -----------------
# A checkpoint's note is signed with the store's Ed25519 key. The standard library has no
# Ed25519, so the curve arithmetic is written out here, as RFC 8032 section 5.1 states it:
# points in extended coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, x * y = T/Z. Speed
# does not matter (one or two signatures per run); no secret is handled, so nothing here
# needs to run in constant time.

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493  # the order of the base point
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)  # a square root of -1 mod p


def _point_add(one, two):
    """RFC 8032 section 5.1.4, the addition formulas (complete: they also double)."""
    x1, y1, z1, t1 = one
    x2, y2, z2, t2 = two
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _point_times(scalar, point):
    """[scalar]point by double-and-add."""
    total = (0, 1, 1, 0)  # the neutral element
    while scalar:
        if scalar & 1:
            total = _point_add(total, point)
        point = _point_add(point, point)
        scalar >>= 1
    return total


def _point_equal(one, two):
    return (one[0] * two[2] - two[0] * one[2]) % _P == 0 and (one[1] * two[2] - two[1] * one[2]) % _P == 0


def _point_decode(encoded):
    """RFC 8032 section 5.1.3: the point 32 bytes encode, or None if they encode none."""
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return None
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    if v * x * x % _P == (-u) % _P:
        x = x * _SQRT_M1 % _P
    elif v * x * x % _P != u:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


_BASE = _point_decode(bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666"))


def ed25519_verify(public_key, message, signature):
    """Whether `signature` (64 bytes) is an Ed25519 signature of `message` (bytes) under
    `public_key` (32 bytes): RFC 8032 section 5.1.7, the cofactored check
    [8][S]B = [8]R + [8][k]A, with S < L and both points decoded strictly."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    key, r_point = _point_decode(public_key), _point_decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if key is None or r_point is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    left = _point_times(8 * s, _BASE)
    right = _point_times(8, _point_add(r_point, _point_times(k, key)))
    return _point_equal(left, right)


# --- Merkle proofs (RFC 9162, Certificate Transparency 2.0) ---------------------------------
# The log's tree: the leaf of the event at position n is index n - 1, its hash
# SHA-256(0x00 + the 32 bytes of the event's `hash`), an inner node SHA-256(0x01 + left + right).

# A tree of at most 2**64 leaves: an inclusion path has at most 64 hashes, a consistency
# proof at most twice that. Anything longer is refused before any hashing.
INCLUSION_PATH_MAX = 64
CONSISTENCY_PATH_MAX = 128


def merkle_leaf_hash(event_hash):
    return hashlib.sha256(b"\x00" + event_hash).digest()


def _node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_root(leaf_index, tree_size, leaf_hash, path):
    """The root that `path` (bytes hashes) proves for the leaf, as RFC 9162 section 2.1.3.2
    computes it, or None where the proof cannot be one for this index and size."""
    if leaf_index >= tree_size:
        return None
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = _node(p, r)
            fn, sn = _climb_left_edges(fn, sn)
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def _climb_left_edges(fn, sn):
    """Both RFC 9162 verifications: "right-shift both fn and sn equally until either
    LSB(fn) is set or fn is 0" (past the levels where the node is a left child that has
    no right sibling, as at the right edge of the tree)."""
    while not fn & 1 and fn != 0:
        fn >>= 1
        sn >>= 1
    return fn, sn


def consistency_holds(first, second, first_hash, second_hash, path):
    """Whether `path` proves that the tree of size `second` with root `second_hash`
    extends the tree of size `first` with root `first_hash`: RFC 9162 section 2.1.4.2
    (sizes from 1; equal sizes need an empty path and equal roots)."""
    if not 1 <= first <= second:
        return False
    if first == second:
        return not path and first_hash == second_hash
    if not path:
        return False
    if first & (first - 1) == 0:  # a power of 2: the old root is a node of the new tree
        path = [first_hash] + list(path)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _node(c, fr)
            sr = _node(c, sr)
            fn, sn = _climb_left_edges(fn, sn)
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


# --- checkpoints and proof files -----------------------------------------------------------

class _ProofFault(Exception):
    """What is wrong with a checkpoint or proof file; its text names the file and member."""


def _load_json_file(path, what):
    """The JSON object in the file at `path` (integers only, unique keys). Raises OSError
    when it cannot be read, _ProofFault when it holds no JSON object."""
    with open(path, "rb") as stream:
        raw = stream.read(PROOF_FILE_BYTES_MAX + 1)
    if len(raw) > PROOF_FILE_BYTES_MAX:
        raise _ProofFault("%s %s: larger than %d bytes" % (what, path, PROOF_FILE_BYTES_MAX))
    try:
        value = _DECODE(raw.decode("utf-8"))
    except _Bad as bad:
        raise _ProofFault("%s %s: %s" % (what, path, bad.reason)) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _ProofFault("%s %s: not JSON (%s)" % (what, path, _short(str(error)))) from None
    if type(value) is not dict:
        raise _ProofFault("%s %s: not a JSON object" % (what, path))
    return value


# A checkpoint or proof file is a few kilobytes; a larger one is refused unread.
PROOF_FILE_BYTES_MAX = 1 << 20


def _object_member(obj, name, where):
    value = obj.get(name, _MISSING)
    if type(value) is not dict:
        raise _ProofFault("%s: %s is %s" % (where, name, "missing" if value is _MISSING else "not a JSON object"))
    return value


def _member(obj, name, where, kind, limit=None):
    """obj[name] checked as `kind`: "size" (a positive integer), "hex" (64 lowercase hex:
    returns the 32 bytes), "text", "key" / "signature" (standard base64 of 32 / 64 bytes:
    returns the bytes), "path" (a list of at most `limit` hex hashes: returns the bytes)."""
    value = obj.get(name, _MISSING) if type(obj) is dict else _MISSING
    if value is _MISSING:
        raise _ProofFault("%s: %s is missing" % (where, name))
    if kind == "size":
        if type(value) is not int or value < 1 or value >= 1 << 64:
            raise _ProofFault("%s: %s is not a positive 64-bit integer" % (where, name))
        return value
    if kind == "index":
        if type(value) is not int or value < 0 or value >= 1 << 64:
            raise _ProofFault("%s: %s is not a 64-bit integer from 0" % (where, name))
        return value
    if kind == "text":
        if type(value) is not str:
            raise _ProofFault("%s: %s is not a string" % (where, name))
        return value
    if kind == "hex":
        if type(value) is not str or _HEX64.fullmatch(value) is None:
            raise _ProofFault("%s: %s is not 64 lowercase hex digits" % (where, name))
        return bytes.fromhex(value)
    if kind in ("key", "signature"):
        length = 32 if kind == "key" else 64
        try:
            raw = base64.b64decode(value, validate=True) if type(value) is str else None
        except (binascii.Error, ValueError):
            raw = None
        if raw is None or len(raw) != length:
            raise _ProofFault("%s: %s is not standard base64 of %d bytes" % (where, name, length))
        return raw
    if kind == "path":
        if type(value) is not list or len(value) > limit:
            raise _ProofFault("%s: %s is not a list of at most %d hashes" % (where, name, limit))
        for index, item in enumerate(value):
            if type(item) is not str or _HEX64.fullmatch(item) is None:
                raise _ProofFault("%s: %s[%d] is not 64 lowercase hex digits" % (where, name, index))
        return [bytes.fromhex(item) for item in value]
    raise AssertionError("unknown kind %s" % kind)


class Checkpoint:
    """A signed checkpoint as `subledger checkpoint --json` prints it, checked: its note
    says its origin, size and root, and its signature verifies under its public key (and
    that key is the pinned one, when one is pinned)."""

    def __init__(self, obj, where, pinned_key=None):
        self.origin = _member(obj, "origin", where, "text")
        self.size = _member(obj, "size", where, "size")
        self.root = _member(obj, "rootHash", where, "hex")
        self.note = _member(obj, "note", where, "text")
        self.signature = _member(obj, "signature", where, "signature")
        self.public_key = _member(obj, "publicKey", where, "key")
        self.key_text = base64.b64encode(self.public_key).decode("ascii")
        problem = _note_problem(self.note, self.origin, self.size, self.root)
        if problem is not None:
            raise _ProofFault("%s: note %s" % (where, problem))
        if pinned_key is not None and self.public_key != pinned_key:
            raise _ProofFault("%s: signed by key %s, not the pinned key %s"
                              % (where, self.key_text, base64.b64encode(pinned_key).decode("ascii")))
        if not ed25519_verify(self.public_key, self.note.encode("utf-8"), self.signature):
            raise _ProofFault("%s: the signature does not verify (Ed25519, the note's bytes, key %s)"
                              % (where, self.key_text))

    def describe(self):
        return {"origin": self.origin, "size": self.size, "rootHash": self.root.hex(), "publicKey": self.key_text}


def _note_problem(note, origin, size, root):
    """Why `note` is not the C2SP tlog-checkpoint body of this origin, size and root
    (three lines, then extension lines, each ending in a newline), or None."""
    if not origin or "\n" in origin:
        return "cannot carry origin %s (empty, or more than one line)" % _short(json.dumps(origin))
    lines = note.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        return "is not lines each ending in a newline: origin, size, root hash and any extension lines"
    expected = (origin, str(size), base64.b64encode(root).decode("ascii"))
    for number, (field, line, want) in enumerate(zip(("origin", "size", "rootHash"), lines, expected), 1):
        if line != want:
            return "line %d says %s, but %s is %s" % (number, _short(json.dumps(line)), field, _short(json.dumps(want)))
    for number, line in enumerate(lines[3:-1], 4):
        if not line:
            return "line %d, an extension line, is empty" % number
    return None


class KeptCheckpoints:
    """--checkpoint KEPT.json (repeatable), with a whole-log export: the Merkle tree of the
    file's first `size` events, computed here from their hashes (RFC 9162's MTH), must have
    each kept checkpoint's root. No proof from the operator is needed: a log rewritten
    anywhere before a kept size, or cut short of it, fails. Memory: one hash per level."""

    def __init__(self, checkpoints):
        self.pending = sorted(checkpoints, key=lambda kept: kept[1].size)
        self.subtrees = []  # (leaves, hash) of the complete subtrees so far, the largest first
        self.count = 0
        self.proven = []

    def add(self, pos, event_hash):
        """Adds the event at `pos`; the reason the file fails a kept checkpoint, or None."""
        if not self.pending:
            return None
        if pos != self.count + 1:
            name, checkpoint = self.pending[0]
            return "checkpoint %s: needs every position from 1 to its size %d, but position %d follows %d" % (
                name, checkpoint.size, pos, self.count)
        node, leaves = merkle_leaf_hash(bytes.fromhex(event_hash)), 1
        while self.subtrees and self.subtrees[-1][0] == leaves:
            node, leaves = _node(self.subtrees.pop()[1], node), leaves * 2
        self.subtrees.append((leaves, node))
        self.count += 1
        while self.pending and self.pending[0][1].size == self.count:
            name, checkpoint = self.pending.pop(0)
            root = self.subtrees[-1][1]
            for _, left in reversed(self.subtrees[:-1]):  # MTH: each left subtree complete
                root = _node(left, root)
            if root != checkpoint.root:
                return "checkpoint %s: positions 1..%d have the root %s, not the kept checkpoint's %s: the log was " \
                       "rewritten since it was kept" % (name, self.count, root.hex(), checkpoint.root.hex())
            self.proven.append(checkpoint.describe())
        return None


def load_kept_checkpoints(paths, pinned_key=None):
    """The --checkpoint files, each checked (note, signature, pinned key): a list of
    (name, Checkpoint). Raises OSError if one cannot be read, _ProofFault if one is bad."""
    kept = []
    for path in paths:
        kept.append((path, _checkpoint_of(_load_json_file(path, "checkpoint"), "checkpoint " + path, pinned_key)))
    return kept


def _checkpoint_of(obj, where, pinned_key):
    """A kept checkpoint: the object itself, or the `checkpoint` member of a proof file."""
    inner = obj.get("checkpoint") if type(obj.get("checkpoint")) is dict else obj
    return Checkpoint(inner, where if inner is obj else where + ": checkpoint", pinned_key)


def check_proof(proof, where, last_position, last_hash, pinned_key=None):
    """Checks a proof file's object against the file's last event (its position and hash):
    the checkpoint (note and signature), then the inclusion proof of that event under the
    checkpoint's root and size. Returns what was proven; raises _ProofFault."""
    checkpoint = Checkpoint(_object_member(proof, "checkpoint", where), where + ": checkpoint", pinned_key)
    inclusion = _object_member(proof, "inclusion", where)
    at = where + ": inclusion"
    leaf_index = _member(inclusion, "leafIndex", at, "index")
    tree_size = _member(inclusion, "treeSize", at, "size")
    root = _member(inclusion, "rootHash", at, "hex")
    path = _member(inclusion, "path", at, "path", INCLUSION_PATH_MAX)
    if tree_size != checkpoint.size or root != checkpoint.root:
        raise _ProofFault("%s: proves a tree of size %d with root %s, not the checkpoint's (size %d, root %s)"
                          % (at, tree_size, root.hex(), checkpoint.size, checkpoint.root.hex()))
    if leaf_index != last_position - 1:
        raise _ProofFault("%s: proves leafIndex %d (position %d), but the file's last event is position %d"
                          % (at, leaf_index, leaf_index + 1, last_position))
    if last_position > checkpoint.size:
        raise _ProofFault("%s: the file's last event, position %d, lies beyond the checkpoint's size %d"
                          % (at, last_position, checkpoint.size))
    if inclusion_root(leaf_index, tree_size, merkle_leaf_hash(bytes.fromhex(last_hash)), path) != root:
        raise _ProofFault("%s: the path does not lead from the hash of position %d to the root %s"
                          % (at, last_position, root.hex()))
    proven = checkpoint.describe()
    proven["leafIndex"] = leaf_index
    return proven


def check_consistency(old, new, proof, names, pinned_key=None):
    """Checks two kept checkpoints (objects as `checkpoint --json` prints them, or proof
    files holding one) and a consistency proof {fromSize, toSize, path} between them:
    both signatures, one origin and key, and that the newer tree extends the older.
    `names` are the three files' names, for the messages. Returns what was proven."""
    first = _checkpoint_of(old, names[0], pinned_key)
    second = _checkpoint_of(new, names[1], pinned_key)
    if (first.origin, first.public_key) != (second.origin, second.public_key):
        raise _ProofFault("%s and %s are checkpoints of different logs (origin %s, key %s; origin %s, key %s)"
                          % (names[0], names[1], first.origin, first.key_text, second.origin, second.key_text))
    from_size = _member(proof, "fromSize", names[2], "size")
    to_size = _member(proof, "toSize", names[2], "size")
    path = _member(proof, "path", names[2], "path", CONSISTENCY_PATH_MAX)
    if (from_size, to_size) != (first.size, second.size):
        raise _ProofFault("%s: proves sizes %d to %d, but the checkpoints have sizes %d and %d"
                          % (names[2], from_size, to_size, first.size, second.size))
    if first.size > second.size:
        raise _ProofFault("%s: the older checkpoint (size %d) is larger than the newer (size %d)"
                          % (names[2], first.size, second.size))
    if not consistency_holds(first.size, second.size, first.root, second.root, path):
        raise _ProofFault("%s: the tree of size %d (root %s) does not extend the tree of size %d (root %s): "
                          "the log was rewritten, or the proof is wrong"
                          % (names[2], second.size, second.root.hex(), first.size, first.root.hex()))
    return {"origin": first.origin, "publicKey": first.key_text, "fromSize": first.size,
            "fromRootHash": first.root.hex(), "toSize": second.size, "toRootHash": second.root.hex()}


# --- CSV exports (subledger export --format csv) -----------------------------------------

CSV_AMOUNT_COLUMNS = ["amount", "total", "price", "value", "fee", "connectionFee", "vanityPremium",
                      "reconnectionFee"]
# Format 2 adds streamPrevHash after prevHash; a format-1 export (before migrate) has none.
CSV_COLUMNS = ["position", "streamVersion", "recordedAt", "eventId", "type", "streamCategory", "streamId",
               "occurredAt", "prevHash", "streamPrevHash", "hash", "metadata", "data"] + CSV_AMOUNT_COLUMNS
CSV_COLUMNS_FORMAT1 = [column for column in CSV_COLUMNS if column != "streamPrevHash"]
_CSV_HEADERS = {",".join(columns).encode("ascii"): columns for columns in (CSV_COLUMNS, CSV_COLUMNS_FORMAT1)}
_CSV_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)


class _RowFault:
    """A fault of a CSV row outside the chain; `checked` when the row passed the chain's
    checks first (its position is then known)."""

    def __init__(self, reason, column=None, checked=False):
        self.reason, self.column, self.checked = reason, column, checked


def _csv_header_columns(line):
    """The columns of a subledger CSV header row (format 2 or 1), or None if it is not one."""
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    if line.endswith(b"\r"):
        line = line[:-1]
    return _CSV_HEADERS.get(line)


_CSV_CELL = re.compile(r'"((?:[^"]+|"")*)"|([^,"]*)')


def _csv_cells(text):
    """The cells of one record (RFC 4180), or None when it is malformed: a quoted cell
    (its doubled quotes undone) or an unquoted one without quotes, then a comma or the end."""
    cells, index, count, match = [], 0, len(text), _CSV_CELL.match
    while True:
        cell = match(text, index)  # always matches: the unquoted alternative may be empty
        quoted = cell.group(1)
        cells.append(quoted.replace('""', '"') if quoted is not None else cell.group(2))
        index = cell.end()
        if index >= count:
            return cells
        if text[index] != ",":
            return None
        index += 1


def _csv_event_line(cell):
    """The event a row carries, keys sorted; integer cells of position and streamVersion
    stay numbers, any other becomes a string (which the checks refuse)."""
    quoted = lambda text: json.dumps(text, ensure_ascii=False)
    members = [("metadata", cell["metadata"]), ("data", cell["data"]),
               (cell["streamCategory"], quoted(cell["streamId"]))]
    for name in ("position", "streamVersion"):
        value = cell[name]
        members.append((name, value if _CSV_INTEGER.fullmatch(value) else quoted(value)))
    for name in ("recordedAt", "eventId", "type", "occurredAt", "prevHash", "streamPrevHash", "hash"):
        if name in cell:
            members.append((name, quoted(cell[name])))
    members.sort(key=lambda member: member[0])
    return ("{" + ",".join("%s:%s" % (quoted(key), value) for key, value in members) + "}").encode("utf-8")


def _csv_rows(lines):
    """(row, bytes or _RowFault) for verify(): each row as the JSON line of its event,
    then a fault if its amount cells do not say what its data cell holds."""
    record, inside, row, columns = b"", False, 0, CSV_COLUMNS
    for raw in lines:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if inside:
            record += b"\n"
        record += line
        if line.count(b'"') % 2:
            inside = not inside
        if inside:
            continue
        text, record = record, b""
        if text.endswith(b"\r"):
            text = text[:-1]
        row += 1
        if row == 1:
            columns = _csv_header_columns(text)
            if columns is None:
                yield 1, _RowFault("not the header row of a subledger CSV export (%s)" % ",".join(CSV_COLUMNS))
                return
            continue
        if not text:
            yield row, b""
            continue
        cells = _csv_cells(text.decode("utf-8", errors="replace"))
        if cells is None:
            yield row, _RowFault("malformed CSV: a double quote outside a quoted cell, or text after one")
            return
        if len(cells) != len(columns):
            yield row, _RowFault("the row has %d cells, the header %d" % (len(cells), len(columns)))
            return
        cell = dict(zip(columns, cells))
        held = {}
        for name in ("metadata", "data"):
            value, problem = _parse_slow(cell[name])
            if problem is not None or type(value) is not dict:
                yield row, _RowFault("the cell is not one JSON object", name)
                return
            if name == "data":
                held = {amount: str(value[amount]) if type(value.get(amount)) is int else ""
                        for amount in CSV_AMOUNT_COLUMNS}
        yield row, _csv_event_line(cell)
        for name in CSV_AMOUNT_COLUMNS:
            if cell[name] != held[name]:
                says = "data holds %s" % held[name] if held[name] else "data has no integer %s" % name
                yield row, _RowFault("the cell says %s but %s" % (json.dumps(cell[name], ensure_ascii=False), says),
                                     name, checked=True)
                return
    if inside:
        yield row + 1, _RowFault("a quoted cell is not closed at the end of the file")


def _verify_stream(stream, path, checks):
    first = stream.readline()
    lines = itertools.chain([first], stream) if first else iter(())
    if first and (path.lower().endswith(".csv") or _csv_header_columns(first.rstrip(b"\n")) is not None):
        result = verify((), checks, numbered=_csv_rows(lines))
        result.label = "row"
        return result
    return verify(lines, checks)


def verify_file(path, checks=None):
    """Verifies the export at `path` ("-" for standard input), JSON Lines or CSV (named
    .csv, or starting with the CSV header row), as `checks` asks. Raises OSError if
    unreadable."""
    checks = checks or Checks()
    if path == "-":
        return _verify_stream(sys.stdin.buffer, path, checks)
    with open(path, "rb", buffering=1 << 20) as stream:
        return _verify_stream(stream, path, checks)


def prove_file(result, proof_path, pinned_key=None):
    """After a good chain: checks the proof file at `proof_path` against the file's last
    event, recording what it proves in `result` (or failing it). Raises OSError if the
    proof file cannot be read."""
    result.proving = True
    if not result.ok:
        return result
    try:
        proof = _load_json_file(proof_path, "proof")
        if result.events == 0:
            raise _ProofFault("proof %s: the file holds no event to prove" % proof_path)
        result.proof = check_proof(proof, "proof " + proof_path, result.last_position, result.head, pinned_key)
    except _ProofFault as fault:
        # The proof is about the last event: it is the position at fault (no file line).
        return result.fail(result.last_position, None, str(fault))
    return result


def consistency_of(paths, pinned_key=None):
    """Checks `--consistency OLD NEW PROOF`: (what was proven, None) or (None, the reason).
    Raises OSError if a file cannot be read."""
    try:
        old, new, proof = (_load_json_file(path, what) for path, what in
                           zip(paths, ("checkpoint", "checkpoint", "consistency proof")))
        return check_consistency(old, new, proof, ("checkpoint " + paths[0], "checkpoint " + paths[1],
                                                   "consistency proof " + paths[2]), pinned_key), None
    except _ProofFault as fault:
        return None, str(fault)


def consistency_text(proven, reason):
    if reason is not None:
        return "bad: " + reason
    return "ok: the checkpoint of size %d (root %s) is extended by the checkpoint of size %d (root %s); " \
           "origin %s, key %s" % (proven["fromSize"], proven["fromRootHash"], proven["toSize"],
                                  proven["toRootHash"], proven["origin"], proven["publicKey"])


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="verify_export.py",
        description="Check a subledger export, JSON Lines or CSV: its hash chain, each stream's chain, its "
                    "disclosures, and the signed checkpoint and proofs that tie it to the log (see the "
                    "docstring at the top of this file for exactly what is and is not checked).")
    parser.add_argument("file", metavar="FILE", nargs="?", help='the export, or "-" for standard input')
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--filtered", action="store_true",
                        help="accept gaps in positions (an export of one line or a time range); "
                             "the global chain is not checked across a gap, each stream's chain is")
    parser.add_argument("--complete-streams", action="store_true",
                        help="every stream in the file is whole (an export of --line or --subscriber "
                             "without --from/--to): its stream versions run 1, 2, 3, ...; accepts gaps "
                             "in positions as --filtered does")
    parser.add_argument("--allow-version-gaps", action="store_true",
                        help="a time-range export: accept a stream whose versions skip across a gap in "
                             "positions (an event recorded late that occurred outside the range), "
                             "counted in versionGaps; implies --filtered")
    parser.add_argument("--format", type=int, choices=(1, 2), default=2,
                        help="2 (the default), or 1 for an export made before subledger migrate "
                             "(no streamPrevHash: no chain per stream)")
    parser.add_argument("--anchor", action="append", default=[], metavar="HASH",
                        help="a head hash kept from an earlier export; fail unless an event "
                             "of this export has it (repeatable)")
    parser.add_argument("--proof", metavar="PROOF.json",
                        help="a proof file of export --proof: its signed checkpoint and the inclusion "
                             "proof of the file's last event")
    parser.add_argument("--public-key", metavar="BASE64",
                        help="the operator's Ed25519 public key: every checkpoint must be signed by it")
    parser.add_argument("--checkpoint", action="append", default=[], metavar="KEPT.json",
                        help="a checkpoint kept earlier (checkpoint --json, or a proof file): a whole-log "
                             "export's first events must have its root, computed here (repeatable)")
    parser.add_argument("--consistency", nargs=3, metavar=("OLD.json", "NEW.json", "PROOF.json"),
                        help="two kept checkpoints and a consistency proof (prove --consistency --json): "
                             "both signed, and the newer extends the older")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # never fail on a terminal that is not UTF-8
        sys.stdout.reconfigure(errors="backslashreplace")

    if args.file is None and args.consistency is None:
        parser.exit(2, "verify_export.py: give an export FILE, or --consistency OLD.json NEW.json PROOF.json\n")
    if args.file is None and (args.proof or args.anchor or args.filtered or args.complete_streams
                              or args.allow_version_gaps or args.checkpoint):
        parser.exit(2, "verify_export.py: --proof, --checkpoint, --anchor, --filtered, --complete-streams and "
                       "--allow-version-gaps apply to an export FILE\n")
    if (args.proof or args.checkpoint) and args.format == 1:
        parser.exit(2, "verify_export.py: --proof and --checkpoint need an export of format 2\n")
    for anchor in args.anchor:
        if _HEX64.fullmatch(anchor) is None:
            parser.exit(2, "verify_export.py: --anchor needs 64 lowercase hex digits, got %r\n" % anchor)
    pinned_key = None
    if args.public_key is not None:
        try:
            pinned_key = base64.b64decode(args.public_key, validate=True)
        except (binascii.Error, ValueError):
            pinned_key = b""
        if len(pinned_key) != 32:
            parser.exit(2, "verify_export.py: --public-key needs standard base64 of 32 bytes, got %r\n"
                        % args.public_key)

    result = consistency = reason = None
    reading = args.file
    try:
        if args.file is not None:
            reading = " or ".join(args.checkpoint)
            try:
                kept = load_kept_checkpoints(args.checkpoint, pinned_key)
            except _ProofFault as fault:
                kept, result = None, Result().fail(None, None, str(fault))
            reading = args.file
            if kept is not None:
                checks = Checks(args.filtered, args.anchor, args.complete_streams, args.format,
                                args.allow_version_gaps, kept)
                result = verify_file(args.file, checks)
            if args.proof:
                reading = args.proof
                result = prove_file(result, args.proof, pinned_key)
        if args.consistency is not None:
            reading = " or ".join(args.consistency)
            consistency, reason = consistency_of(args.consistency, pinned_key)
    except OSError as error:
        detail = error.strerror or str(error)
        parser.exit(2, "verify_export.py: cannot read %s: %s\n" % (getattr(error, "filename", None) or reading, detail))

    report = {"ok": reason is None, "reason": reason, **(consistency or {})}
    if args.json:
        if result is None:
            print(json.dumps(report))
        else:
            document = result.as_json()
            if args.consistency is not None:
                document["consistency"] = report
            print(json.dumps(document))
    else:
        if result is not None:
            print(result.text())
            for note in result.notes():
                print(note, file=sys.stderr)
        if args.consistency is not None:
            print(consistency_text(consistency, reason))
    return 0 if (result is None or result.ok) and reason is None else 1


if __name__ == "__main__":
    sys.exit(main())
