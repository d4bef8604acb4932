"""RFC 9162 Merkle trees for the scaling simulation: the tree hash, inclusion paths and
consistency proofs, as section 2.1 defines them.

The proofs are made here, from the recursive definitions of RFC 9162 sections 2.1.1, 2.1.3.1
and 2.1.4.1, and checked with the auditors' verifier (tools/verify_export.py:
`inclusion_root`, `consistency_holds`), which implements the verification algorithms of
sections 2.1.3.2 and 2.1.4.2. Two independent halves: a proof made wrong here fails there.
"""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import verify_export  # noqa: E402  (tools/verify_export.py, standard library only)

inclusion_root = verify_export.inclusion_root
consistency_holds = verify_export.consistency_holds


def leaf_hash(entry):
    """RFC 9162's leaf hash of a 32-byte entry (an event's `hash`, or a root leaf's digest)."""
    assert len(entry) == 32, "a leaf entry is 32 bytes"
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size):
    """The largest power of two smaller than `size` (size >= 2): where RFC 9162 splits a tree."""
    assert size >= 2
    k = 1
    while k * 2 < size:
        k *= 2
    return k


class MerkleLog:
    """The leaf hashes of an append-only log, with the root of its current size kept
    incrementally (one complete subtree per level, as verify_export's KeptCheckpoints)."""

    def __init__(self):
        self.leaves = []
        self._subtrees = []  # (leaf count, hash) of the complete subtrees, the largest first
        self._complete = {}  # (start, size) -> hash of a complete subtree of 2^k leaves: fixed once it exists

    def __len__(self):
        return len(self.leaves)

    def append(self, entry):
        node, count = leaf_hash(entry), 1
        self.leaves.append(node)
        while self._subtrees and self._subtrees[-1][0] == count:
            node, count = node_hash(self._subtrees.pop()[1], node), count * 2
        self._subtrees.append((count, node))

    def root(self, size=None):
        """MTH of the first `size` leaves (all of them by default); the empty tree's is SHA-256("")."""
        size = len(self.leaves) if size is None else size
        assert 0 <= size <= len(self.leaves), "a size within the log"
        if size == 0:
            return hashlib.sha256(b"").digest()
        if size == len(self.leaves):
            root = self._subtrees[-1][1]
            for _, left in reversed(self._subtrees[:-1]):
                root = node_hash(left, root)
            return root
        return self._hash(0, size, {})

    def _hash(self, start, size, memo):
        """MTH of leaves [start, start + size). A complete subtree (a power of two of leaves) of an
        append-only log never changes, so its hash is kept for good; the others for one call."""
        key = (start, size)
        kept = self._complete if size & (size - 1) == 0 else memo
        if key not in kept:
            if size == 1:
                kept[key] = self.leaves[start]
            else:
                k = _split(size)
                kept[key] = node_hash(self._hash(start, k, memo), self._hash(start + k, size - k, memo))
        return kept[key]

    def inclusion_path(self, index, size):
        """PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1, leaf to root."""
        assert 0 <= index < size <= len(self.leaves), "a leaf inside the tree"
        memo, path, start = {}, [], 0
        while size > 1:
            k = _split(size)
            if index < k:
                path.append(self._hash(start + k, size - k, memo))
                size = k
            else:
                path.append(self._hash(start, k, memo))
                start, index, size = start + k, index - k, size - k
        return list(reversed(path))

    def consistency_path(self, old_size, new_size):
        """PROOF(old_size, D[0:new_size]) of RFC 9162 section 2.1.4.1."""
        assert 1 <= old_size <= new_size <= len(self.leaves), "sizes within the log"
        memo = {}
        return list(reversed(self._subproof(old_size, 0, new_size, True, memo)))

    def _subproof(self, m, start, n, whole, memo):
        """SUBPROOF(m, D[start:start + n], whole), its nodes from the root down (reversed by the caller)."""
        if m == n:
            return [] if whole else [self._hash(start, n, memo)]
        k = _split(n)
        if m <= k:
            return [self._hash(start + k, n - k, memo)] + self._subproof(m, start, k, whole, memo)
        return [self._hash(start, k, memo)] + self._subproof(m - k, start + k, n - k, False, memo)
