import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// RFC 9162's tree hashing, computed from every leaf by the definitions themselves
/// (MTH, PATH, SUBPROOF of §2.1), in memory: what the store's O(log n) reads must equal.
enum ReferenceMerkle {
    static func root(_ leaves: ArraySlice<ChainHash>) -> ChainHash {
        if leaves.isEmpty { return ChainHash.sha256(of: []) }
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        let k = leaves.startIndex + split(leaves.count)
        return MerkleTree.nodeHash(root(leaves[..<k]), root(leaves[k...]))
    }

    static func path(_ m: Int, _ leaves: ArraySlice<ChainHash>) -> [ChainHash] {
        guard leaves.count > 1 else { return [] }
        let k = split(leaves.count)
        let start = leaves.startIndex
        if m < k { return path(m, leaves[start..<start + k]) + [root(leaves[(start + k)...])] }
        return path(m - k, leaves[(start + k)...]) + [root(leaves[start..<start + k])]
    }

    static func proof(_ m: Int, _ leaves: ArraySlice<ChainHash>) -> [ChainHash] { subproof(m, leaves, true) }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<ChainHash>, _ b: Bool) -> [ChainHash] {
        if m == leaves.count { return b ? [] : [root(leaves)] }
        let k = split(leaves.count)
        let start = leaves.startIndex
        if m <= k { return subproof(m, leaves[start..<start + k], b) + [root(leaves[(start + k)...])] }
        return subproof(m - k, leaves[(start + k)...], false) + [root(leaves[start..<start + k])]
    }

    /// The largest power of two below n.
    private static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }
}

extension ChainHash {
    /// The same hash with bits of one byte flipped.
    func flipped(byte: Int = 0, mask: UInt8 = 0x01) -> ChainHash {
        var bytes = self.bytes
        bytes[byte] ^= mask
        return ChainHash(bytes: bytes)
    }
}

/// A store of `count` events appended in batches of uneven sizes, one of them through an
/// append session (as import writes), so that stored nodes complete inside batches, across
/// batches and across transactions.
func merkleFixture(_ backend: Backend, count: Int = 70) throws -> (StoreFixture, [ChainHash]) {
    let fixture = try StoreFixture(backend)
    let sizes = [1, 2, 13, 16, 5, 33, 1000]
    var appended = 0
    for (index, size) in sizes.enumerated() where appended < count {
        let events = (0..<min(size, count - appended)).map {
            paymentEvent("+98911\($0 % 3)", amount: Int64(appended + $0 + 1))
        }
        if index == 3 {
            try fixture.store.withAppendSession { session in
                try session.append(Array(events.prefix(7)))
                try session.append(Array(events.dropFirst(7)))
            }
        } else {
            try fixture.store.append(events)
        }
        appended += events.count
    }
    let leaves = try fixture.store.events(from: 1, limit: count).map { MerkleTree.leafHash(ofEvent: $0.hash) }
    return (fixture, leaves)
}

@Suite("Merkle tree (issue 10 item 3, RFC 9162)")
struct MerkleTreeTests {
    /// The roots of Certificate Transparency's test tree (RFC 6962/9162 hashing; the eight
    /// leaves of its merkle_tree_test), so that the hashing is not only equal to itself.
    @Test func rootsOfTheCertificateTransparencyTestTree() throws {
        let inputs = [
            "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
        ]
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ]
        let leaves = inputs.map { hex in
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
            return ChainHash.sha256(of: [0x00] + bytes)
        }
        for size in 1...8 {
            #expect(MerkleTree.root(ofLeaves: Array(leaves[..<size])).hex == roots[size - 1], "size \(size)")
        }
        #expect(MerkleTree.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let event = ChainHash.sha256(of: Array("an event".utf8))
        #expect(MerkleTree.leafHash(ofEvent: event) == ChainHash.sha256(of: [0x00] + event.bytes))
        #expect(MerkleTree.nodeHash(event, leaves[0]) == ChainHash.sha256(of: [0x01] + event.bytes + leaves[0].bytes))
    }

    @Test(arguments: Backend.allCases)
    func everyRootEqualsTheReferenceForSizes1To70(_ backend: Backend) throws {
        let (fixture, leaves) = try merkleFixture(backend)
        #expect(try fixture.store.merkleRoot(size: 0) == MerkleTree.emptyRoot)
        for size in 1...70 {
            #expect(
                try fixture.store.merkleRoot(size: UInt64(size)) == ReferenceMerkle.root(leaves[..<size]),
                "size \(size)")
        }
        let error = #expect(throws: EventStoreError.self) { try fixture.store.merkleRoot(size: 71) }
        #expect(error?.code == .proofOutOfRange)
    }

    @Test(arguments: Backend.allCases)
    func everyInclusionProofEqualsTheReferenceAndVerifies(_ backend: Backend) throws {
        let (fixture, leaves) = try merkleFixture(backend)
        let events = try fixture.store.events(from: 1, limit: 70)
        for size in 1...70 {
            let root = ReferenceMerkle.root(leaves[..<size])
            for index in 0..<size {
                let proof = try fixture.store.inclusionProof(position: UInt64(index + 1), treeSize: UInt64(size))
                #expect(proof.leafIndex == UInt64(index) && proof.treeSize == UInt64(size) && proof.rootHash == root)
                #expect(proof.path == ReferenceMerkle.path(index, leaves[..<size]), "leaf \(index) of \(size)")
                #expect(throws: Never.self) { try proof.verify(eventHash: events[index].hash) }
            }
        }
        // Without a size: the whole log.
        #expect(try fixture.store.inclusionProof(position: 5).treeSize == 70)
        for (position, size) in [(0, 70), (71, 70), (5, 4)] as [(UInt64, UInt64)] {
            let error = #expect(throws: EventStoreError.self) {
                try fixture.store.inclusionProof(position: position, treeSize: size)
            }
            #expect(error?.code == .proofOutOfRange, "position \(position) of \(size)")
        }
    }

    @Test(arguments: Backend.allCases)
    func everyConsistencyProofEqualsTheReferenceAndVerifies(_ backend: Backend) throws {
        let (fixture, leaves) = try merkleFixture(backend)
        for n in 1...70 {
            let newRoot = ReferenceMerkle.root(leaves[..<n])
            for m in 1...n {
                let proof = try fixture.store.consistencyProof(from: UInt64(m), to: UInt64(n))
                #expect(proof.path == ReferenceMerkle.proof(m, leaves[..<n]), "\(m) to \(n)")
                #expect(throws: Never.self) {
                    try proof.verify(fromRoot: ReferenceMerkle.root(leaves[..<m]), toRoot: newRoot)
                }
            }
        }
        for (m, n) in [(0, 5), (6, 5), (3, 71)] as [(UInt64, UInt64)] {
            let error = #expect(throws: EventStoreError.self) { try fixture.store.consistencyProof(from: m, to: n) }
            #expect(error?.code == .proofOutOfRange, "\(m) to \(n)")
        }
    }

    @Test("a flipped byte in an inclusion proof's path, its root or its leaf index does not verify")
    func tamperedInclusionProofsDoNotVerify() throws {
        let (fixture, _) = try merkleFixture(.inMemory)
        let events = try fixture.store.events(from: 1, limit: 70)
        for position in [1, 16, 17, 33, 64, 65, 70] {
            let proof = try fixture.store.inclusionProof(position: UInt64(position))
            let hash = events[position - 1].hash
            for element in proof.path.indices {
                for byte in [0, 31] {
                    var tampered = proof
                    tampered.path[element] = tampered.path[element].flipped(byte: byte)
                    #expect(throws: ProofError.self, "path[\(element)] byte \(byte) of position \(position)") {
                        try tampered.verify(eventHash: hash)
                    }
                }
            }
            var root = proof
            root.rootHash = root.rootHash.flipped(byte: 7, mask: 0x80)
            let error = #expect(throws: ProofError.self) { try root.verify(eventHash: hash) }
            #expect(error?.message.contains("does not verify") == true)
            for leafIndex in [proof.leafIndex ^ 1, proof.leafIndex + 1, 70, UInt64.max]
            where leafIndex != proof.leafIndex {
                var index = proof
                index.leafIndex = leafIndex
                #expect(throws: ProofError.self, "leafIndex \(leafIndex) for position \(position)") {
                    try index.verify(eventHash: hash)
                }
            }
            // Another event's hash, a path too short or too long.
            #expect(throws: ProofError.self) { try proof.verify(eventHash: hash.flipped()) }
            var short = proof
            short.path.removeLast()
            #expect(throws: ProofError.self) { try short.verify(eventHash: hash) }
            var long = proof
            long.path.append(hash)
            #expect(throws: ProofError.self) { try long.verify(eventHash: hash) }
        }
    }

    @Test("a flipped byte in a consistency proof's path or either root does not verify")
    func tamperedConsistencyProofsDoNotVerify() throws {
        let (fixture, _) = try merkleFixture(.inMemory)
        for (m, n) in [(1, 70), (16, 70), (17, 64), (32, 33), (5, 6), (69, 70)] as [(UInt64, UInt64)] {
            let proof = try fixture.store.consistencyProof(from: m, to: n)
            let old = try fixture.store.merkleRoot(size: m)
            let new = try fixture.store.merkleRoot(size: n)
            try proof.verify(fromRoot: old, toRoot: new)
            for element in proof.path.indices {
                var tampered = proof
                tampered.path[element] = tampered.path[element].flipped(byte: 13)
                #expect(throws: ProofError.self, "path[\(element)] of \(m) to \(n)") {
                    try tampered.verify(fromRoot: old, toRoot: new)
                }
            }
            #expect(throws: ProofError.self) { try proof.verify(fromRoot: old.flipped(), toRoot: new) }
            #expect(throws: ProofError.self) { try proof.verify(fromRoot: old, toRoot: new.flipped(byte: 31)) }
            var sizes = proof
            sizes.fromSize += 1
            #expect(throws: ProofError.self) { try sizes.verify(fromRoot: old, toRoot: new) }
        }
        // Equal sizes: an empty path and equal roots.
        let root = try fixture.store.merkleRoot(size: 40)
        try ConsistencyProof(fromSize: 40, toSize: 40, path: []).verify(fromRoot: root, toRoot: root)
        #expect(throws: ProofError.self) {
            try ConsistencyProof(fromSize: 40, toSize: 40, path: []).verify(fromRoot: root, toRoot: root.flipped())
        }
    }

    @Test(arguments: Backend.allCases)
    func verifyNamesAFlippedStoredNodeByLevelAndIndex(_ backend: Backend) throws {
        let (fixture, _) = try merkleFixture(backend)
        #expect(try fixture.store.verify().isValid)
        // 70 leaves store level 4 nodes 0...3, level 5 nodes 0 and 1, level 6 node 0.
        for (level, index) in [(4, 0), (4, 3), (5, 1), (6, 0)] as [(UInt8, UInt64)] {
            try fixture.store.corruptStoredMerkleNode(level: level, index: index, byteOffset: 9)
            let report = try fixture.store.verify()
            #expect(!report.isValid)
            #expect(report.problem?.contains("level \(level), index \(index)") == true, "\(report.problem ?? "valid")")
            #expect(report.firstBadPosition == (index << UInt64(level)) + 1)
            try fixture.store.corruptStoredMerkleNode(level: level, index: index, byteOffset: 9)
            #expect(try fixture.store.verify().isValid)
        }
        #expect(throws: EventStoreError.self) { try fixture.store.corruptStoredMerkleNode(level: 6, index: 1) }
    }

    @Test(arguments: Backend.allCases)
    func nodesAreWrittenByEveryAppendPathAndSurviveReopening(_ backend: Backend) throws {
        let (fixture, leaves) = try merkleFixture(backend, count: 70)
        try fixture.reopen()
        // The next events complete level 4 node 4 (leaves 64...79) after the reopen.
        try fixture.store.append((0..<10).map { paymentEvent("+98912", amount: Int64(100 + $0)) })
        let more = try fixture.store.events(from: 71, limit: 10).map { MerkleTree.leafHash(ofEvent: $0.hash) }
        let all = leaves + more
        #expect(try fixture.store.merkleRoot(size: 80) == ReferenceMerkle.root(all[...]))
        #expect(try fixture.store.inclusionProof(position: 66).path == ReferenceMerkle.path(65, all[...]))
        #expect(try fixture.store.verify().isValid)
        // A retry appends nothing and writes no node.
        let head = try fixture.store.head().position
        let retried = try fixture.store.events(from: 80, limit: 1)[0]
        var retry = paymentEvent("+98912", amount: 109, id: retried.eventID)
        retry.occurredAt = retried.occurredAt
        try fixture.store.append([retry])
        #expect(try fixture.store.head().position == head)
        #expect(try fixture.store.verify().isValid)
    }

    @Test("the stored tree's node count: one per complete aligned subtree of 16 leaves and up")
    func storedNodeCountsFollowTheSize() throws {
        let fixture = try StoreFixture(.inMemory)
        for batch in 0..<9 {
            try fixture.store.append((0..<31).map { paymentEvent("+98913", amount: Int64(batch * 100 + $0 + 1)) })
            #expect(try fixture.store.verify().isValid, "after \(31 * (batch + 1)) events")
        }
        // verify() counts the stored nodes: 17 + 8 + 4 + 2 + 1 of levels 4 to 8 for 279 events.
        #expect(try fixture.store.head().position == 279)
    }
}
