/// The part of ``EventStore/verify()`` that checks the Merkle tree and the checkpoints:
/// every stored node equals the root recomputed from the records' hashes, no node is
/// missing or extra, and every recorded checkpoint is signed and names the root of the
/// tree of its size.
extension EventLog {
    /// Leaves read per read transaction (a multiple of 16).
    private static var verificationChunkLeaves: UInt64 { 1 << 16 }

    /// Checks the tree of the `report.headPosition` events the chain check found good;
    /// the first problem is put in `report`, its position the first leaf of the bad node
    /// (or the size of the bad checkpoint). `origin` is the store's checkpoint origin.
    func verifyProofs(origin: String?, into report: inout VerificationReport) throws {
        guard report.isValid else { return }
        let size = report.headPosition
        if let problem = try firstMerkleProblem(size: size) ?? firstCheckpointProblem(size: size, origin: origin) {
            report.firstBadPosition = problem.position
            report.problem = problem.message
        }
    }

    private func firstMerkleProblem(size: UInt64) throws -> (position: UInt64, message: String)? {
        let stored = try wrapped("counting the Merkle nodes") {
            try backend.read { transaction in
                // A pending import's nodes are past the visible head, not the tree's (issue 13).
                var pending = 0
                if try PendingImport.read(in: transaction) != nil {
                    try MerkleNodes.forEachKey(pastSize: size, in: transaction) { _ in
                        pending += 1
                        return true
                    }
                }
                return try transaction.count(.merkleNodes) - pending
            }
        }
        let due = MerkleNodes.storedCount(size: size)
        // The last left node waiting for its sibling, by level, carried across chunks.
        var left: [UInt8: ChainHash] = [:]
        let completeLeaves = size - size % MerkleNodes.leavesPerStoredNode
        var start: UInt64 = 0
        while start < completeLeaves {
            let count = min(Self.verificationChunkLeaves, completeLeaves - start)
            let problem = try wrapped("checking the Merkle nodes") {
                try backend.read { transaction -> (position: UInt64, message: String)? in
                    let leaves = try MerkleNodes.leafHashes(from: start, count: count, in: transaction)
                    var offset = 0
                    while offset < leaves.count {
                        let block = Array(leaves[offset..<offset + Int(MerkleNodes.leavesPerStoredNode)])
                        let blockIndex = (start + UInt64(offset)) / MerkleNodes.leavesPerStoredNode
                        if let problem = try checkAncestors(
                            of: MerkleTree.root(ofLeaves: block), index: blockIndex, left: &left, in: transaction)
                        {
                            return problem
                        }
                        offset += Int(MerkleNodes.leavesPerStoredNode)
                    }
                    return nil
                }
            }
            if let problem { return problem }
            start += count
        }
        guard UInt64(stored) == due else {
            return (
                size,
                "the Merkle tree of \(size) events stores \(stored) nodes where \(due) are due: a node was added or removed"
            )
        }
        return nil
    }

    /// Compares the level-4 node `index` and each ancestor it completes with what is stored.
    private func checkAncestors(
        of hash: ChainHash, index: UInt64, left: inout [UInt8: ChainHash],
        in transaction: Backend.Transaction
    ) throws -> (position: UInt64, message: String)? {
        var level = MerkleNodes.lowestStoredLevel
        var index = index
        var hash = hash
        while true {
            let firstPosition = (index << UInt64(level)) + 1
            let range = "positions \(firstPosition) to \(firstPosition + (UInt64(1) << UInt64(level)) - 1)"
            let stored: ChainHash
            do {
                stored = try MerkleNodes.read(level: level, index: index, in: transaction)
            } catch let error as EventStoreError where error.code == .corrupted {
                return (firstPosition, "\(error.message) (\(range))")
            }
            guard stored == hash else {
                return (
                    firstPosition,
                    "the stored Merkle node at level \(level), index \(index) (\(range)) is not the hash of its children: stored \(stored), recomputed \(hash)"
                )
            }
            guard index & 1 == 1 else {
                left[level] = hash
                return nil
            }
            hash = MerkleTree.nodeHash(left[level]!, hash)
            left[level] = nil
            level += 1
            index >>= 1
        }
    }

    private func firstCheckpointProblem(size: UInt64, origin: String?) throws -> (position: UInt64, message: String)? {
        let checkpoints: [SignedCheckpoint]
        do { checkpoints = try self.checkpoints() } catch let error as EventStoreError where error.code == .corrupted {
            return (size, error.message)
        }
        for checkpoint in checkpoints {
            let name = "the checkpoint of size \(checkpoint.size)"
            guard checkpoint.size <= size else {
                return (checkpoint.size, "\(name) is of a tree larger than the log of \(size) events")
            }
            if let origin, checkpoint.origin != origin {
                return (checkpoint.size, "\(name) names the origin \(checkpoint.origin), not this store's \(origin)")
            }
            do { try checkpoint.verifySignature() } catch { return (checkpoint.size, "\(name): \(error.message)") }
            let root = try merkleRoot(size: checkpoint.size)
            guard root == checkpoint.rootHash else {
                return (
                    checkpoint.size,
                    "\(name) names the root \(checkpoint.rootHash), but the log's tree of that size has the root \(root)"
                )
            }
        }
        return nil
    }
}
