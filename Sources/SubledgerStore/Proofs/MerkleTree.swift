internal import Crypto

/// The log as a Merkle tree, hashed as RFC 9162 (Certificate Transparency 2.0) §2.1 says
/// (interchange.md, "Checkpoints and proofs"): the leaf of the event at position n is
/// index n − 1 with leaf hash SHA-256(0x00 ‖ the 32 raw bytes of its `hash`), an inner
/// node SHA-256(0x01 ‖ left ‖ right), and the tree of n leaves splits at the largest power
/// of two below n.
///
/// The two verifiers are pure: they take what a proof file and a checkpoint say and need
/// no store, so that an auditor's program checks a proof as ``EventStore`` does.
public enum MerkleTree: Sendable {
    /// The root of the tree of no leaves: SHA-256 of the empty string (RFC 9162 §2.1.1).
    public static let emptyRoot: ChainHash = SHA256.hash(data: [UInt8]()).withUnsafeBytes { ChainHash(bytes: $0) }

    /// The leaf hash of an event whose chain `hash` is `eventHash`.
    /// - Parameter eventHash: The event's chain hash.
    /// - Returns: SHA-256(0x00 ‖ `eventHash`).
    public static func leafHash(ofEvent eventHash: ChainHash) -> ChainHash {
        hash(prefix: 0x00, eventHash, nil)
    }

    /// The hash of an inner node over its two children.
    /// - Parameters:
    ///   - left: The left child's hash.
    ///   - right: The right child's hash.
    /// - Returns: SHA-256(0x01 ‖ `left` ‖ `right`).
    public static func nodeHash(_ left: ChainHash, _ right: ChainHash) -> ChainHash {
        hash(prefix: 0x01, left, right)
    }

    /// The root of the tree over `leaves` (leaf hashes), as RFC 9162's MTH recursion
    /// defines it. In memory: for a few leaves, or for a reference in tests.
    /// - Parameter leaves: The leaf hashes, in order; O(n) hashes.
    /// - Returns: The root hash, ``emptyRoot`` for no leaves.
    public static func root(ofLeaves leaves: [ChainHash]) -> ChainHash {
        guard !leaves.isEmpty else { return emptyRoot }
        return root(of: leaves[...])
    }

    private static func root(of leaves: ArraySlice<ChainHash>) -> ChainHash {
        guard leaves.count > 1 else { return leaves[leaves.startIndex] }
        let split = leaves.startIndex + Int(largestPowerOfTwo(below: UInt64(leaves.count)))
        return nodeHash(root(of: leaves[..<split]), root(of: leaves[split...]))
    }

    /// The largest power of two strictly below `count` (which must be at least 2): where
    /// RFC 9162 splits a tree of `count` leaves.
    static func largestPowerOfTwo(below count: UInt64) -> UInt64 {
        precondition(count >= 2, "a tree of fewer than two leaves does not split")
        return 1 << (63 - UInt64((count - 1).leadingZeroBitCount))
    }

    // MARK: Verifying

    /// Checks an inclusion proof as RFC 9162 §2.1.3.2 does: `path` leads from the leaf
    /// `leafHash` at `leafIndex` to `rootHash`, the root of the tree of `treeSize` leaves.
    /// - Throws: ``ProofError`` saying why the proof does not verify.
    /// - Parameters:
    ///   - leafHash: The leaf's hash (``leafHash(ofEvent:)``).
    ///   - leafIndex: The leaf's index, from 0.
    ///   - treeSize: The number of leaves in the tree.
    ///   - path: The sibling hashes from the leaf up.
    ///   - rootHash: The root hash the proof must reach.
    public static func verifyInclusion(
        leafHash: ChainHash, leafIndex: UInt64, treeSize: UInt64, path: [ChainHash],
        rootHash: ChainHash
    ) throws(ProofError) {
        guard leafIndex < treeSize else {
            throw ProofError(
                "the inclusion proof does not verify: leafIndex \(leafIndex) is not below treeSize \(treeSize)")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else {
                throw ProofError(
                    "the inclusion proof does not verify: its path has more hashes than a tree of \(treeSize) leaves needs"
                )
            }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 { shiftUntilOdd(&fn, &sn) }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw ProofError(
                "the inclusion proof does not verify: its path has fewer hashes than a tree of \(treeSize) leaves needs"
            )
        }
        guard r == rootHash else {
            throw ProofError(
                "the inclusion proof does not verify: the path from leaf \(leafIndex) leads to \(r), not to the root \(rootHash) of the tree of \(treeSize) leaves"
            )
        }
    }

    /// Checks a consistency proof as RFC 9162 §2.1.4.2 does: the tree of `toSize` leaves
    /// with root `toRoot` extends the tree of `fromSize` leaves with root `fromRoot`. Equal
    /// sizes need an empty path and equal roots; `fromSize` 0 proves nothing and is refused.
    /// - Throws: ``ProofError`` saying why the proof does not verify.
    /// - Parameters:
    ///   - fromSize: The size of the older tree.
    ///   - toSize: The size of the newer tree.
    ///   - fromRoot: The older tree's root hash.
    ///   - toRoot: The newer tree's root hash.
    ///   - path: The consistency path.
    public static func verifyConsistency(
        fromSize: UInt64, toSize: UInt64, fromRoot: ChainHash, toRoot: ChainHash,
        path: [ChainHash]
    ) throws(ProofError) {
        guard fromSize >= 1 else {
            throw ProofError("the consistency proof does not verify: fromSize must be at least 1")
        }
        guard fromSize <= toSize else {
            throw ProofError(
                "the consistency proof does not verify: fromSize \(fromSize) is greater than toSize \(toSize)")
        }
        if fromSize == toSize {
            guard path.isEmpty else {
                throw ProofError("the consistency proof does not verify: equal sizes (\(fromSize)) need an empty path")
            }
            guard fromRoot == toRoot else {
                throw ProofError(
                    "the consistency proof does not verify: two trees of \(fromSize) leaves have different roots, \(fromRoot) and \(toRoot)"
                )
            }
            return
        }
        guard !path.isEmpty else { throw ProofError("the consistency proof does not verify: its path is empty") }
        var path = path[...]
        if fromSize & (fromSize - 1) == 0 { path.insert(fromRoot, at: path.startIndex) }
        var fn = fromSize - 1
        var sn = toSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[path.startIndex]
        var sr = fr
        for c in path.dropFirst() {
            guard sn != 0 else {
                throw ProofError(
                    "the consistency proof does not verify: its path has more hashes than trees of \(fromSize) and \(toSize) leaves need"
                )
            }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 { shiftUntilOdd(&fn, &sn) }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw ProofError(
                "the consistency proof does not verify: its path has fewer hashes than trees of \(fromSize) and \(toSize) leaves need"
            )
        }
        guard fr == fromRoot else {
            throw ProofError(
                "the consistency proof does not verify: the path leads to \(fr), not to the root \(fromRoot) of the tree of \(fromSize) leaves"
            )
        }
        guard sr == toRoot else {
            throw ProofError(
                "the consistency proof does not verify: the path leads to \(sr), not to the root \(toRoot) of the tree of \(toSize) leaves"
            )
        }
    }

    /// RFC 9162's "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0".
    private static func shiftUntilOdd(_ fn: inout UInt64, _ sn: inout UInt64) {
        while fn & 1 == 0, fn != 0 {
            fn >>= 1
            sn >>= 1
        }
    }

    // MARK: Hashing

    /// SHA-256 of the prefix byte and one or two hashes, from a buffer on the stack.
    private static func hash(prefix: UInt8, _ first: ChainHash, _ second: ChainHash?) -> ChainHash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
            buffer[0] = prefix
            store(first, at: 1, in: buffer)
            var count = 33
            if let second {
                store(second, at: 33, in: buffer)
                count = 65
            }
            return SHA256.hash(data: UnsafeRawBufferPointer(rebasing: buffer[..<count])).withUnsafeBytes {
                ChainHash(bytes: $0)
            }
        }
    }

    private static func store(_ hash: ChainHash, at offset: Int, in buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: hash.words.0.bigEndian, toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: hash.words.1.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        buffer.storeBytes(of: hash.words.2.bigEndian, toByteOffset: offset + 16, as: UInt64.self)
        buffer.storeBytes(of: hash.words.3.bigEndian, toByteOffset: offset + 24, as: UInt64.self)
    }
}

/// Why a proof, a checkpoint or a proof file does not verify or does not parse: the
/// message names what and where (the field, the hash, the size).
public struct ProofError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The whole message, for a person.
    public var message: String
    /// The JSON field at fault in a proof or checkpoint file, when there is one.
    public var field: String?

    /// A fault described by `message`.
    /// - Parameters:
    ///   - message: What is wrong, naming what and where.
    ///   - field: The JSON field at fault, or `nil`.
    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    /// The message, as printed.
    public var description: String { message }
}
