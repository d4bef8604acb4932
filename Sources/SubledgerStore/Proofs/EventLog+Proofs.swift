internal import Crypto

extension EventStoreError.Code {
    /// A proof or root was asked of a tree larger than the log, or of a position outside it.
    public static let proofOutOfRange = EventStoreError.Code(rawValue: "proofOutOfRange")
}

/// The log's Merkle tree and checkpoints, whatever the backend (``EventStore``'s
/// proofs API runs through it).
protocol EventLogProofs: Sendable {
    func merkleRoot(size: UInt64) throws -> ChainHash
    func inclusionProof(position: UInt64, treeSize: UInt64?) throws -> InclusionProof
    func consistencyProof(from: UInt64, to: UInt64) throws -> ConsistencyProof
    func recordCheckpoint(origin: String, signingKey: Curve25519.Signing.PrivateKey, noteExtensions: [String]) throws
        -> SignedCheckpoint
    func checkpoints() throws -> [SignedCheckpoint]
    func latestCheckpoint() throws -> SignedCheckpoint?
    func verifyProofs(origin: String?, into report: inout VerificationReport) throws
    func corruptMerkleNode(level: UInt8, index: UInt64, byteOffset: Int, mask: UInt8) throws
}

extension EventLog: EventLogProofs {
    func merkleRoot(size: UInt64) throws -> ChainHash {
        try wrapped("computing the Merkle root of size \(size)") {
            try backend.read { transaction in
                try Self.refuseBeyondHead(size, what: "a tree of \(size) events", in: transaction)
                return try MerkleReader(transaction: transaction).subtreeRoot(start: 0, count: size)
            }
        }
    }

    func inclusionProof(position: UInt64, treeSize: UInt64?) throws -> InclusionProof {
        try wrapped("proving position \(position)") {
            try backend.read { transaction in
                let head = try Self.headPosition(in: transaction)
                let size = treeSize ?? head
                try Self.refuseBeyondHead(size, what: "a tree of \(size) events", in: transaction)
                guard position >= 1, position <= size else {
                    throw EventStoreError(
                        .proofOutOfRange,
                        "position \(position) is not in the tree of \(size) events (positions 1 to \(size))",
                        position: position)
                }
                let reader = MerkleReader(transaction: transaction)
                return InclusionProof(
                    leafIndex: position - 1, treeSize: size, rootHash: try reader.subtreeRoot(start: 0, count: size),
                    path: try reader.inclusionPath(index: position - 1, start: 0, count: size))
            }
        }
    }

    func consistencyProof(from: UInt64, to: UInt64) throws -> ConsistencyProof {
        try wrapped("proving the tree of \(to) events consistent with the tree of \(from)") {
            try backend.read { transaction in
                try Self.refuseBeyondHead(to, what: "a tree of \(to) events", in: transaction)
                guard from >= 1, from <= to else {
                    throw EventStoreError(
                        .proofOutOfRange, "a consistency proof needs 1 ≤ M ≤ N; got M \(from), N \(to)")
                }
                let path = try MerkleReader(transaction: transaction).consistencyPath(
                    oldSize: from, start: 0, count: to, isWholeOld: true)
                return ConsistencyProof(fromSize: from, toSize: to, path: path)
            }
        }
    }

    func recordCheckpoint(origin: String, signingKey: Curve25519.Signing.PrivateKey, noteExtensions: [String]) throws
        -> SignedCheckpoint
    {
        try wrapped("recording a checkpoint") {
            try backend.write { transaction in
                let size = try Self.headPosition(in: transaction)
                guard size > 0 else {
                    throw EventStoreError(.proofOutOfRange, "the log is empty: there is nothing to checkpoint")
                }
                // The first checkpoint of a size is the one kept: a second would be the same
                // tree signed again, and a kept copy of the first must still be found.
                if let stored = try transaction.get(.checkpoints, key: StoreKeys.position(size)) {
                    return try CheckpointRecord.decode(stored, size: size)
                }
                let root = try MerkleReader(transaction: transaction).subtreeRoot(start: 0, count: size)
                let checkpoint = try SignedCheckpoint.signing(
                    origin: origin, size: size, rootHash: root,
                    extensions: noteExtensions, with: signingKey)
                try transaction.put(
                    .checkpoints, key: StoreKeys.position(size), value: CheckpointRecord.encode(checkpoint),
                    mode: .append)
                return checkpoint
            }
        }
    }

    func checkpoints() throws -> [SignedCheckpoint] {
        try wrapped("reading the checkpoints") {
            try backend.read { transaction in
                var checkpoints: [SignedCheckpoint] = []
                try transaction.scan(.checkpoints, from: StoreKeys.position(0)) { entry in
                    checkpoints.append(try CheckpointRecord.decode(entry))
                    return true
                }
                return checkpoints
            }
        }
    }

    func latestCheckpoint() throws -> SignedCheckpoint? {
        try wrapped("reading the latest checkpoint") {
            try backend.read { transaction in
                try transaction.last(.checkpoints, atOrBefore: nil).map(CheckpointRecord.decode)
            }
        }
    }

    private static func refuseBeyondHead(_ size: UInt64, what: String, in transaction: Backend.Transaction) throws {
        let head = try headPosition(in: transaction)
        guard size <= head else {
            throw EventStoreError(.proofOutOfRange, "\(what) is asked of a log of \(head) events")
        }
    }
}

/// A checkpoint as the `checkpoints` table keeps it: its canonical JSON, the same object
/// `checkpoint --json` prints, under its size. Every read checks its signature with its own
/// public key, which covers every field (the note repeats origin, size and root).
enum CheckpointRecord {
    static func encode(_ checkpoint: SignedCheckpoint) -> [UInt8] {
        CanonicalJSON.encode(checkpoint.json)
    }

    static func decode(_ entry: StorageEntry) throws -> SignedCheckpoint {
        guard let size = ByteReader.bigEndian(entry.key) else {
            throw EventStoreError(.corrupted, "a key of the checkpoints table is not a size")
        }
        return try decode(entry.value, size: size)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, size: UInt64) throws -> SignedCheckpoint {
        let checkpoint: SignedCheckpoint
        do {
            let value = try JSONParser.parse(bytes: bytes)
            checkpoint = try SignedCheckpoint(json: value)
        } catch {
            throw EventStoreError(.corrupted, "the stored checkpoint of size \(size) is corrupted: \(error)")
        }
        guard checkpoint.size == size else {
            throw EventStoreError(.corrupted, "the stored checkpoint under size \(size) says size \(checkpoint.size)")
        }
        // Its fields are in its note, and its note under its signature: a checkpoint read
        // flipped is found here, not handed out or kept as the one of its size.
        do { try checkpoint.verifySignature() } catch {
            throw EventStoreError(.corrupted, "the stored checkpoint of size \(size) is corrupted: \(error.message)")
        }
        return checkpoint
    }
}

extension EventStore {
    /// Flips bits of one byte of the stored Merkle node at `level` and `index` (tests of
    /// tamper detection by ``verify()``).
    /// - Parameters:
    ///   - level: The node's level (0: the leaves).
    ///   - index: The node's index in its level, from 0.
    ///   - byteOffset: The byte to change, from 0.
    ///   - mask: The bits to flip.
    /// - Throws: ``EventStoreError`` of code ``EventStoreError/Code/invalidEvent`` when no such node
    ///   or byte is stored; a storage error otherwise.
    @_spi(Testing)
    public func corruptStoredMerkleNode(level: UInt8, index: UInt64, byteOffset: Int = 0, mask: UInt8 = 0x01) throws {
        try log.corruptMerkleNode(level: level, index: index, byteOffset: byteOffset, mask: mask)
    }
}

extension EventLog {
    func corruptMerkleNode(level: UInt8, index: UInt64, byteOffset: Int, mask: UInt8) throws {
        try backend.write { transaction in
            let key = MerkleNodes.key(level: level, index: index)
            guard let stored = try transaction.get(.merkleNodes, key: key), byteOffset < stored.count else {
                throw EventStoreError(
                    .invalidEvent, "no stored byte \(byteOffset) in the Merkle node at level \(level), index \(index)")
            }
            var bytes = Array(stored)
            bytes[byteOffset] ^= mask
            try transaction.put(.merkleNodes, key: key, value: bytes, mode: .upsert)
        }
    }
}
