#!/usr/bin/env python3
"""Check the hash chain of a subledger export (JSON Lines or CSV): a standalone verifier for auditors.

    python3 verify_export.py EXPORT.jsonl          # or "-" to read standard input
    python3 verify_export.py --json EXPORT.jsonl   # one JSON object instead of a line of text
    python3 verify_export.py --filtered RANGE-EXPORT.jsonl
    python3 verify_export.py --complete-streams LINE-EXPORT.jsonl
    python3 verify_export.py --anchor HEAD_HASH_YOU_KEPT EXPORT.jsonl

Python 3 standard library only; nothing is imported from subledger. The format is the one of
interchange.md ("Events as JSON Lines", "The hash chain"): one event per line, each a JSON
object carrying, besides the fact itself, `position`, `recordedAt`, `prevHash` and `hash`.

WHAT IS CHECKED, event by event, in file order (the first failure is reported, with the
event's `position` and its line number in the file):

 1. The line is UTF-8 and holds exactly one JSON object. Every number is an integer (a
    fraction, an exponent, NaN or Infinity is refused), no object repeats a key, and no
    string holds an unpaired UTF-16 surrogate: anything else has no single canonical form.
    Empty lines are allowed only at the end of the file. How a line is written does not
    matter (key order, spaces, escaped or raw non-ASCII letters, a CR before the LF): the
    canonical form is recomputed from the parsed values.
 2. `hash` and `prevHash` are 64 lowercase hex digits; `position` is a positive integer;
    `recordedAt` is an RFC 3339 time.
 3. The event's own hash: `hash` == SHA-256(the 32 bytes that `prevHash` spells, followed by
    the canonical JSON of the event without `hash` and `prevHash`), where canonical JSON is
    json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False) in UTF-8
    (RFC 8785 for objects whose numbers are all integers). Since the position, the times,
    the event id and every field of `data` and `metadata` are inside the hashed bytes,
    a change to any of them after the hash was computed shows here.
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
 7. Stream versions. The stream of an event is its one top-level field besides the ten
    common ones (`line`, `subscriber`, ...), a string; `streamVersion` is a positive
    integer. A stream's versions increase along the file and, where the file shows that
    nothing of the stream can be missing, step by one: from one event of the stream to its
    next when every position between them is in the file, and at the stream's first event
    (version 1) when every position before it is. In a whole-log export that is
    everywhere, so a forged event with a made-up version fails even if its hash and link
    were recomputed. A filtered export may skip versions across a gap in positions (a
    time range leaves out events that occurred outside it, and one recorded late may lie
    between two inside it): such skips are counted (`versionGaps`) and noted on stderr.
    With --complete-streams (for an export of whole streams: `export --line` or
    `--subscriber` without --from/--to, which says "complete: ..." when it writes one)
    every stream must run 1, 2, 3, ... without a skip, so an event deleted from a line's
    export is reported at the event after it.
 8. With --anchor HASH (repeatable): some event in the file has that hash. Keep the head
    hash printed by an earlier verification; if a later whole-log export still contains
    it, nothing at or before that position was changed, removed or inserted since. An
    empty file fails every anchor.

WHAT IS NOT CHECKED, and cannot be from the file alone:

 - A chain that was rewritten from some event onward, every later hash recomputed, is
   exactly as valid as the original: SHA-256 is a fingerprint, not a signature, and anyone
   can compute it. A valid chain proves that no event was changed, removed or inserted
   after the fact RELATIVE TO A HEAD HASH YOU KEPT from an earlier export (or obtained
   independently). It does not prove that a whole chain was not rewritten. Anchor it:
   record the head hash (and its position) each time, and pass it to --anchor next time.
 - Events removed from the END of the file leave a valid, shorter chain; only a head hash
   you kept (--anchor) reveals that.
 - In --filtered mode: whether the events skipped by the filter exist, are unchanged, or
   were the right ones to skip; the link into the first event of each run; and, without
   --complete-streams, the versions of a stream skipped across a gap or before its first
   event in the file. Format 2's chain per stream will prove those; format 1 cannot.
 - An empty file: nothing in it is wrong, so the exit status is 0 without --anchor, but it
   proves nothing, and says so ("0 events: an empty file proves nothing"; "empty": true).
 - The meaning of the events: event types, required fields, amounts, uniqueness of
   `eventId`, the format of `occurredAt`, and every business rule. Those are
   `subledger import` and `subledger audit`'s business, not the chain's.
 - In a CSV export, nothing beyond what its rows carry: each row is checked as the JSON
   line of its event (the first twelve columns), and its amount columns against its
   `data` cell (see CSV below).

CSV. A file named .csv, or whose first line is the header row of `subledger export --format
csv`, is read as CSV (RFC 4180; a quoted cell may span lines): each row after the header
becomes the JSON object of its event (`streamCategory: streamId` as the stream field,
`metadata` and `data` as the JSON they hold) and goes through every step above; then each
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
    0 events: an empty file proves nothing            (an empty file, without --anchor)
On the first failure, to stdout, exit status 1:
    bad: position P (file line L): REASON            ("position ?" when it is unreadable)
    bad: anchor HASH not found in the export         (--anchor, after a valid chain)
    bad: anchor HASH not found: the file holds no event
With --filtered and gaps present, notes on stderr say how many gaps were not checked and
how many times stream versions skipped across them.
With --json, one JSON object instead:
    {"ok": bool, "events": N, "firstBadPosition": P or null, "line": L or null,
     "reason": str or null, "head": HASH or null,
     "firstPosition": A or null, "lastPosition": B or null, "gaps": G,
     "versionGaps": V, "empty": bool}
where, on failure, N, head, firstPosition and lastPosition describe the events verified
before the failure, and "empty" is true when the file holds no event at all. Usage errors (no such file, unreadable file) go to stderr, exit 2.

The file is read line by line; memory grows with the number of streams in it (step 7
keeps each stream's last version), not with the number of events.
"""

import argparse
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
        return "ok: %d events, positions %d..%d, head %s" % (
            self.events, self.first_position, self.last_position, self.head)

    def as_json(self):
        return {
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

def verify(lines, filtered=False, anchors=(), complete_streams=False, numbered=None):
    """Verifies an export given as an iterable of byte strings, one per line.
    `complete_streams` also accepts gaps in positions (as `filtered` does). `numbered`
    replaces enumerate(lines, 1): (line number, bytes or a _RowFault) pairs (CSV rows)."""
    result = Result()
    scan, canonical, sha256, fromhex = _SCAN, _CANONICAL_FAST, hashlib.sha256, bytes.fromhex
    is_hex, time_key, store_time = _HEX64.fullmatch, _time_key, _STORE_TIME.fullmatch
    wanted = set(anchors)
    filtered = filtered or complete_streams
    prev_pos = prev_hash = prev_time = prev_time_text = prev_line = None
    blank_line = None  # the first empty line seen; an error if an event follows it
    # A jump in a whole-log export, held for one line: (position, file line, reason). If
    # the next line goes back into the jump, the pair is out of order, not missing.
    jump = None
    streams = StreamVersions(complete_streams)

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
        if type(stored_hash) is not str or is_hex(stored_hash) is None or \
                type(prev) is not str or is_hex(prev) is None:
            return result.fail(pos, line_no, _hex_problem(stored_hash, prev))
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
        try:
            body = canonical(obj).encode("utf-8")
        except UnicodeEncodeError:
            return result.fail(pos, line_no, "a string holds an unpaired surrogate (\\u escape)")
        if sha256(fromhex(prev) + body).hexdigest() != stored_hash:
            return result.fail(pos, line_no, "hash mismatch")

        # 4. The link to the previous position.
        if prev_pos is not None and pos == prev_pos + 1 and prev != prev_hash:
            return result.fail(pos, line_no, "prevHash does not match the hash of position %d" % prev_pos)

        # 6. recordedAt never decreases.
        if prev_time is not None and time < prev_time:
            return result.fail(pos, line_no, "recordedAt %s is before the recordedAt %s of position %d"
                               % (_short(recorded), _short(prev_time_text), prev_pos))

        # 7. Stream versions.
        problem = streams.check(obj, pos, pos == 1 or prev_pos is not None and pos == prev_pos + 1)
        result.version_gaps = streams.gaps
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
    # 8. Anchors.
    if wanted:
        missing = sorted(wanted)[0]
        if result.events == 0:
            return result.fail(None, None, "anchor %s not found: the file holds no event" % missing)
        return result.fail(None, None, "anchor %s not found in the export" % missing)
    return result


def _out_of_order(pos, before, before_line):
    if pos == before:
        return "position %d does not increase: file line %d has it too" % (pos, before_line)
    return "positions are out of order: position %d follows position %d (file line %d)" % (
        pos, before, before_line)


# The fields of every exported event; the one other top-level field names its stream
# (`line`, `subscriber`, ...), as `subledger import` reads an export.
_COMMON_FIELDS = frozenset(("type", "occurredAt", "data", "metadata", "position", "streamVersion",
                            "recordedAt", "eventId", "prevHash", "hash"))


class StreamVersions:
    """Step 7: the `streamVersion`s of each stream, which the store numbers 1, 2, 3, ...

    A stream's versions always increase along the file. Where the file shows that nothing
    of the stream can be missing, they step by one: from one event of the stream to its next
    when every position between them is in the file, and at a stream's first event (version
    1) when every position before it is. A whole-log export shows that everywhere. A
    filtered export may skip versions across a gap in positions: a time-range export leaves
    out the events of a stream that occurred outside the range, and one recorded late may
    lie between two that are in it; such skips are counted (`versionGaps`). With
    complete_streams (an export of whole streams: `export --line` or `--subscriber` without
    --from/--to) every stream must run 1, 2, 3, ... wherever its events are."""

    def __init__(self, complete):
        self.complete = complete
        self.last = {}  # stream -> (its last version, that event's position)
        self.run_start = 1  # the first position of the run of consecutive positions so far
        self.gaps = 0

    def check(self, obj, pos, follows_previous):
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
            return "the stream is not named: one field besides the common ones (line or subscriber) " \
                   "must hold a string, found %s" % (_short(", ".join(sorted(names))) or "none")
        last = self.last.get(stream)
        self.last[stream] = (version, pos)
        if last is None:
            if version == 1:
                return None
            name = _short("%s %s" % stream)
            if self.complete or self.run_start == 1:
                missing = "version 1 is missing" if version == 2 else "versions 1..%d are missing" % (version - 1)
                return "%s starts at streamVersion %d: %s%s" % (name, version, missing, self._why(self.run_start == 1))
            return None
        last_version, last_pos = last
        if version == last_version + 1:
            return None
        name = _short("%s %s" % stream)
        if version == last_version:
            return "%s: streamVersion %d repeats the version of position %d" % (name, version, last_pos)
        if version < last_version:
            return "%s: streamVersion %d follows streamVersion %d of position %d (versions go down)" % (
                name, version, last_version, last_pos)
        if self.complete or last_pos >= self.run_start:
            if version == last_version + 2:
                missing = "version %d is missing" % (last_version + 1)
            else:
                missing = "versions %d..%d are missing" % (last_version + 1, version - 1)
            return "%s skips from streamVersion %d (position %d) to %d: %s%s" % (
                name, last_version, last_pos, version, missing, self._why(last_pos >= self.run_start))
        self.gaps += 1
        return None

    def _why(self, positions_show_it):
        if positions_show_it:
            return " (no position in between is missing from the file)"
        return " (--complete-streams: every stream is whole)"


# --- CSV exports (subledger export --format csv) -----------------------------------------

CSV_AMOUNT_COLUMNS = ["amount", "total", "price", "value", "fee", "connectionFee", "vanityPremium",
                      "reconnectionFee"]
CSV_COLUMNS = ["position", "streamVersion", "recordedAt", "eventId", "type", "streamCategory", "streamId",
               "occurredAt", "prevHash", "hash", "metadata", "data"] + CSV_AMOUNT_COLUMNS
_CSV_HEADER = ",".join(CSV_COLUMNS).encode("ascii")
_CSV_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)


class _RowFault:
    """A fault of a CSV row outside the chain; `checked` when the row passed the chain's
    checks first (its position is then known)."""

    def __init__(self, reason, column=None, checked=False):
        self.reason, self.column, self.checked = reason, column, checked


def _is_csv_header(line):
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    if line.endswith(b"\r"):
        line = line[:-1]
    return line == _CSV_HEADER


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
    for name in ("recordedAt", "eventId", "type", "occurredAt", "prevHash", "hash"):
        members.append((name, quoted(cell[name])))
    members.sort(key=lambda member: member[0])
    return ("{" + ",".join("%s:%s" % (quoted(key), value) for key, value in members) + "}").encode("utf-8")


def _csv_rows(lines):
    """(row, bytes or _RowFault) for verify(): each row as the JSON line of its event,
    then a fault if its amount cells do not say what its data cell holds."""
    record, inside, row = b"", False, 0
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
            if not _is_csv_header(text):
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
        if len(cells) != len(CSV_COLUMNS):
            yield row, _RowFault("the row has %d cells, the header %d" % (len(cells), len(CSV_COLUMNS)))
            return
        cell = dict(zip(CSV_COLUMNS, cells))
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


def _verify_stream(stream, path, filtered, anchors, complete_streams):
    first = stream.readline()
    lines = itertools.chain([first], stream) if first else iter(())
    if first and (path.lower().endswith(".csv") or _is_csv_header(first.rstrip(b"\n"))):
        result = verify((), filtered, anchors, complete_streams, numbered=_csv_rows(lines))
        result.label = "row"
        return result
    return verify(lines, filtered, anchors, complete_streams)


def verify_file(path, filtered=False, anchors=(), complete_streams=False):
    """Verifies the export at `path` ("-" for standard input), JSON Lines or CSV (named
    .csv, or starting with the CSV header row). Raises OSError if unreadable."""
    if path == "-":
        return _verify_stream(sys.stdin.buffer, path, filtered, anchors, complete_streams)
    with open(path, "rb", buffering=1 << 20) as stream:
        return _verify_stream(stream, path, filtered, anchors, complete_streams)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="verify_export.py",
        description="Check the hash chain of a subledger export, JSON Lines or CSV (see the docstring "
                    "at the top of this file for exactly what is and is not checked).")
    parser.add_argument("file", metavar="FILE", help='the export, or "-" for standard input')
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--filtered", action="store_true",
                        help="accept gaps in positions (an export of one line or a time range); "
                             "links across a gap are not checked")
    parser.add_argument("--complete-streams", action="store_true",
                        help="every stream in the file is whole (an export of --line or --subscriber "
                             "without --from/--to): its stream versions run 1, 2, 3, ...; accepts gaps "
                             "in positions as --filtered does")
    parser.add_argument("--anchor", action="append", default=[], metavar="HASH",
                        help="a head hash kept from an earlier export; fail unless an event "
                             "of this export has it (repeatable)")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # never fail on a terminal that is not UTF-8
        sys.stdout.reconfigure(errors="backslashreplace")

    for anchor in args.anchor:
        if _HEX64.fullmatch(anchor) is None:
            parser.exit(2, "verify_export.py: --anchor needs 64 lowercase hex digits, got %r\n" % anchor)
    try:
        result = verify_file(args.file, args.filtered, args.anchor, args.complete_streams)
    except OSError as error:
        detail = error.strerror or str(error)
        parser.exit(2, "verify_export.py: cannot read %s: %s\n" % (args.file, detail))

    if args.json:
        print(json.dumps(result.as_json()))
    else:
        print(result.text())
        for note in result.notes():
            print(note, file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
