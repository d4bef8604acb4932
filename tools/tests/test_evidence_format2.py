"""Tests of tools/verify_export.py's format-2 checks (issue 10, items 2 to 4): each stream's
chain, disclosures, Ed25519 checkpoints, inclusion and consistency proofs, and a line
export forged in each of five ways (changed, dropped, reordered, appended, whole chain
rewritten after a checkpoint was kept). Run with:

    python3 -m unittest discover -s tools/tests -v

Exports, Merkle trees and signatures are made by export_writer.py (the recursive
definitions of RFC 9162 section 2.1, RFC 8032's signing in affine coordinates): none of
the verifier's code. The crypto is also checked against RFC 8032's own test vectors.
Files in samples/ (NAME.jsonl, and NAME.proof.json beside it; a consistency proof as
NAME.old.json, NAME.new.json, NAME.consistency.json) are verified as they are, so an
export made by the Swift tool and signed by swift-crypto is a cross-check once it is there.
"""

import base64
import copy
import glob
import hashlib
import json
import os
import subprocess
import sys
import unittest

import export_writer
from export_writer import ZERO, build_export, chain_hash, jsonl
from rfc8032_vectors import VECTORS
from test_verify_export import INPUTS, LINE, TWO_LINES, VERIFIER, VerifierTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "samples")
sys.path.insert(0, os.path.dirname(VERIFIER))
import verify_export  # noqa: E402  (the verifier's functions, for the crypto's unit tests)

sys.path.remove(os.path.dirname(VERIFIER))


def flip(data, index=0, bit=1):
    """`data` (bytes) with one bit flipped at byte `index`."""
    flipped = bytearray(data)
    flipped[index] ^= bit
    return bytes(flipped)


def flip_base64(text, index=0):
    return base64.b64encode(flip(base64.b64decode(text), index)).decode("ascii")


class Ed25519(unittest.TestCase):
    """Issue 10 item 4: RFC 8032 section 5.1.7 verification, in pure Python."""

    def vectors(self):
        for name, secret, public, message, signature in VECTORS:
            yield name, bytes.fromhex(secret), bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)

    def test_the_vectors_are_the_rfcs(self):
        # The copied vectors check themselves: the independent signer derives each key and
        # reproduces each signature from the secret alone; SHA(abc)'s message is SHA-512("abc").
        self.assertEqual([vector[0] for vector in VECTORS],
                         ["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"])
        for name, secret, public, message, signature in self.vectors():
            with self.subTest(name):
                self.assertEqual(export_writer.public_key(secret), public)
                self.assertEqual(export_writer.sign(secret, message), signature)
        self.assertEqual(len(bytes.fromhex(VECTORS[3][3])), 1023)
        self.assertEqual(bytes.fromhex(VECTORS[4][3]), hashlib.sha512(b"abc").digest())

    def test_rfc8032_vectors_verify(self):
        for name, _, public, message, signature in self.vectors():
            with self.subTest(name):
                self.assertTrue(verify_export.ed25519_verify(public, message, signature))

    def test_a_flipped_signature_bit_fails(self):
        for name, _, public, message, signature in self.vectors():
            for index in (0, 17, 32, 63):  # in R and in S
                with self.subTest(name, index=index):
                    self.assertFalse(verify_export.ed25519_verify(public, message, flip(signature, index)))

    def test_a_flipped_key_or_message_fails(self):
        for name, _, public, message, signature in self.vectors():
            with self.subTest(name):
                self.assertFalse(verify_export.ed25519_verify(flip(public, 5), message, signature))
                self.assertFalse(verify_export.ed25519_verify(public, message + b"\x00", signature))

    def test_a_non_canonical_s_or_point_is_refused(self):
        _, _, public, message, signature = next(self.vectors())
        s = int.from_bytes(signature[32:], "little")
        malleable = signature[:32] + (s + verify_export._L).to_bytes(32, "little")
        self.assertFalse(verify_export.ed25519_verify(public, message, malleable))
        # y = p (not below the field's modulus) encodes no point.
        self.assertIsNone(verify_export._point_decode((2 ** 255 - 19).to_bytes(32, "little")))
        self.assertFalse(verify_export.ed25519_verify(public[:31], message, signature))


class MerkleProofs(unittest.TestCase):
    """Issue 10 item 3: RFC 9162's verification algorithms agree with its recursive definitions."""

    def leaves(self, count):
        return [hashlib.sha256(b"\x00" + hashlib.sha256(b"%d" % index).digest()).digest() for index in range(count)]

    def test_every_inclusion_proof_of_trees_up_to_17_leaves(self):
        for size in range(1, 18):
            leaves = self.leaves(size)
            root = export_writer.mth(leaves)
            for index in range(size):
                path = export_writer.inclusion_path(index, leaves)
                self.assertEqual(verify_export.inclusion_root(index, size, leaves[index], path), root)
                if path:
                    self.assertNotEqual(verify_export.inclusion_root(index, size, leaves[index],
                                                                     [flip(path[0])] + path[1:]), root)
                    self.assertIsNone(verify_export.inclusion_root(index, size, leaves[index], path + [root]))
                wrong = (index + 1) % size
                if wrong != index:
                    self.assertNotEqual(verify_export.inclusion_root(wrong, size, leaves[index], path), root)
            self.assertIsNone(verify_export.inclusion_root(size, size, leaves[0], []))

    def test_every_consistency_proof_of_trees_up_to_17_leaves(self):
        leaves = self.leaves(17)
        for new in range(1, 18):
            new_root = export_writer.mth(leaves[:new])
            for old in range(1, new + 1):
                old_root = export_writer.mth(leaves[:old])
                path = export_writer._subproof(old, leaves[:new], True)
                holds = verify_export.consistency_holds
                self.assertTrue(holds(old, new, old_root, new_root, path), (old, new))
                if path:
                    self.assertFalse(holds(old, new, old_root, new_root, [flip(path[-1])] + path[:-1]))
                    self.assertFalse(holds(old, new, old_root, new_root, path[:-1] + [flip(path[-1])]))
                if old < new:
                    # Another first leaf: a rewritten history under the same sizes.
                    forged = [flip(leaves[0])] + leaves[1:new]
                    self.assertFalse(holds(old, new, old_root, export_writer.mth(forged),
                                           export_writer._subproof(old, forged, True)))
        self.assertFalse(verify_export.consistency_holds(3, 2, b"", b"", [b""]))


class LineExportCase(VerifierTestCase):
    """A log of six events, the line's at positions 2, 4 and 6."""

    def setUp(self):
        super().setUp()
        self.log = build_export(TWO_LINES)  # positions 1..6; the line's at 2, 4, 6
        self.line = [event for event in self.log if event.get("line") == LINE]

    def write(self, name, value):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(value, stream)
        return path

    def run_consistency(self, old, new, proof, *options):
        """Runs `verify_export.py --consistency` on three objects, with no export FILE."""
        process = subprocess.run([sys.executable, VERIFIER, "--consistency", self.write("old.json", old),
                                  self.write("new.json", new), self.write("c.json", proof), *options],
                                 capture_output=True)
        return process.returncode, process.stdout.decode("utf-8"), process.stderr.decode("utf-8")


class ProvenExports(LineExportCase):
    """A line export with its proof, as `export --line L --proof FILE` writes them."""

    def verify(self, events, proof, *options):
        """Runs the verifier on a line export with its proof file."""
        return self.run_verifier(jsonl(events), "--filtered", "--proof", self.write("proof.json", proof), *options)

    def assert_proof_fails(self, events, proof, reason_part, *options):
        status, out, _ = self.verify(events, proof, *options)
        self.assertEqual(status, 1, out)
        self.assertTrue(out.startswith("bad: proof "), out)
        self.assertIn(reason_part, out)
        status, report, _ = self.verify(events, proof, "--json", *options)
        report = json.loads(report)
        self.assertEqual((report["ok"], report["firstBadPosition"], report["line"], report["proof"]),
                         (False, events[-1]["position"], None, None))
        return out

    def test_a_line_export_with_its_proof_passes(self):
        proof = export_writer.proof_file(self.log, 6)
        status, out, _ = self.verify(self.line, proof)
        self.assertEqual(status, 0, out)
        self.assertEqual(out, "ok: 3 events, positions 2..6, head %s\nproof: ok: position 6 is in the checkpoint "
                         "of size 6 (root %s) of %s, signed by %s\n"
                         % (self.line[-1]["hash"], proof["checkpoint"]["rootHash"], export_writer.ORIGIN,
                            proof["checkpoint"]["publicKey"]))
        status, out, _ = self.verify(self.line, proof, "--json")
        self.assertEqual(json.loads(out)["proof"], {
            "origin": export_writer.ORIGIN, "size": 6, "rootHash": proof["checkpoint"]["rootHash"],
            "publicKey": proof["checkpoint"]["publicKey"], "leafIndex": 5})
        # A checkpoint of a later size proves it too, and so does the pinned key.
        self.log += build_export(INPUTS[2:], start_position=7, prev_hash=self.log[-1]["hash"], after=self.log)
        status, out, _ = self.verify(self.line, export_writer.proof_file(self.log, 6),
                                     "--public-key", proof["checkpoint"]["publicKey"])
        self.assertEqual(status, 0, out)
        self.assertIn("checkpoint of size 7", out)

    def test_a_flipped_byte_in_the_proof_is_named(self):
        good = export_writer.proof_file(self.log, 6)
        cases = [
            (lambda p: p["checkpoint"].update(signature=flip_base64(p["checkpoint"]["signature"], 40)),
             "checkpoint: the signature does not verify"),
            (lambda p: p["checkpoint"].update(publicKey=flip_base64(p["checkpoint"]["publicKey"], 3)),
             "checkpoint: the signature does not verify"),
            (lambda p: p["checkpoint"].update(rootHash=flip(bytes.fromhex(p["checkpoint"]["rootHash"])).hex()),
             "checkpoint: note line 3 says"),
            (lambda p: p["checkpoint"].update(note=p["checkpoint"]["note"] + "extension\n"),
             "checkpoint: the signature does not verify"),
            (lambda p: p["checkpoint"].update(size=7), "checkpoint: note line 2 says \"6\", but size is \"7\""),
            (lambda p: p["checkpoint"].update(origin="subledger/other"), "checkpoint: note line 1 says"),
            (lambda p: p["inclusion"]["path"].__setitem__(0, flip(bytes.fromhex(p["inclusion"]["path"][0])).hex()),
             "inclusion: the path does not lead from the hash of position 6 to the root"),
            (lambda p: p["inclusion"].update(leafIndex=4),
             "inclusion: proves leafIndex 4 (position 5), but the file's last event is position 6"),
            (lambda p: p["inclusion"].update(treeSize=5), "inclusion: proves a tree of size 5"),
            (lambda p: p["inclusion"].update(path=p["inclusion"]["path"][:1] + ["AB" * 32]),
             "inclusion: path[1] is not 64 lowercase hex digits"),
            (lambda p: p["inclusion"].update(path=["ab" * 32] * 65), "inclusion: path is not a list of at most 64"),
            (lambda p: p.pop("inclusion"), "inclusion is missing"),
            (lambda p: p["checkpoint"].pop("signature"), "checkpoint: signature is missing"),
            (lambda p: p["checkpoint"].update(signature="not base64!"),
             "checkpoint: signature is not standard base64 of 64 bytes"),
        ]
        for change, reason in cases:
            with self.subTest(reason=reason):
                proof = copy.deepcopy(good)
                change(proof)
                self.assert_proof_fails(self.line, proof, reason)

    def test_a_key_other_than_the_pinned_one_is_named(self):
        other = base64.b64encode(export_writer.public_key(b"\x07" * 32)).decode("ascii")
        proof = export_writer.proof_file(self.log, 6)
        self.assert_proof_fails(self.line, proof, "not the pinned key %s" % other, "--public-key", other)
        # The operator's key pinned, a proof signed by another key (a forger's) fails.
        forged = export_writer.proof_file(self.log, 6, seed=b"\x07" * 32)
        self.assert_proof_fails(self.line, forged, "signed by key %s, not the pinned key %s"
                                % (other, proof["checkpoint"]["publicKey"]),
                                "--public-key", proof["checkpoint"]["publicKey"])

    def test_a_proof_file_that_is_not_json_and_one_that_is_missing(self):
        path = os.path.join(self.tmp.name, "proof.json")
        with open(path, "wb") as stream:
            stream.write(b'{"checkpoint": 1.5}')
        status, out, _ = self.run_verifier(jsonl(self.line), "--filtered", "--proof", path)
        self.assertEqual((status, out), (1, "bad: proof %s: number is not an integer: 1.5\n" % path))
        status, out, err = self.run_verifier(jsonl(self.line), "--filtered", "--proof", path + ".missing")
        self.assertEqual((status, out), (2, ""))
        self.assertIn("proof.json.missing", err)
        status, out, _ = self.run_verifier(b"", "--proof", self.write("p.json", export_writer.proof_file(self.log, 6)))
        self.assertEqual(status, 1)
        self.assertIn("the file holds no event to prove", out)

    # --- a line export forged in each of five ways (issue 10, the closing note) ---------

    def test_forgery_1_a_changed_event_is_named_by_the_stream_chain(self):
        # Position 4 changed and its own hash recomputed; the global chain cannot be
        # checked across the line export's gaps, the line's own chain can.
        forged = copy.deepcopy(self.line)
        forged[1]["data"]["amount"] = 1
        forged[1]["hash"] = chain_hash(forged[1]["prevHash"], forged[1])
        proof = export_writer.proof_file(self.log, 6)
        status, out, _ = self.verify(forged, proof)
        self.assertEqual((status, out), (1, "bad: position 6 (file line 3): line +989121234567: streamPrevHash does "
                                            "not match the hash of position 4 (streamVersion 2)\n"))
        # Relinking the last event too changes its hash: the proof no longer proves it.
        forged[2]["streamPrevHash"] = forged[1]["hash"]
        forged[2]["hash"] = chain_hash(forged[2]["prevHash"], forged[2])
        self.assert_proof_fails(forged, proof, "the path does not lead from the hash of position 6 to the root")

    def test_forgery_2_a_dropped_event_is_named(self):
        forged = [self.line[0], self.line[2]]
        status, out, _ = self.verify(forged, export_writer.proof_file(self.log, 6))
        self.assertEqual(status, 1)
        self.assertTrue(out.startswith("bad: position 6 (file line 2): line +989121234567 skips from streamVersion 1 "
                                       "(position 2) to 3: version 2 is missing"), out)

    def test_forgery_3_reordered_events_are_named(self):
        proof = export_writer.proof_file(self.log, 6)
        # Lines moved: the line's chain skips at the first one out of place.
        status, out, _ = self.verify([self.line[0], self.line[2], self.line[1]], proof)
        self.assertEqual(status, 1)
        self.assertTrue(out.startswith("bad: position 6 (file line 2): line +989121234567 skips from streamVersion 1"),
                        out)
        # The facts swapped between positions 4 and 6, each event rechained: the last
        # event is not the one the checkpoint holds.
        forged = copy.deepcopy(self.line)
        forged[1]["data"], forged[2]["data"] = forged[2]["data"], forged[1]["data"]
        forged[1]["hash"] = chain_hash(forged[1]["prevHash"], forged[1])
        forged[2]["streamPrevHash"] = forged[1]["hash"]
        forged[2]["hash"] = chain_hash(forged[2]["prevHash"], forged[2])
        self.assertEqual(self.run_verifier(jsonl(forged), "--filtered")[0], 0)  # alone, a valid chain
        self.assert_proof_fails(forged, proof, "the path does not lead from the hash of position 6")

    def test_forgery_4_an_event_appended_after_the_proven_one_is_named(self):
        proof = export_writer.proof_file(self.log, 6)
        extra = build_export([TWO_LINES[-1]], start_position=7, prev_hash=self.log[-1]["hash"], after=self.log)
        forged = self.line + extra
        self.assertEqual(self.run_verifier(jsonl(forged), "--filtered")[0], 0)  # alone, a valid chain
        self.assert_proof_fails(forged, proof, "inclusion: proves leafIndex 5 (position 6), but the file's last "
                                               "event is position 7")
        # An inclusion proof of the new event under the old checkpoint cannot exist.
        longer = self.log + extra
        proof["inclusion"] = export_writer.inclusion_proof(longer, 7, 7)
        self.assert_proof_fails(forged, proof, "inclusion: proves a tree of size 7 with root")

    def test_forgery_5_a_whole_chain_rewritten_is_caught_by_a_kept_checkpoint(self):
        # The operator (who holds the key) rewrites position 2 and every hash after it,
        # and signs a new checkpoint: the forged line export proves itself...
        kept = export_writer.checkpoint(self.log, 6)
        changed = copy.deepcopy(TWO_LINES)
        changed[1]["data"]["plan"] = "deposit"
        rewritten = build_export(changed + [TWO_LINES[-1]])  # and one event more, as time went on
        forged = [event for event in rewritten if event.get("line") == LINE]
        status, out, _ = self.verify(forged, export_writer.proof_file(rewritten, forged[-1]["position"]))
        self.assertEqual(status, 0, out)
        # ... but not against a checkpoint kept before: no consistency proof links them.
        new = export_writer.checkpoint(rewritten, 7)
        proof = export_writer.consistency_proof(rewritten, 6, 7)
        status, out, _ = self.run_consistency(kept, new, proof)
        self.assertEqual(status, 1)
        self.assertTrue(out.startswith("bad: consistency proof %s: the tree of size 7 (root %s) does not extend "
                                       "the tree of size 6 (root %s)" % (os.path.join(self.tmp.name, "c.json"),
                                                                         new["rootHash"], kept["rootHash"])), out)
        # The honest log's next checkpoint does extend the kept one.
        honest = self.log + build_export([TWO_LINES[-1]], start_position=7, prev_hash=self.log[-1]["hash"],
                                         after=self.log)
        status, out, _ = self.run_consistency(kept, export_writer.checkpoint(honest, 7),
                                              export_writer.consistency_proof(honest, 6, 7))
        self.assertEqual((status, out.split(";")[0]), (0, "ok: the checkpoint of size 6 (root %s) is extended by "
                                                          "the checkpoint of size 7 (root %s)"
                                                          % (kept["rootHash"], export_writer.checkpoint(honest, 7)
                                                             ["rootHash"])))


class KeptCheckpoints(LineExportCase):
    """`--checkpoint KEPT` with a whole-log export: the verifier computes the tree's root
    itself, so a kept checkpoint catches a rewrite without the operator's help."""

    def run_kept(self, events, *checkpoints, options=()):
        paths = []
        for index, checkpoint in enumerate(checkpoints):
            paths += ["--checkpoint", self.write("kept%d.json" % index, checkpoint)]
        return self.run_verifier(jsonl(events), *paths, *options)

    def test_a_whole_log_export_has_the_roots_of_its_kept_checkpoints(self):
        kept = [export_writer.checkpoint(self.log, size) for size in (1, 3, 4, 6)]
        status, out, _ = self.run_kept(self.log, *kept)
        self.assertEqual(status, 0, out)
        self.assertEqual(out.count("\ncheckpoint: ok: positions 1.."), 4)
        self.assertIn("checkpoint: ok: positions 1..3 have the root %s of the kept checkpoint of %s, signed by %s"
                      % (kept[1]["rootHash"], export_writer.ORIGIN, kept[1]["publicKey"]), out)
        status, out, _ = self.run_kept(self.log, {"checkpoint": kept[2], "inclusion": {}}, options=("--json",))
        self.assertEqual((status, [c["size"] for c in json.loads(out)["checkpoints"]]), (0, [4]))

    def test_a_rewritten_or_cut_log_fails_its_kept_checkpoint(self):
        kept = export_writer.checkpoint(self.log, 4)
        changed = copy.deepcopy(TWO_LINES)
        changed[1]["data"]["plan"] = "deposit"
        rewritten = build_export(changed)  # every hash recomputed: alone, a valid chain
        self.assertEqual(self.run_verifier(jsonl(rewritten))[0], 0)
        status, out, _ = self.run_kept(rewritten, kept)
        self.assertEqual(status, 1)
        self.assertTrue(out.startswith("bad: position 4 (file line 4): checkpoint %s: positions 1..4 have the root "
                                       % os.path.join(self.tmp.name, "kept0.json")), out)
        self.assertIn("not the kept checkpoint's %s: the log was rewritten since it was kept" % kept["rootHash"], out)
        status, out, _ = self.run_kept(self.log[:3], kept)
        self.assertEqual(status, 1)
        self.assertIn("the file ends at position 3, before the kept checkpoint's size 4", out)
        status, out, _ = self.run_kept(self.line, kept, options=("--filtered",))
        self.assertIn("needs every position from 1 to its size 4, but position 2 follows 0", out)
        status, out, _ = self.run_kept(self.log, dict(kept, signature=flip_base64(kept["signature"], 9)))
        self.assertEqual(status, 1)
        self.assertIn("the signature does not verify", out)


class Consistency(LineExportCase):
    """`--consistency OLD NEW PROOF`: both signed by one key of one log, sizes as proven."""

    def test_faults_are_named(self):
        old, new = export_writer.checkpoint(self.log, 3), export_writer.checkpoint(self.log, 6)
        proof = export_writer.consistency_proof(self.log, 3, 6)
        status, out, _ = self.run_consistency(old, {"checkpoint": new, "inclusion": {}}, proof, "--json")
        self.assertEqual((status, json.loads(out)["ok"], json.loads(out)["toSize"]), (0, True, 6))
        other = export_writer.checkpoint(self.log, 6, seed=b"\x07" * 32)
        cases = [
            (old, dict(new, signature=flip_base64(new["signature"], 1)), proof, "new.json: the signature does not"),
            (old, other, proof, "are checkpoints of different logs"),
            (old, new, dict(proof, fromSize=2), "proves sizes 2 to 6, but the checkpoints have sizes 3 and 6"),
            (new, old, export_writer.consistency_proof(self.log, 3, 6), "proves sizes 3 to 6, but"),
            (old, new, dict(proof, path=proof["path"][:-1]), "does not extend the tree of size 3"),
        ]
        for old_value, new_value, proof_value, reason in cases:
            with self.subTest(reason=reason):
                status, out, _ = self.run_consistency(old_value, new_value, proof_value)
                self.assertEqual(status, 1, out)
                self.assertIn(reason, out)
        process = subprocess.run([sys.executable, VERIFIER, "--consistency", "/nonexistent/a.json", "b.json",
                                  "c.json"], capture_output=True)
        status, err = process.returncode, process.stderr.decode("utf-8")
        self.assertEqual(status, 2)
        self.assertIn("/nonexistent/a.json", err)


class Disclosures(VerifierTestCase):
    """Issue 10 item 1: disclosures open their commitments; a fault names the path, never the value."""

    def test_disclosures_are_checked_against_their_commitments(self):
        events = build_export(INPUTS, disclose=True)
        self.assertEqual(sorted(events[0]["disclosures"]), ["data.name", "data.nationalId"])
        status, out, err = self.run_verifier(jsonl(events), "--json")
        self.assertEqual((status, json.loads(out)["disclosures"]), (0, 2))
        # The hash does not cover the disclosures: the same head as without them.
        self.assertEqual(json.loads(out)["head"], build_export(INPUTS)[-1]["hash"])

    def test_a_wrong_disclosure_is_named_without_its_value(self):
        cases = [
            (lambda d: d["data.name"].update(value="Someone Else"), '"data.name" does not open its commitment'),
            (lambda d: d["data.nationalId"].update(salt=flip(bytes.fromhex(d["data.nationalId"]["salt"])).hex()),
             '"data.nationalId" does not open its commitment'),
            (lambda d: d.update({"data.kind": {"salt": "00" * 32, "value": "x"}}),
             '"data.kind": the event holds no commitment there'),
            (lambda d: d.update({"metadata.actor.x": {"salt": "00" * 32, "value": "x"}}),
             '"metadata.actor.x": the event holds no commitment there'),
            (lambda d: d["data.name"].pop("salt"), '"data.name" is not {"salt": 64 lowercase hex'),
        ]
        for change, reason in cases:
            with self.subTest(reason=reason):
                events = build_export(INPUTS, disclose=True)
                change(events[0]["disclosures"])
                out = self.assert_bad(jsonl(events), 1, 1, reason)
                self.assertNotIn("Reza", out)
                self.assertNotIn("0012345678", out)
        events = build_export(INPUTS, disclose=True)
        events[0]["disclosures"] = ["data.name"]
        self.assert_bad(jsonl(events), 1, 1, "disclosures is not a JSON object")

    def test_a_flipped_commitment_fails_the_hash(self):
        events = build_export(INPUTS)
        commitment = events[0]["data"]["name"]["commitment"]
        events[0]["data"]["name"]["commitment"] = flip(bytes.fromhex(commitment)).hex()
        self.assert_bad(jsonl(events), 1, 1, "hash mismatch")


class Formats(VerifierTestCase):
    """Format 1 (an export made before migrate) is verified only when asked for."""

    def test_a_format_1_export_needs_format_1(self):
        events = build_export(INPUTS, format=1)
        self.assert_bad(jsonl(events), 1, 1, "streamPrevHash is missing (an export of format 1, made before "
                                             "subledger migrate, verifies with --format 1)")
        self.assert_ok(jsonl(events), 3, 1, 3, events[-1]["hash"], "--format", "1")
        self.assert_bad(jsonl(build_export(INPUTS)), 1, 1, "streamPrevHash in an export of format 1", "--format", "1")
        # Format 1 keeps its rule: a filtered export may skip versions across a gap, counted.
        line = [event for event in build_export(TWO_LINES, format=1) if event.get("line") == LINE]
        status, _, err = self.run_verifier(jsonl([line[0], line[2]]), "--filtered", "--format", "1")
        self.assertEqual(status, 0)
        self.assertIn("stream versions skip", err)

    def test_stream_prev_hash_faults(self):
        cases = [
            (1, ZERO[:63], "streamPrevHash is not 64 lowercase hex digits"),
            (1, "ab" * 32, "line +989121234567: streamVersion 1 must have streamPrevHash of 64 zeros"),
            (2, ZERO, "line +989121234567: streamPrevHash is 64 zeros, which only streamVersion 1 may have"),
        ]
        for index, value, reason in cases:
            with self.subTest(reason=reason):
                events = build_export(INPUTS)
                events[index]["streamPrevHash"] = value
                events[index]["hash"] = chain_hash(events[index]["prevHash"], events[index])
                self.assert_bad(jsonl(events[:index + 1]), index + 1, index + 1, reason)

    def test_usage_errors(self):
        for options, message in ((("--consistency", "a", "b"), "expected 3 arguments"),
                                 ((), "give an export FILE, or --consistency"),
                                 (("--public-key", "AAAA", "x.jsonl"), "--public-key needs standard base64 of 32")):
            with self.subTest(options=options):
                process = subprocess.run([sys.executable, VERIFIER, *options], capture_output=True)
                self.assertEqual(process.returncode, 2)
                self.assertIn(message, process.stderr.decode("utf-8"))


class Samples(VerifierTestCase):
    """Every export in samples/ verifies as it is, with its proof files beside it; a flipped
    byte in a proof's signature is named (for a Swift sample: swift-crypto's signature)."""

    def sample_exports(self):
        paths = sorted(glob.glob(os.path.join(SAMPLES, "*.jsonl")))
        self.assertTrue(paths, "samples/ holds no export")
        return paths

    def options_for(self, path):
        with open(path, "rb") as stream:
            positions = [json.loads(line)["position"] for line in stream if line.strip()]
        whole = positions == list(range(1, len(positions) + 1))
        return [] if whole else ["--filtered"]

    def test_every_sample_verifies_with_its_proofs(self):
        proven = 0
        for path in self.sample_exports():
            stem = path[:-len(".jsonl")]
            options = self.options_for(path)
            if os.path.exists(stem + ".proof.json"):
                options += ["--proof", stem + ".proof.json"]
            with self.subTest(sample=os.path.basename(path)):
                process = subprocess.run([sys.executable, VERIFIER, *options, path], capture_output=True)
                self.assertEqual(process.returncode, 0, process.stdout + process.stderr)
                if "--proof" in options:
                    proven += 1
                    self.assertIn(b"\nproof: ok: position ", process.stdout)
                    with open(stem + ".proof.json", encoding="utf-8") as stream:
                        proof = json.load(stream)
                    proof["checkpoint"]["signature"] = flip_base64(proof["checkpoint"]["signature"], 50)
                    flipped = os.path.join(self.tmp.name, "flipped.json")
                    with open(flipped, "w", encoding="utf-8") as stream:
                        json.dump(proof, stream)
                    options[options.index("--proof") + 1] = flipped
                    process = subprocess.run([sys.executable, VERIFIER, *options, path], capture_output=True)
                    self.assertEqual(process.returncode, 1)
                    self.assertIn(b"the signature does not verify", process.stdout)
        self.assertGreater(proven, 0, "no sample has a proof file")

    def test_every_sample_consistency_proof_holds(self):
        samples = sorted(glob.glob(os.path.join(SAMPLES, "*.old.json")))
        self.assertTrue(samples, "samples/ holds no consistency proof")
        for old in samples:
            stem = old[:-len(".old.json")]
            with self.subTest(sample=os.path.basename(stem)):
                process = subprocess.run([sys.executable, VERIFIER, "--consistency", old, stem + ".new.json",
                                          stem + ".consistency.json"], capture_output=True)
                self.assertEqual(process.returncode, 0, process.stdout + process.stderr)
                for name in (old, stem + ".new.json"):
                    with open(name, encoding="utf-8") as stream:
                        checkpoint = json.load(stream)
                    checkpoint["signature"] = flip_base64(checkpoint["signature"], 33)
                    self.assertFalse(verify_export.ed25519_verify(base64.b64decode(checkpoint["publicKey"]),
                                                                  checkpoint["note"].encode("utf-8"),
                                                                  base64.b64decode(checkpoint["signature"])))

    def test_the_worked_example_proof_is_the_writers(self):
        # samples/threshold-cut.export.proof.json is export_writer's proof of the sample's last event.
        with open(os.path.join(SAMPLES, "threshold-cut.export.jsonl"), "rb") as stream:
            log = [json.loads(line) for line in stream if line.strip()]
        with open(os.path.join(SAMPLES, "threshold-cut.export.proof.json"), encoding="utf-8") as stream:
            self.assertEqual(json.load(stream), export_writer.proof_file(log, len(log)))


if __name__ == "__main__":
    unittest.main()
