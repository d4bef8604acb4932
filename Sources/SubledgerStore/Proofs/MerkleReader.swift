/// Roots and proofs of the log's Merkle tree read inside one transaction: every subtree
/// that RFC 9162's recursions need is a stored node (16 leaves or more, complete and
/// aligned) or fewer than 16 leaves read from their records, so a root or a proof costs
/// O(log n) reads and never rehashes the log.
struct MerkleReader<Transaction: StorageTransaction> {
    let transaction: Transaction

    /// MTH of the leaves `start ..< start + count`. The recursion of RFC 9162 only asks
    /// for ranges whose complete parts start at a multiple of their size.
    func subtreeRoot(start: UInt64, count: UInt64) throws -> ChainHash {
        if count == 0 { return MerkleTree.emptyRoot }
        if count < MerkleNodes.leavesPerStoredNode {
            return MerkleTree.root(ofLeaves: try MerkleNodes.leafHashes(from: start, count: count, in: transaction))
        }
        if count & (count - 1) == 0 {
            let level = UInt8(count.trailingZeroBitCount)
            precondition(start % count == 0, "a complete subtree of the RFC 9162 recursion is aligned")
            return try MerkleNodes.read(level: level, index: start >> UInt64(level), in: transaction)
        }
        let split = MerkleTree.largestPowerOfTwo(below: count)
        return MerkleTree.nodeHash(
            try subtreeRoot(start: start, count: split),
            try subtreeRoot(start: start + split, count: count - split))
    }

    /// RFC 9162 §2.1.3.1 PATH(index, D[start ..< start + count]), leaf first.
    func inclusionPath(index: UInt64, start: UInt64, count: UInt64) throws -> [ChainHash] {
        guard count > 1 else { return [] }
        let split = MerkleTree.largestPowerOfTwo(below: count)
        if index < split {
            return try inclusionPath(index: index, start: start, count: split) + [
                subtreeRoot(start: start + split, count: count - split)
            ]
        }
        return try inclusionPath(index: index - split, start: start + split, count: count - split) + [
            subtreeRoot(start: start, count: split)
        ]
    }

    /// RFC 9162 §2.1.4.1 SUBPROOF(m, D[start ..< start + count], isWholeOld).
    func consistencyPath(oldSize m: UInt64, start: UInt64, count: UInt64, isWholeOld: Bool) throws -> [ChainHash] {
        if m == count { return isWholeOld ? [] : [try subtreeRoot(start: start, count: count)] }
        let split = MerkleTree.largestPowerOfTwo(below: count)
        if m <= split {
            return try consistencyPath(oldSize: m, start: start, count: split, isWholeOld: isWholeOld)
                + [subtreeRoot(start: start + split, count: count - split)]
        }
        return try consistencyPath(oldSize: m - split, start: start + split, count: count - split, isWholeOld: false)
            + [subtreeRoot(start: start, count: split)]
    }
}
