public import Crypto

/// The log as a Merkle tree (RFC 9162) with signed checkpoints (issue 10, item 3;
/// interchange.md, "Checkpoints and proofs"). Every root and proof is read in one short
/// read transaction with O(log n) reads, from the stored nodes of ``MerkleNodes``.
extension EventStore {
    /// The root hash of the tree of the first `size` events (``MerkleTree/emptyRoot`` for 0).
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/proofOutOfRange`` when
    ///   `size` is beyond the head.
    /// - Parameter size: The number of leading events in the tree.
    /// - Returns: The tree's root hash.
    public func merkleRoot(size: UInt64) throws -> ChainHash {
        try log.merkleRoot(size: size)
    }

    /// The inclusion proof of the event at `position` in the tree of `treeSize` events
    /// (the whole log when `nil`): ``InclusionProof/leafIndex`` is `position − 1`.
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/proofOutOfRange`` when
    ///   the position is not in that tree or the tree is beyond the head.
    /// - Parameters:
    ///   - position: The event's position, from 1.
    ///   - treeSize: The number of leading events in the tree; `nil` for the head.
    /// - Returns: The proof, with the tree's root hash and the sibling path.
    public func inclusionProof(position: UInt64, treeSize: UInt64? = nil) throws -> InclusionProof {
        try log.inclusionProof(position: position, treeSize: treeSize)
    }

    /// The consistency proof that the tree of `to` events extends the tree of `from`
    /// events (1 ≤ `from` ≤ `to` ≤ the head).
    /// - Parameters:
    ///   - from: The size of the older tree.
    ///   - to: The size of the newer tree.
    /// - Returns: The proof's path (empty when `from` is `to`).
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/proofOutOfRange`` when `from` is 0,
    ///   `from` is beyond `to`, or `to` is beyond the head; ``EventStoreError/Code/storage`` when the
    ///   store cannot be read.
    public func consistencyProof(from: UInt64, to: UInt64) throws -> ConsistencyProof {
        try log.consistencyProof(from: from, to: to)
    }

    /// Signs and records a checkpoint of the log as it is, in one write transaction: its
    /// size is the head, its origin `subledger/<storeID>`, and `noteExtensions` are added to
    /// its note as lines (each one line of text). A checkpoint of that size recorded already
    /// is kept and returned as it is.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/proofOutOfRange`` for an empty
    ///   log, ``EventStoreError/Code/notWritable`` for a read-only store); nothing is
    ///   written then.
    /// - Parameters:
    ///   - signingKey: The store's Ed25519 key (``StoreKeyFile/signingKey``).
    ///   - noteExtensions: Lines added to the note after the root.
    /// - Returns: The checkpoint of the head, newly recorded or kept.
    public func recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey, noteExtensions: [String] = []) throws
        -> SignedCheckpoint
    {
        try refuseIfReadOnly("to record a checkpoint")
        do { try SignedCheckpoint.checkExtensions(noteExtensions) } catch {
            throw EventStoreError(.invalidEvent, "the checkpoint was not recorded: \(error.message)")
        }
        let origin = SignedCheckpoint.origin(storeID: try storeID())
        return try log.recordCheckpoint(origin: origin, signingKey: signingKey, noteExtensions: noteExtensions)
    }

    /// The origin of this store's checkpoints; `nil` for a store opened read-only that was
    /// never given an id (it holds no checkpoint either).
    func checkpointOriginIfAny() throws -> String? {
        do { return SignedCheckpoint.origin(storeID: try storeID()) } catch let error as EventStoreError
            where error.code == .notAStore
        {
            return nil
        }
    }

    /// Every recorded checkpoint, smallest size first.
    /// - Returns: The checkpoints, by size; empty when none was recorded.
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/corrupted`` for a stored checkpoint
    ///   that does not parse or is not of its size; ``EventStoreError/Code/storage`` when the store
    ///   cannot be read.
    public func checkpoints() throws -> [SignedCheckpoint] {
        try log.checkpoints()
    }

    /// The checkpoint of the largest size, or `nil` when none was recorded.
    /// - Returns: The checkpoint, or `nil`.
    /// - Throws: ``EventStoreError`` as ``checkpoints()`` does.
    public func latestCheckpoint() throws -> SignedCheckpoint? {
        try log.latestCheckpoint()
    }
}
