"""Tests of the scaling simulation (tools/scaling/, docs/scaling.md), run with:

    python3 -m unittest discover -s tools/tests -v
"""

import hashlib
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scaling"))

import merkle  # noqa: E402
from partition import KeyRing, PartitionLog, checkpoint_problem, sign_checkpoint  # noqa: E402


class MerkleProofsTests(unittest.TestCase):
    def test_every_proof_of_trees_up_to_33_leaves_verifies_with_the_auditors_verifier(self):
        for count in range(1, 34):
            log = merkle.MerkleLog()
            for index in range(count):
                log.append(hashlib.sha256(bytes([index])).digest())
            for size in range(1, count + 1):
                root = log.root(size)
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


if __name__ == "__main__":
    unittest.main()
