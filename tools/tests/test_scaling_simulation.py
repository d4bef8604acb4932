"""Tests of the scaling simulation (tools/scaling/, docs/scaling.md), run with:

    python3 -m unittest discover -s tools/tests -v
"""

import hashlib
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scaling"))

import merkle  # noqa: E402
import scenario  # noqa: E402
import simulate  # noqa: E402
import verify_export  # noqa: E402  (tools/verify_export.py, put on the path by merkle.py)
from moves import MOVE_STEPS  # noqa: E402
from partition import KeyRing, PartitionLog, checkpoint_problem, sign_checkpoint  # noqa: E402

SIMULATOR = os.path.join(os.path.dirname(HERE), "scaling", "simulate.py")
SEEDS = (1, 2, 4)  # seeds whose async runs all lose acknowledged events, so that detection is exercised


def tree_hash(leaf_hashes):
    """RFC 9162's MTH over leaf hashes, written out here apart from merkle.py."""
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    split = 1 << ((len(leaf_hashes) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + tree_hash(leaf_hashes[:split]) + tree_hash(leaf_hashes[split:])).digest()


def failed(reports):
    return {result["check"] for report in reports for result in report["checks"] if not result["ok"]}


class MerkleProofsTests(unittest.TestCase):
    def test_every_proof_of_trees_up_to_33_leaves_verifies_with_the_auditors_verifier(self):
        log = merkle.MerkleLog()  # one log, grown a leaf at a time: its kept subtrees serve every later size
        for count in range(1, 34):
            log.append(hashlib.sha256(bytes([count])).digest())
            for size in (count, max(1, count // 2), max(1, count - 3)):
                root = log.root(size)
                self.assertEqual(root, tree_hash(log.leaves[:size]))
                for index in range(size):
                    path = log.inclusion_path(index, size)
                    self.assertEqual(merkle.inclusion_root(index, size, log.leaves[index], path), root)
                for old in range(1, size + 1):
                    path = log.consistency_path(old, size)
                    self.assertTrue(merkle.consistency_holds(old, size, log.root(old), root, path))

    def test_a_consistency_proof_fails_against_a_forked_tree(self):
        honest, forked = merkle.MerkleLog(), merkle.MerkleLog()
        for index in range(9):
            honest.append(hashlib.sha256(bytes([index])).digest())
            forked.append(hashlib.sha256(bytes([index if index != 6 else 99])).digest())
        self.assertFalse(merkle.consistency_holds(7, 9, honest.root(7), forked.root(9), forked.consistency_path(7, 9)))


class PartitionLogTests(unittest.TestCase):
    def fact(self, line, kind, event_id):
        return {"type": kind, "line": line, "occurredAt": "2026-01-01T00:00:00.000Z",
                "data": {"ref": event_id}, "eventId": event_id}

    def test_a_retry_by_event_id_records_nothing_and_a_moved_out_line_is_refused(self):
        log = PartitionLog("p0")
        first = log.append([self.fact("+989120000001", "LineActivated", "e1")], 1)[0]
        again = log.append([self.fact("+989120000001", "LineActivated", "e1")], 2)[0]
        self.assertEqual((len(log), again["hash"]), (1, first["hash"]))
        log.append([self.fact("+989120000001", "LineMovedOut", "e2")], 3)
        with self.assertRaisesRegex(Exception, "moved out"):
            log.append([self.fact("+989120000001", "UsageRecorded", "e3")], 4)

    def test_a_checkpoint_with_one_character_changed_does_not_verify(self):
        keys = KeyRing(1)
        key = keys.new_key("p0")
        checkpoint = sign_checkpoint(keys, key, "subledger/p0", 5, hashlib.sha256(b"x").digest())
        self.assertIsNone(checkpoint_problem(keys, checkpoint, key))
        for field in ("note", "signature", "rootHash", "origin"):
            changed = dict(checkpoint)
            text = changed[field]
            changed[field] = text[:-2] + ("A" if text[-2] != "A" else "B") + text[-1]
            self.assertIsNotNone(checkpoint_problem(keys, changed, key), field)


class SimulationTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reports = {seed: simulate.simulate(seed) for seed in SEEDS}

    def test_every_check_of_every_run_holds_for_several_seeds(self):
        for seed, reports in self.reports.items():
            self.assertEqual([r["run"] for r in reports], ["sync", "async-head", "async-replicated"])
            self.assertEqual(failed(reports), set(), "seed %d" % seed)

    def test_the_runs_exercise_what_they_check(self):
        crashes = set()
        for seed, reports in self.reports.items():
            by_run = {report["run"]: report["figures"] for report in reports}
            self.assertGreater(by_run["sync"]["failovers"], 0)
            self.assertEqual(by_run["sync"]["acknowledgedLost"], 0)
            for name in ("async-head", "async-replicated"):
                figures = by_run[name]
                self.assertGreater(figures["acknowledgedLost"], 0, "seed %d %s" % (seed, name))
                self.assertEqual(figures["detectedByClients"], figures["acknowledgedLost"])
                self.assertEqual(figures["positionsReassigned"], figures["acknowledgedLost"])
            self.assertGreater(by_run["async-head"]["forksExposed"], 0)
            self.assertEqual(by_run["async-replicated"]["forksExposed"], 0)
            for figures in by_run.values():
                crashes.update(figures["movesCrashedAfter"])
                self.assertGreater(figures["proofSegments"], figures["endToEndProofs"])  # moved lines span partitions
                self.assertEqual(figures["tamperingsRejected"], 25 * figures["endToEndProofs"])
        self.assertEqual(crashes, set(MOVE_STEPS[:-1]) | {"none"})

    def test_the_same_seed_gives_the_same_run(self):
        once = simulate.simulate(5, ticks=60, runs=["async-head"])
        again = simulate.simulate(5, ticks=60, runs=["async-head"])
        other = simulate.simulate(6, ticks=60, runs=["async-head"])
        self.assertEqual(json.dumps(once, sort_keys=True), json.dumps(again, sort_keys=True))
        self.assertNotEqual(once[0]["figures"], other[0]["figures"])


class PartitionExportTests(unittest.TestCase):
    """A partition's log is a store's log: the auditors' verifier checks its whole-log export."""

    def test_a_partition_verifies_as_a_store_up_to_a_line_moved_in_and_reports_that_line(self):
        run = scenario.Run(scenario.Config("sync", "sync", "replicated", 1)).play()
        moved_in = 0
        for cluster in run.clusters:
            events = cluster.primary.events
            first_in = next((e["position"] for e in events if e["type"] == "LineMovedIn"), len(events) + 1)
            lines = [json.dumps(e).encode("utf-8") for e in events]
            before = verify_export.verify(lines[:first_in - 1])
            self.assertTrue(before.ok, "%s: %s" % (cluster.name, before.reason))
            self.assertEqual(before.events, first_in - 1)
            if first_in <= len(events):
                moved_in += 1
                whole = verify_export.verify(lines)
                self.assertEqual(whole.bad_position, first_in)  # docs/scaling.md, "What the verifier lacks"
                self.assertIn("starts at streamVersion", whole.reason)
        self.assertGreater(moved_in, 0)


class BrokenVariantTests(unittest.TestCase):
    """Each deliberate bug is caught by the check that should catch it."""

    def assert_caught(self, fault, run, check, seed=1):
        reports = simulate.simulate(seed, [fault], runs=[run])
        self.assertIn(check, failed(reports), fault)

    def test_a_sync_failover_that_loses_an_acknowledged_event(self):
        self.assert_caught("sync-acks-early", "sync", "no acknowledged event lost under sync")

    def test_a_move_that_does_not_continue_the_line_chain(self):
        self.assert_caught("unlinked-move", "sync", "one owner per line; moved lines' chains verify across partitions")

    def test_a_resubmission_without_the_event_id(self):
        self.assert_caught("blind-resubmit", "async-head", "every acknowledged fact recorded exactly once")

    def test_a_tampered_root_checkpoint(self):
        self.assert_caught("tampered-root", "sync",
                           "end-to-end proofs from the root verify, and fail with one character changed")


class CommandLineTests(unittest.TestCase):
    def run_simulator(self, *arguments):
        return subprocess.run([sys.executable, SIMULATOR, *arguments], capture_output=True, text=True, timeout=60)

    def test_a_good_run_exits_0_and_a_broken_one_exits_1_naming_the_check(self):
        good = self.run_simulator("--seed", "3", "--ticks", "40", "--run", "sync")
        self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
        self.assertIn("ok: no acknowledged event lost under sync", good.stdout)
        broken = self.run_simulator("--seed", "3", "--run", "sync", "--fault", "tampered-root", "--json")
        self.assertEqual(broken.returncode, 1)
        checks = json.loads(broken.stdout)[0]["checks"]
        self.assertIn("the signature does not verify", [c for c in checks if not c["ok"]][-1]["problem"])


if __name__ == "__main__":
    unittest.main()
