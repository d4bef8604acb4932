"""Tests of tools/verify_export.py, run with:

    python3 -m unittest discover -s tools/tests -v

Exports are built here by export_writer.py (its own hashing, not the verifier's), and the
verifier is run as auditors run it: as a separate process on a file.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

import export_writer
from export_writer import ZERO, build_export, chain_hash, jsonl

HERE = os.path.dirname(os.path.abspath(__file__))
VERIFIER = os.path.join(os.path.dirname(HERE), "verify_export.py")
SAMPLE = os.path.join(HERE, "samples", "threshold-cut.export.jsonl")
# The worked example of the contract, in the tests' own copy of spec/examples.
SPEC_EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "Fixtures", "spec-examples",
                            "threshold-cut.jsonl")

LINE = "+989121234567"

INPUTS = [
    {"type": "SubscriberRegistered", "subscriber": "S-1", "occurredAt": "2024-03-01T09:00:00Z",
     "data": {"subscriberId": "S-1", "kind": "individual", "governmental": False,
              "name": "Reza Karimi", "nationalId": "0012345678"}},
    {"type": "LineActivated", "line": LINE, "occurredAt": "2024-03-01T09:30:00Z",
     "data": {"subscriberId": "S-1", "service": "mobile", "plan": "noDeposit",
              "connectionFee": 0, "vanityPremium": 0}},
    {"type": "PaymentReceived", "line": LINE, "occurredAt": "2024-03-01T10:00:00Z",
     "data": {"paymentId": "P-1", "amount": 250000, "method": "card"}},
]

# Five events on two lines, to cut filtered exports from.
TWO_LINES = INPUTS[:2] + [
    {"type": "LineActivated", "line": "+989351112233", "occurredAt": "2024-03-02T08:00:00Z",
     "data": {"subscriberId": "S-1", "service": "mobile", "plan": "noDeposit",
              "connectionFee": 0, "vanityPremium": 0}},
    {"type": "UsageRecorded", "line": LINE, "occurredAt": "2024-03-03T08:00:00Z",
     "data": {"amount": 12000, "description": "calls"}},
    {"type": "UsageRecorded", "line": "+989351112233", "occurredAt": "2024-03-04T08:00:00Z",
     "data": {"amount": 7000, "description": "data"}},
    {"type": "PaymentReceived", "line": LINE, "occurredAt": "2024-03-05T08:00:00Z",
     "data": {"paymentId": "P-2", "amount": 12000, "method": "card"}},
]


def lines_of(events):
    """The export's lines as text, without their newline."""
    return jsonl(events).decode("utf-8").splitlines()


def join(lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


class VerifierTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def run_verifier(self, content, *options, stdin=False):
        """Runs the verifier on `content` (bytes); returns (exit status, stdout, stderr)."""
        if stdin:
            process = subprocess.run([sys.executable, VERIFIER, *options, "-"], input=content,
                                     capture_output=True)
        else:
            path = os.path.join(self.tmp.name, "export.jsonl")
            with open(path, "wb") as stream:
                stream.write(content)
            process = subprocess.run([sys.executable, VERIFIER, *options, path], capture_output=True)
        return process.returncode, process.stdout.decode("utf-8"), process.stderr.decode("utf-8")

    def assert_ok(self, content, events, first, last, head, *options):
        status, out, err = self.run_verifier(content, *options)
        self.assertEqual(out, "ok: %d events, positions %d..%d, head %s\n" % (events, first, last, head),
                         err)
        self.assertEqual(status, 0)

    def assert_bad(self, content, position, file_line, reason_part, *options):
        status, out, _ = self.run_verifier(content, *options)
        prefix = "bad: position %s (file line %d): " % (position, file_line)
        self.assertTrue(out.startswith(prefix), "%r does not start with %r" % (out, prefix))
        self.assertIn(reason_part, out)
        self.assertEqual(out.count("\n"), 1)
        self.assertEqual(status, 1)
        return out


class GoodExports(VerifierTestCase):
    def test_good_three_events_pass_with_the_right_head(self):
        events = build_export(INPUTS)
        # The head, recomputed here from scratch, is the last event's hash.
        prev = ZERO
        for event in events:
            body = {k: v for k, v in event.items() if k not in ("hash", "prevHash")}
            canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            prev = hashlib.sha256(bytes.fromhex(prev) + canonical.encode("utf-8")).hexdigest()
            self.assertEqual(event["hash"], prev)
        self.assert_ok(jsonl(events), 3, 1, 3, prev)

    def test_compact_and_spaced_lines_hash_the_same(self):
        events = build_export(INPUTS)
        self.assert_ok(jsonl(events, compact=True), 3, 1, 3, events[-1]["hash"])

    def test_json_output(self):
        events = build_export(INPUTS)
        status, out, _ = self.run_verifier(jsonl(events), "--json")
        self.assertEqual(status, 0)
        report = json.loads(out)
        self.assertEqual(report, {"ok": True, "events": 3, "firstBadPosition": None, "line": None,
                                  "reason": None, "head": events[-1]["hash"],
                                  "firstPosition": 1, "lastPosition": 3, "gaps": 0,
                                  "versionGaps": 0, "empty": False, "column": None})

    def test_json_output_on_failure(self):
        events = build_export(INPUTS)
        events[2]["data"]["amount"] = 1
        status, out, _ = self.run_verifier(jsonl(events), "--json")
        self.assertEqual(status, 1)
        report = json.loads(out)
        self.assertEqual(report["ok"], False)
        self.assertEqual(report["firstBadPosition"], 3)
        self.assertEqual(report["line"], 3)
        self.assertEqual(report["reason"], "hash mismatch")
        self.assertEqual(report["events"], 2)
        self.assertEqual(report["head"], events[1]["hash"])

    def test_stdin(self):
        events = build_export(INPUTS)
        status, out, _ = self.run_verifier(jsonl(events), stdin=True)
        self.assertEqual((status, out), (0, "ok: 3 events, positions 1..3, head %s\n" % events[-1]["hash"]))

    def test_empty_file_says_it_proves_nothing(self):
        # Nothing in it is wrong, so exit 0, but it is not an "ok": no event, no head.
        for content in (b"", b"\n"):
            for options in ((), ("--filtered",), ("--complete-streams",)):
                status, out, _ = self.run_verifier(content, *options)
                self.assertEqual((status, out), (0, "0 events: an empty file proves nothing\n"))
        status, out, _ = self.run_verifier(b"", "--json")
        self.assertEqual(json.loads(out), {"ok": True, "events": 0, "firstBadPosition": None,
                                           "line": None, "reason": None, "head": None,
                                           "firstPosition": None, "lastPosition": None, "gaps": 0,
                                           "versionGaps": 0, "empty": True, "column": None})

    def test_empty_file_fails_an_anchor(self):
        # An anchor names a head the file must reach; an empty file reaches none.
        anchor = "ab" * 32
        status, out, _ = self.run_verifier(b"\n", "--anchor", anchor)
        self.assertEqual((status, out), (1, "bad: anchor %s not found: the file holds no event\n" % anchor))
        status, out, _ = self.run_verifier(b"", "--anchor", anchor, "--json")
        report = json.loads(out)
        self.assertEqual((status, report["ok"], report["empty"]), (1, False, True))

    def test_trailing_empty_line_and_missing_final_newline_pass(self):
        events = build_export(INPUTS)
        self.assert_ok(jsonl(events) + b"\n", 3, 1, 3, events[-1]["hash"])
        self.assert_ok(jsonl(events).rstrip(b"\n"), 3, 1, 3, events[-1]["hash"])

    def test_worked_example_sample_passes(self):
        with open(SAMPLE, "rb") as stream:
            content = stream.read()
        last = json.loads(content.splitlines()[-1])
        self.assert_ok(content, 11, 1, 11, last["hash"])

    def test_worked_example_rebuilds_to_the_sample(self):
        with open(SPEC_EXAMPLE, encoding="utf-8") as stream:
            inputs = [json.loads(line) for line in stream if line.strip()]
        with open(SAMPLE, "rb") as stream:
            self.assertEqual(jsonl(build_export(inputs), compact=True), stream.read())


class NonAsciiText(VerifierTestCase):
    PERSIAN = "رضا کریمی"

    def persian_inputs(self):
        inputs = json.loads(json.dumps(INPUTS))
        inputs[0]["data"]["name"] = self.PERSIAN
        inputs[0]["metadata"] = inputs[2]["metadata"] = {"actor": "صندوق", "source": "شعبه مرکزی"}
        return inputs

    def test_persian_text_hashes_as_utf8_not_escapes_and_the_name_only_as_a_commitment(self):
        events = build_export(self.persian_inputs())
        # The hashed bytes carry Persian text as UTF-8, not as \\u escapes; the name (RET-1,
        # issue 10 item 1) is not in them at all, only its commitment.
        body = {k: v for k, v in events[0].items() if k not in ("hash", "prevHash")}
        canonical = export_writer.canonical_bytes(body)
        self.assertIn("صندوق".encode("utf-8"), canonical)
        self.assertNotIn(self.PERSIAN.encode("utf-8"), canonical)
        self.assertIn(b'"name":{"commitment":"', canonical)
        self.assertNotIn(b"\\u", canonical)
        self.assert_ok(jsonl(events), 3, 1, 3, events[-1]["hash"])

    def test_line_written_with_escapes_still_verifies(self):
        # How the line is written does not matter: "\u0631..." and "ر..." are the same string.
        events = build_export(self.persian_inputs())
        ascii_lines = "".join(json.dumps(e, ensure_ascii=True) + "\n" for e in events).encode("ascii")
        self.assert_ok(ascii_lines, 3, 1, 3, events[-1]["hash"])

    def test_hash_over_escaped_form_is_refused(self):
        events = build_export(self.persian_inputs(), ensure_ascii=True)
        self.assert_bad(jsonl(events), 1, 1, "hash mismatch")

    def test_golden_vector_written_by_hand(self):
        # Canonical bytes written out by hand: keys sorted, no spaces, raw UTF-8.
        canonical = ('{"data":{"name":"رضا کریمی","subscriberId":"S-9"},'
                     '"eventId":"00000000-0000-4000-8000-000000000001",'
                     '"metadata":{},"occurredAt":"2024-03-01T10:00:00.000Z","position":1,'
                     '"recordedAt":"2024-03-01T10:00:01.000Z","streamPrevHash":"%s","streamVersion":1,'
                     '"subscriber":"S-9","type":"SubscriberRegistered"}' % ZERO).encode("utf-8")
        digest = hashlib.sha256(bytes(32) + canonical).hexdigest()
        # The line itself: another key order, spaces, escapes.
        line = ('{ "type" : "SubscriberRegistered", "subscriber": "S-9", "position": 1,'
                ' "hash": "%s", "prevHash": "%s", "streamVersion": 1, "streamPrevHash": "%s",'
                ' "occurredAt": "2024-03-01T10:00:00.000Z", "recordedAt": "2024-03-01T10:00:01.000Z",'
                ' "eventId": "00000000-0000-4000-8000-000000000001", "metadata": { },'
                ' "data": {"subscriberId": "S-9", "name": "\\u0631\\u0636\\u0627 \\u06a9\\u0631\\u06cc\\u0645\\u06cc"}}\n'
                % (digest, ZERO, ZERO))
        self.assert_ok(line.encode("ascii"), 1, 1, 1, digest)


class Tampering(VerifierTestCase):
    def test_tampered_amount_fails_naming_its_position(self):
        events = build_export(INPUTS)
        events[2]["data"]["amount"] = 25000
        self.assert_bad(jsonl(events), 3, 3, "hash mismatch")

    def test_tampered_first_event_fails_at_position_1(self):
        events = build_export(INPUTS)
        events[0]["data"]["name"] = "Someone Else"
        self.assert_bad(jsonl(events), 1, 1, "hash mismatch")

    def test_deleted_middle_line_fails_naming_the_next_position(self):
        lines = lines_of(build_export(INPUTS))
        del lines[1]
        self.assert_bad(join(lines), 3, 2, "position jumps from 1 to 3")

    def test_deleted_first_line_fails(self):
        lines = lines_of(build_export(INPUTS))
        del lines[0]
        self.assert_bad(join(lines), 2, 1, "starts at position 1")

    def test_deleted_middle_line_with_renumbered_positions_fails(self):
        events = build_export(INPUTS)
        del events[1]
        events[1]["position"] = 2
        self.assert_bad(jsonl(events), 2, 2, "hash mismatch")

    def test_reordered_pair_fails(self):
        lines = lines_of(build_export(TWO_LINES))
        lines[2], lines[3] = lines[3], lines[2]
        # Not "events are missing": the pair is out of order, in both modes (issue 9).
        for options in ((), ("--filtered",)):
            out = self.assert_bad(join(lines), 3, 4, "positions are out of order: position 3 follows "
                                  "position 4 (file line 3)", *options)
            self.assertNotIn("missing", out)

    def test_a_jump_at_the_end_or_before_a_bad_line_is_still_a_jump(self):
        lines = lines_of(build_export(TWO_LINES))
        self.assert_bad(join(lines[:2] + lines[3:4]), 4, 3, "position jumps from 2 to 4: events are missing")
        self.assert_bad(join(lines[:2] + lines[3:4] + ["[1]"]), 4, 3, "position jumps from 2 to 4")
        self.assert_bad(join(lines[:2] + lines[3:]), 4, 3, "position jumps from 2 to 4")

    def test_reordered_pair_with_swapped_positions_fails(self):
        events = build_export(TWO_LINES)
        events[2], events[3] = events[3], events[2]
        events[2]["position"], events[3]["position"] = 3, 4
        self.assert_bad(jsonl(events), 3, 3, "hash mismatch")

    def test_forged_event_with_its_own_valid_hash_breaks_the_link(self):
        events = build_export(INPUTS)
        forged = dict(events[1], data=dict(events[1]["data"], plan="deposit"))
        forged["prevHash"] = "1" * 64
        forged["hash"] = chain_hash(forged["prevHash"], forged)
        events[1] = forged
        self.assert_bad(jsonl(events), 2, 2, "prevHash does not match the hash of position 1")

    def test_forged_event_breaks_the_next_link(self):
        events = build_export(INPUTS)
        forged = dict(events[1], data=dict(events[1]["data"], plan="deposit"))
        forged["hash"] = chain_hash(forged["prevHash"], forged)
        events[1] = forged
        self.assert_bad(jsonl(events), 3, 3, "prevHash does not match the hash of position 2")

    def test_inserted_event_fails(self):
        events = build_export(INPUTS)
        extra = build_export(INPUTS[2:], start_position=2, prev_hash=events[0]["hash"])
        lines = lines_of(events)
        lines.insert(1, lines_of(extra)[0])
        self.assert_bad(join(lines), 2, 3, "position 2 does not increase: file line 2 has it too")

    def test_rewritten_tail_passes_alone_but_not_against_the_kept_head(self):
        # What the chain cannot show by itself, and what an anchor shows.
        original = build_export(INPUTS)
        changed = json.loads(json.dumps(INPUTS))
        changed[2]["data"]["amount"] = 1
        rewritten = original[:2] + build_export(changed[2:], start_position=3,
                                                prev_hash=original[1]["hash"], after=original[:2])
        self.assert_ok(jsonl(rewritten), 3, 1, 3, rewritten[-1]["hash"])
        status, out, _ = self.run_verifier(jsonl(rewritten), "--anchor", original[-1]["hash"])
        self.assertEqual((status, out), (1, "bad: anchor %s not found in the export\n" % original[-1]["hash"]))
        self.assert_ok(jsonl(rewritten), 3, 1, 3, rewritten[-1]["hash"], "--anchor", original[1]["hash"])

    def test_truncated_tail_is_caught_only_by_the_anchor(self):
        events = build_export(INPUTS)
        self.assert_ok(jsonl(events[:2]), 2, 1, 2, events[1]["hash"])
        status, out, _ = self.run_verifier(jsonl(events[:2]), "--anchor", events[2]["hash"])
        self.assertEqual(status, 1)
        self.assertIn("not found", out)

    def test_recorded_at_must_not_decrease(self):
        inputs = json.loads(json.dumps(INPUTS))
        events = build_export(inputs)
        events[2]["recordedAt"] = "2024-03-01T09:29:59.999Z"
        events[2]["hash"] = chain_hash(events[2]["prevHash"], events[2])
        self.assert_bad(jsonl(events), 3, 3, "recordedAt")

    def test_recorded_at_with_offset_is_compared_as_an_instant(self):
        events = build_export(INPUTS)
        # 13:00+03:30 is 09:30Z: equal to position 2, so not a decrease.
        events[2]["recordedAt"] = "2024-03-01T13:00:00+03:30"
        events[2]["hash"] = chain_hash(events[2]["prevHash"], events[2])
        self.assert_ok(jsonl(events), 3, 1, 3, events[2]["hash"])
        events[2]["recordedAt"] = "2024-03-01T12:59:59.5+03:30"
        events[2]["hash"] = chain_hash(events[2]["prevHash"], events[2])
        self.assert_bad(jsonl(events), 3, 3, "recordedAt")


class FilteredExports(VerifierTestCase):
    def line_export(self):
        events = build_export(TWO_LINES)
        return [e for e in events if e.get("line") == LINE]  # positions 2, 4, 6

    def test_gap_with_valid_hashes_passes_when_filtered(self):
        events = self.line_export()
        self.assertEqual([e["position"] for e in events], [2, 4, 6])
        status, out, err = self.run_verifier(jsonl(events), "--filtered")
        self.assertEqual((status, out), (0, "ok: 3 events, positions 2..6, head %s\n" % events[-1]["hash"]))
        self.assertIn("2 gaps", err)
        status, out, _ = self.run_verifier(jsonl(events), "--filtered", "--json")
        self.assertEqual(json.loads(out)["gaps"], 2)

    def test_gap_fails_without_filtered(self):
        self.assert_bad(jsonl(self.line_export()), 2, 1, "--filtered")

    def test_tampered_event_in_filtered_export_fails(self):
        events = self.line_export()
        events[1]["data"]["amount"] = 1
        self.assert_bad(jsonl(events), 4, 2, "hash mismatch", "--filtered")

    def test_consecutive_positions_in_filtered_export_are_linked(self):
        events = build_export(TWO_LINES)
        kept = [events[1], events[2], events[4]]  # positions 2, 3, 5
        self.assert_ok(jsonl(kept), 3, 2, 5, events[4]["hash"], "--filtered")
        forged = dict(events[2], prevHash="2" * 64)
        forged["hash"] = chain_hash(forged["prevHash"], forged)
        self.assert_bad(jsonl([events[1], forged, events[4]]), 3, 2,
                        "prevHash does not match the hash of position 2", "--filtered")


def stream_of(event):
    return ("line", event["line"]) if "line" in event else ("subscriber", event.get("subscriber"))


def rechain(events, start_position=1, prev_hash=ZERO):
    """The events renumbered from `start_position` and chained again, as a forger who
    recomputes every hash would leave them (their stream versions as they are, each
    stream's chain relinked in file order: 64 zeros at a version 1)."""
    chained, stream_hashes = [], {}
    for offset, event in enumerate(events):
        event = dict(event, position=start_position + offset, prevHash=prev_hash)
        if event.get("streamVersion") == 1:
            event["streamPrevHash"] = ZERO
        elif stream_of(event) in stream_hashes:
            event["streamPrevHash"] = stream_hashes[stream_of(event)]
        event["hash"] = chain_hash(prev_hash, event)
        prev_hash = stream_hashes[stream_of(event)] = event["hash"]
        chained.append(event)
    return chained


class StreamVersions(VerifierTestCase):
    """Step 7 (issue 9): a stream's versions are contiguous wherever the file holds it whole."""

    def line_export(self):
        return [e for e in build_export(TWO_LINES) if e.get("line") == LINE]  # versions 1..3

    def forged_at_the_end(self, version):
        events = build_export(INPUTS)
        forged = dict(events[2], streamVersion=version, position=4, prevHash=events[2]["hash"],
                      streamPrevHash=events[2]["hash"], eventId="00000000-0000-4000-8000-000000000999")
        forged["hash"] = chain_hash(forged["prevHash"], forged)
        return events, events + [forged]

    def test_a_forged_event_with_version_999_at_the_end_fails_even_with_an_anchor(self):
        original, forged = self.forged_at_the_end(999)
        reason = ("line +989121234567 skips from streamVersion 2 (position 3) to 999: versions 3..998 are "
                  "missing (no position in between is missing from the file)")
        for options in ((), ("--anchor", original[-1]["hash"]), ("--filtered",), ("--complete-streams",)):
            out = self.assert_bad(jsonl(forged), 4, 4, reason, *options)
            self.assertEqual(out, "bad: position 4 (file line 4): %s\n" % reason)
        _, right = self.forged_at_the_end(3)
        self.assert_ok(jsonl(right), 4, 1, 4, right[-1]["hash"], "--anchor", original[-1]["hash"])

    def test_an_event_deleted_from_the_middle_of_a_line_export(self):
        events = self.line_export()
        del events[1]  # version 2, position 4
        reason = ("line +989121234567 skips from streamVersion 1 (position 2) to 3: version 2 is missing "
                  "(--complete-streams: every stream is whole)")
        self.assert_bad(jsonl(events), 6, 2, reason, "--complete-streams")
        self.assert_bad(jsonl(events), 6, 2, reason, "--complete-streams", "--filtered")
        # Format 2 (issue 10 item 2): each stream's chain has no gap, --filtered or not.
        self.assert_bad(jsonl(events), 6, 2, "line +989121234567 skips from streamVersion 1 (position 2) to 3: "
                        "version 2 is missing (a stream's chain has no gap; a time range that leaves out an "
                        "event recorded late: --allow-version-gaps)", "--filtered")
        # --allow-version-gaps cannot tell it from a time range: it passes, and says what it skipped.
        status, out, err = self.run_verifier(jsonl(events), "--allow-version-gaps")
        self.assertEqual((status, out), (0, "ok: 2 events, positions 2..6, head %s\n" % events[-1]["hash"]))
        self.assertIn("stream versions skip across a gap in positions 1 time", err)
        self.assertIn("--complete-streams", err)
        status, out, _ = self.run_verifier(jsonl(events), "--allow-version-gaps", "--json")
        self.assertEqual(json.loads(out)["versionGaps"], 1)
        self.assert_ok(jsonl(self.line_export()), 3, 2, 6, self.line_export()[-1]["hash"], "--complete-streams")

    def test_the_first_event_deleted_from_a_line_export(self):
        events = self.line_export()[1:]
        self.assert_bad(jsonl(events), 4, 1, "line +989121234567 starts at streamVersion 2: version 1 is missing",
                        "--complete-streams")
        self.assert_ok(jsonl(events), 2, 4, 6, events[-1]["hash"], "--filtered")

    def test_a_stream_that_starts_late_where_nothing_before_it_is_missing(self):
        events = build_export(INPUTS)
        events[1]["streamVersion"] = 2
        events = rechain(events)
        for options in ((), ("--filtered",)):
            self.assert_bad(jsonl(events), 2, 2, "line +989121234567 starts at streamVersion 2: version 1 is "
                            "missing (no position in between is missing from the file)", *options)

    def test_a_swapped_pair_renumbered_and_rechained(self):
        # In the whole log the first of the pair already skips a version.
        events = build_export(TWO_LINES)
        events[3], events[5] = events[5], events[3]  # the line's versions 2 and 3
        self.assert_bad(jsonl(rechain(events)), 4, 4, "line +989121234567 skips from streamVersion 1 "
                        "(position 2) to 3: version 2 is missing (no position in between is missing")
        # In a line export, each event's hash recomputed where it lies: the versions go down.
        events = self.line_export()
        events[1]["streamVersion"], events[2]["streamVersion"] = 3, 2
        for event in events:
            event["hash"] = chain_hash(event["prevHash"], event)
        self.assert_bad(jsonl(events), 6, 3, "line +989121234567: streamVersion 2 follows streamVersion 3 "
                        "of position 4 (versions go down)", "--allow-version-gaps")
        for options in (("--filtered",), ("--complete-streams",)):
            self.assert_bad(jsonl(events), 4, 2, "skips from streamVersion 1 (position 2) to 3", *options)

    def test_a_repeated_version(self):
        events = build_export(INPUTS)
        events[2]["streamVersion"] = 1
        self.assert_bad(jsonl(rechain(events)), 3, 3, "streamVersion 1 repeats the version of position 2")

    def test_a_time_range_may_skip_a_version_recorded_late(self):
        # Version 2 occurred on 03-05; version 3, recorded later, occurred on 03-02: a range
        # from 03-01 to 03-04 holds versions 1 and 3 of the line, a genuine skip.
        inputs = json.loads(json.dumps(INPUTS[:2]))
        inputs.append({"type": "UsageRecorded", "line": LINE, "occurredAt": "2024-03-05T08:00:00Z",
                       "data": {"amount": 1000, "description": "calls"}})
        inputs.append({"type": "UsageRecorded", "line": LINE, "occurredAt": "2024-03-02T08:00:00Z",
                       "recordedAt": "2024-03-06T08:00:00Z", "data": {"amount": 2000, "description": "late"}})
        events = [e for e in build_export(inputs) if e["occurredAt"] < "2024-03-04"]
        self.assertEqual([e["streamVersion"] for e in events if "line" in e], [1, 3])
        status, out, _ = self.run_verifier(jsonl(events), "--allow-version-gaps")
        self.assertEqual((status, out), (0, "ok: 3 events, positions 1..4, head %s\n" % events[-1]["hash"]))
        self.assert_bad(jsonl(events), 4, 3, "skips from streamVersion 1 (position 2) to 3", "--filtered")
        self.assert_bad(jsonl(events), 4, 3, "skips from streamVersion 1 (position 2) to 3", "--complete-streams")

    def test_stream_fields_that_are_missing_or_wrong(self):
        cases = [
            (lambda e: e.pop("streamVersion"), "streamVersion is missing"),
            (lambda e: e.update(streamVersion=0), "streamVersion is not a positive integer: 0"),
            (lambda e: e.update(streamVersion="2"), 'streamVersion is not a positive integer: "2"'),
            (lambda e: e.pop("line"), "the stream is not named: one field besides the common ones (line, "
                                      "subscriber, policy) must hold a string, found none"),
            (lambda e: e.update(subscriber="S-1"), "found line, subscriber"),
            (lambda e: e.update(line=7), "found line"),
        ]
        for change, reason in cases:
            with self.subTest(reason=reason):
                events = build_export(INPUTS)
                change(events[1])
                self.assert_bad(jsonl(rechain(events)), 2, 2, reason)


def csv_of(events):
    """A CSV export of the events as `subledger export --format csv` lays it out (written
    here with the csv module, independently of the verifier's reader)."""
    import csv
    import io
    amounts = ["amount", "total", "price", "value", "fee", "connectionFee", "vanityPremium", "reconnectionFee"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["position", "streamVersion", "recordedAt", "eventId", "type", "streamCategory", "streamId",
                     "occurredAt", "prevHash", "streamPrevHash", "hash", "metadata", "data"] + amounts)
    for event in events:
        category = "line" if "line" in event else "subscriber"
        dumps = lambda value: json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        writer.writerow([event["position"], event["streamVersion"], event["recordedAt"], event["eventId"],
                         event["type"], category, event[category], event["occurredAt"], event["prevHash"],
                         event["streamPrevHash"], event["hash"], dumps(event["metadata"]), dumps(event["data"])]
                        + [event["data"][a] if type(event["data"].get(a)) is int else "" for a in amounts])
    return out.getvalue().encode("utf-8")


class CSVExports(VerifierTestCase):
    """Issue 9 item 17: a CSV export is checked as JSON Lines are; rows count from the header."""

    def run_csv(self, content, *options):
        path = os.path.join(self.tmp.name, "export.csv")
        with open(path, "wb") as stream:
            stream.write(content)
        process = subprocess.run([sys.executable, VERIFIER, *options, path], capture_output=True)
        return process.returncode, process.stdout.decode("utf-8")

    def test_a_good_csv_export_passes_with_the_head_of_its_json_lines(self):
        events = build_export(INPUTS)
        self.assertEqual(self.run_csv(csv_of(events)),
                         (0, "ok: 3 events, positions 1..3, head %s\n" % events[-1]["hash"]))
        # Found by its header row too, whatever the file is called.
        self.assertEqual(self.run_verifier(csv_of(events))[1], "ok: 3 events, positions 1..3, head %s\n"
                         % events[-1]["hash"])

    def test_an_edited_amount_cell_is_named_by_row_and_column(self):
        content = csv_of(build_export(INPUTS)).replace(b",250000,", b",250001,")
        self.assertEqual(self.run_csv(content), (1, 'bad: position 3 (row 4, column amount): the cell says '
                                                    '"250001" but data holds 250000\n'))
        status, out = self.run_csv(content, "--json")
        report = json.loads(out)
        self.assertEqual((report["line"], report["column"], report["firstBadPosition"]), (4, "amount", 3))

    def test_an_edited_data_cell_fails_its_hash(self):
        content = csv_of(build_export(INPUTS)).replace(b'""amount"":250000', b'""amount"":250001')
        self.assertEqual(self.run_csv(content), (1, "bad: position 3 (row 4): hash mismatch\n"))

    def test_a_row_with_a_cell_missing(self):
        rows = csv_of(build_export(INPUTS)).split(b"\r\n")
        rows[2] = rows[2][:rows[2].rindex(b",")]
        self.assertEqual(self.run_csv(b"\r\n".join(rows)), (1, "bad: position ? (row 3): the row has 20 cells, the header 21\n"))


class MalformedInput(VerifierTestCase):
    def with_line(self, index, text):
        lines = lines_of(build_export(INPUTS))
        lines[index] = text
        return join(lines)

    def test_float_is_refused(self):
        for number in ("250000.0", "2.5e5", "25E4"):
            line = lines_of(build_export(INPUTS))[2].replace('"amount": 250000', '"amount": ' + number)
            out = self.assert_bad(self.with_line(2, line), 3, 3, "not an integer")
            self.assertIn(number, out)

    def test_nan_and_infinity_are_refused(self):
        for number in ("NaN", "Infinity", "-Infinity"):
            line = lines_of(build_export(INPUTS))[2].replace('"amount": 250000', '"amount": ' + number)
            self.assert_bad(self.with_line(2, line), 3, 3, "not an integer")

    def test_float_refused_even_with_a_matching_hash(self):
        # json.dumps would print 250000.0; the format has no such number.
        events = build_export(INPUTS)
        events[2]["data"]["amount"] = 250000.0
        events[2]["hash"] = chain_hash(events[2]["prevHash"], events[2])
        self.assert_bad(jsonl(events), 3, 3, "not an integer")

    def test_duplicate_keys_are_refused(self):
        line = lines_of(build_export(INPUTS))[2]
        doubled = line.replace('"amount": 250000', '"amount": 250000, "amount": 1')
        self.assert_bad(self.with_line(2, doubled), 3, 3, 'duplicate key "amount"')
        top = line.replace('"type": ', '"type": "X", "type": ', 1)
        self.assert_bad(self.with_line(2, top), 3, 3, 'duplicate key "type"')
        position = line.replace('"position": 3', '"position": 3, "position": 3')
        self.assert_bad(self.with_line(2, position), "?", 3, 'duplicate key "position"')

    def test_malformed_json(self):
        line = lines_of(build_export(INPUTS))[1]
        self.assert_bad(self.with_line(1, line[:-5]), "?", 2, "malformed JSON")

    def test_invalid_utf8(self):
        lines = jsonl(build_export(INPUTS)).split(b"\n")
        lines[1] = lines[1].replace(b"mobile", b"mob\xffile")
        self.assert_bad(b"\n".join(lines), "?", 2, "invalid UTF-8")

    def test_not_an_object(self):
        self.assert_bad(self.with_line(1, "[1, 2, 3]"), "?", 2, "not a JSON object")

    def test_empty_line_in_the_middle(self):
        lines = lines_of(build_export(INPUTS))
        lines.insert(1, "")
        self.assert_bad(join(lines), "?", 2, "empty line")

    def test_missing_and_ill_typed_chain_fields(self):
        events = build_export(INPUTS)
        cases = [
            ("hash", None, 2, "hash is missing"),
            ("prevHash", None, 2, "prevHash is missing"),
            ("hash", events[1]["hash"].upper(), 2, "hash is not 64 lowercase hex"),
            ("prevHash", events[0]["hash"][:63], 2, "prevHash is not 64 lowercase hex"),
            ("hash", 12, 2, "hash is not 64 lowercase hex"),
            ("position", None, "?", "position is missing"),
            ("position", "2", "?", "position is not a positive integer"),
            ("position", True, "?", "position is not a positive integer"),
            ("position", 0, "?", "position is not a positive integer"),
            ("recordedAt", None, 2, "recordedAt is missing"),
            ("recordedAt", "yesterday", 2, "recordedAt is not an RFC 3339 time"),
        ]
        for field, value, position, reason in cases:
            with self.subTest(field=field, value=value):
                broken = json.loads(json.dumps(events))
                if value is None:
                    del broken[1][field]
                else:
                    broken[1][field] = value
                self.assert_bad(jsonl(broken), position, 2, reason)

    def test_recorded_at_with_other_digits_is_refused(self):
        events = build_export(INPUTS)
        events[1]["recordedAt"] = "۲۰۲۴-03-01T09:30:00.000Z"
        events[1]["hash"] = chain_hash(events[1]["prevHash"], events[1])
        self.assert_bad(jsonl(events), 2, 2, "recordedAt is not an RFC 3339 time")

    def test_crlf_line_ends_and_leading_spaces_are_only_layout(self):
        events = build_export(INPUTS)
        content = b"".join(b"  " + line + b"\r\n" for line in jsonl(events).splitlines())
        self.assert_ok(content, 3, 1, 3, events[-1]["hash"])

    def test_position_1_needs_zero_prev_hash(self):
        events = build_export(INPUTS, prev_hash="ab" * 32)
        self.assert_bad(jsonl(events), 1, 1, "position 1 must have prevHash of 64 zeros")

    def test_zero_prev_hash_only_at_position_1(self):
        events = build_export(INPUTS[1:], start_position=2)
        self.assert_bad(jsonl(events), 2, 1, "only position 1", "--filtered")

    def test_unpaired_surrogate(self):
        line = lines_of(build_export(INPUTS))[2].replace('"card"', '"\\ud800"')
        self.assert_bad(self.with_line(2, line), 3, 3, "surrogate")


class CanonicalForm(unittest.TestCase):
    def test_fast_encoder_agrees_with_json_dumps(self):
        sys.path.insert(0, os.path.dirname(VERIFIER))
        try:
            import verify_export
        finally:
            sys.path.remove(os.path.dirname(VERIFIER))
        samples = build_export(INPUTS) + [
            {"z": "رضا کریمی", "a": [1, -9223372036854775808, 18446744073709551615, None, True],
             "\u00e9": {"\x00\x1f\x7f\u2028\"\\/": "\U0001f600\t\n\r\b\f"}, "": {}}]
        for sample in samples:
            expected = json.dumps(sample, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            self.assertEqual(verify_export._CANONICAL_FAST(sample), expected)


class Usage(VerifierTestCase):
    def test_no_such_file(self):
        process = subprocess.run([sys.executable, VERIFIER, os.path.join(self.tmp.name, "nope.jsonl")],
                                 capture_output=True)
        self.assertEqual(process.returncode, 2)
        self.assertEqual(process.stdout, b"")
        self.assertIn(b"nope.jsonl", process.stderr)

    def test_bad_anchor(self):
        status, out, err = self.run_verifier(b"", "--anchor", "xyz")
        self.assertEqual((status, out), (2, ""))
        self.assertIn("--anchor", err)


if __name__ == "__main__":
    unittest.main()
