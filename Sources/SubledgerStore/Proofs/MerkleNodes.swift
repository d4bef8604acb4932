/// The stored nodes of the log's Merkle tree (table `merkleNodes`): the root of every
/// complete, aligned subtree of 16 leaves or more, keyed by its level and index, written in
/// the transaction that appends its last leaf. With them any root or proof takes O(log n)
/// reads; below level 4 the hashes come from the records' stored `hash` (a subtree of
/// fewer than 16 leaves costs one short scan, and storing it would double the table).
enum MerkleNodes {
    /// The lowest level stored: subtrees of 2^4 = 16 leaves.
    static let lowestStoredLevel: UInt8 = 4
    static let leavesPerStoredNode = UInt64(1) << lowestStoredLevel

    /// The key of the node at `level` (a subtree of 2^level leaves) and `index` (its first
    /// leaf is index · 2^level): the level byte, then the index in big-endian.
    static func key(level: UInt8, index: UInt64) -> [UInt8] {
        var key: [UInt8] = [level]
        key.reserveCapacity(9)
        ByteWriter.appendBigEndian(index, to: &key)
        return key
    }

    /// The bytes of a stored node: its 32-byte root, then the CRC-32C (big-endian) of its
    /// key and root (``CheckedValue``), so that a node read flipped, or read from another
    /// key, is found by the read that takes it (a root signed into a checkpoint comes from
    /// such reads).
    static func value(level: UInt8, index: UInt64, hash: ChainHash) -> [UInt8] {
        CheckedValue.sealed(hash.bytes, key: key(level: level, index: index))
    }

    /// The stored node at `level` and `index`.
    ///
    /// A node of 36 bytes must match its checksum. One of 32 bytes is read as it is: a
    /// store written before nodes carried a checksum, or a torn read of a checked node,
    /// whose first 32 bytes are its root (only a shorter read lost part of it).
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/corrupted``) when it is missing,
    ///   of another length, or does not match its checksum: a store that lost part of its
    ///   tree proves nothing.
    static func read(level: UInt8, index: UInt64, in transaction: some StorageTransaction) throws -> ChainHash {
        let key = key(level: level, index: index)
        guard let value = try transaction.get(.merkleNodes, key: key) else {
            throw EventStoreError(.corrupted, "the stored Merkle node at level \(level), index \(index) is missing")
        }
        let hash = try CheckedValue.open(
            value, key: key, payloadLength: 32, what: "the stored Merkle node at level \(level), index \(index)")
        return hash.withUnsafeBytes { ChainHash(bytes: $0) }
    }

    /// How many nodes a tree of `size` leaves stores: one per complete aligned subtree of
    /// each level from ``lowestStoredLevel`` up.
    static func storedCount(size: UInt64) -> UInt64 {
        var count: UInt64 = 0
        var level = UInt64(lowestStoredLevel)
        while level < 64, size >> level > 0 {
            count += size >> level
            level += 1
        }
        return count
    }

    /// The leaf hashes of positions `start + 1 ... start + count` (leaf indices `start ..<
    /// start + count`), from the records' stored hashes, in one scan.
    static func leafHashes(from start: UInt64, count: UInt64, in transaction: some StorageTransaction) throws
        -> [ChainHash]
    {
        var leaves: [ChainHash] = []
        guard count > 0 else { return leaves }
        leaves.reserveCapacity(Int(count))
        var expected = start + 1
        try transaction.scan(.events, from: StoreKeys.position(expected)) { entry in
            guard ByteReader.bigEndian(entry.key) == expected, let hash = RecordCodec.storedHash(entry.value) else {
                throw EventStoreError.corrupted(
                    at: expected, "its record (a leaf of the Merkle tree) is missing or has no hash")
            }
            leaves.append(MerkleTree.leafHash(ofEvent: hash))
            expected += 1
            return UInt64(leaves.count) < count
        }
        guard UInt64(leaves.count) == count else {
            throw EventStoreError.corrupted(at: expected, "the log ends before this leaf of the Merkle tree")
        }
        return leaves
    }
}

/// The append hook: given each new event's hash in position order, writes the stored nodes
/// that the event completes, in the append's transaction. One per ``AppendBatch``, so that
/// a transaction that fails or is run again writes and remembers nothing.
struct MerkleAppender {
    /// The leaf hashes of the level-4 subtree being filled; `nil` until the first event of
    /// the transaction, when those already in the log are read.
    private var pendingLeaves: [ChainHash]?
    /// The last left (even) node written at each level in this transaction: the sibling of
    /// the next one, had without a lookup.
    private var lastWritten: [UInt8: (index: UInt64, hash: ChainHash)] = [:]

    /// Takes the event at `position` (whose predecessors are all in the log or in this
    /// transaction) and writes every stored node whose last leaf it is.
    mutating func append(eventHash: ChainHash, position: UInt64, in transaction: some StorageTransaction) throws {
        let leafIndex = position - 1
        if pendingLeaves == nil {
            let blockStart = leafIndex - leafIndex % MerkleNodes.leavesPerStoredNode
            pendingLeaves = try MerkleNodes.leafHashes(from: blockStart, count: leafIndex - blockStart, in: transaction)
        }
        pendingLeaves!.append(MerkleTree.leafHash(ofEvent: eventHash))
        guard UInt64(pendingLeaves!.count) == MerkleNodes.leavesPerStoredNode else { return }
        var level = MerkleNodes.lowestStoredLevel
        var index = leafIndex >> UInt64(level)
        var hash = MerkleTree.root(ofLeaves: pendingLeaves!)
        pendingLeaves!.removeAll(keepingCapacity: true)
        while true {
            try transaction.put(
                .merkleNodes, key: MerkleNodes.key(level: level, index: index),
                value: MerkleNodes.value(level: level, index: index, hash: hash), mode: .upsert)
            // An odd index completes its parent: the left sibling is the even one before it.
            guard index & 1 == 1 else {
                lastWritten[level] = (index, hash)
                return
            }
            let left: ChainHash
            if let written = lastWritten[level], written.index == index - 1 {
                left = written.hash
            } else {
                left = try MerkleNodes.read(level: level, index: index - 1, in: transaction)
            }
            hash = MerkleTree.nodeHash(left, hash)
            level += 1
            index >>= 1
        }
    }
}

extension MerkleNodes {
    /// Calls `body` with the key of each stored node past a tree of `size` leaves (those a
    /// pending import wrote, issue 13), level by level, while it returns `true`.
    static func forEachKey(
        pastSize size: UInt64, in transaction: some StorageTransaction, _ body: ([UInt8]) throws -> Bool
    ) throws {
        var level = lowestStoredLevel
        var going = true
        while level < 64, going {
            try transaction.scan(.merkleNodes, from: key(level: level, index: size >> UInt64(level))) { entry in
                guard entry.key.first == level else { return false }
                going = try body(Array(entry.key))
                return going
            }
            level += 1
        }
    }
}
