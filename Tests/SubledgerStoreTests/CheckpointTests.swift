import Crypto
import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

@Suite("Signed checkpoints (issue 10 item 3, C2SP tlog-checkpoint)")
struct CheckpointTests {
    @Test(arguments: Backend.allCases)
    func aCheckpointIsTheSignedNoteOfTheHeadsTree(_ backend: Backend) throws {
        let (fixture, _) = try merkleFixture(backend, count: 40)
        let key = Curve25519.Signing.PrivateKey()
        let checkpoint = try fixture.store.recordCheckpoint(signingKey: key, noteExtensions: ["old-head abc"])
        let id = try fixture.store.storeID()
        let root = try fixture.store.merkleRoot(size: 40)
        #expect(checkpoint.origin == "subledger/\(id)")
        #expect(checkpoint.size == 40 && checkpoint.rootHash == root)
        #expect(checkpoint.note == "subledger/\(id)\n40\n\(Data(root.bytes).base64EncodedString())\nold-head abc\n")
        #expect(checkpoint.extensionLines == ["old-head abc"])
        #expect(checkpoint.publicKey == Array(key.publicKey.rawRepresentation))
        #expect(key.publicKey.isValidSignature(checkpoint.signature, for: Array(checkpoint.note.utf8)))
        try checkpoint.verifySignature(pinnedPublicKey: Array(key.publicKey.rawRepresentation))
        #expect(try fixture.store.latestCheckpoint() == checkpoint)
        try fixture.reopen()
        #expect(try fixture.store.checkpoints() == [checkpoint])
        #expect(try fixture.store.verify().isValid)
    }

    @Test(arguments: Backend.allCases)
    func recordingTheSameSizeTwiceKeepsTheFirst(_ backend: Backend) throws {
        let (fixture, _) = try merkleFixture(backend, count: 20)
        let first = try fixture.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        let again = try fixture.store.recordCheckpoint(
            signingKey: Curve25519.Signing.PrivateKey(), noteExtensions: ["other"])
        #expect(again == first)
        try fixture.store.append([paymentEvent("+98914", amount: 5)])
        let later = try fixture.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        #expect(later.size == 21)
        #expect(try fixture.store.checkpoints().map(\.size) == [20, 21])
        #expect(try fixture.store.latestCheckpoint() == later)
        // A kept checkpoint is consistent with the later tree.
        try fixture.store.consistencyProof(from: 20, to: 21).verify(fromRoot: first.rootHash, toRoot: later.rootHash)
    }

    @Test func anEmptyLogOrABadExtensionLineIsRefusedAndWritesNothing() throws {
        let store = EventStore.inMemory()
        let empty = #expect(throws: EventStoreError.self) {
            try store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        }
        #expect(empty?.code == .proofOutOfRange)
        try store.append([paymentEvent("+98911", amount: 1)])
        for line in ["", "two\nlines"] {
            let error = #expect(throws: EventStoreError.self) {
                try store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey(), noteExtensions: [line])
            }
            #expect(error?.message.contains("extension line 1") == true)
        }
        #expect(try store.checkpoints().isEmpty)
    }

    @Test func aReadOnlyStoreRecordsNoCheckpoint() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EventStore.open(at: folder).append([paymentEvent("+98911", amount: 1)])
        let reader = try EventStore.open(at: folder, options: .init(readOnly: true))
        let error = #expect(throws: EventStoreError.self) {
            try reader.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        }
        #expect(error?.code == .notWritable)
    }

    @Test func theJSONRoundTripsAndABadFieldIsNamed() throws {
        let (fixture, _) = try merkleFixture(.inMemory, count: 17)
        let checkpoint = try fixture.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        guard case .object(let object) = checkpoint.json else { Issue.record("not an object"); return }
        #expect(object.map(\.key) == ["note", "origin", "publicKey", "rootHash", "signature", "size"])
        let text = String(decoding: CanonicalJSON.encode(checkpoint.json), as: UTF8.self)
        #expect(try SignedCheckpoint.parse(text) == checkpoint)
        let cases: [(field: String, value: JSONValue?)] = [
            ("origin", .integer(1)), ("origin", nil), ("size", .integer(-1)), ("size", .string("17")),
            ("rootHash", .string(checkpoint.rootHash.hex.uppercased())), ("note", .string("subledger/x\n17\nAAAA\n")),
            ("signature", .string("AAAA")), ("publicKey", .string(Base64.encode([UInt8](repeating: 1, count: 31)))),
        ]
        for (field, value) in cases {
            var members = object
            members[field] = value
            let error = #expect(throws: ProofError.self, "\(field)") { try SignedCheckpoint(json: .object(members)) }
            #expect(error?.field == "checkpoint.\(field)", "\(field): \(error?.message ?? "")")
        }
        #expect(throws: ProofError.self) { try SignedCheckpoint.parse("{") }
    }

    @Test("a flipped byte in the note, the signature or the key does not verify; a pinned key must match")
    func aTamperedCheckpointIsNamed() throws {
        let (fixture, _) = try merkleFixture(.inMemory, count: 17)
        let key = Curve25519.Signing.PrivateKey()
        let checkpoint = try fixture.store.recordCheckpoint(signingKey: key)
        var note = checkpoint
        note.note = note.note.replacingOccurrences(of: "\n17\n", with: "\n18\n")
        #expect((try? note.verifySignature()) == nil)
        for byte in [0, 63] {
            var signature = checkpoint
            signature.signature[byte] ^= 0x04
            let error = #expect(throws: ProofError.self) { try signature.verifySignature() }
            #expect(error?.field == "checkpoint.signature")
        }
        var publicKey = checkpoint
        publicKey.publicKey = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(throws: ProofError.self) { try publicKey.verifySignature() }
        let pinned = #expect(throws: ProofError.self) {
            try checkpoint.verifySignature(
                pinnedPublicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        }
        #expect(pinned?.field == "checkpoint.publicKey")
    }

    @Test(arguments: Backend.allCases)
    func verifyNamesAFlippedNodeUnderARecordedCheckpoint(_ backend: Backend) throws {
        let (fixture, _) = try merkleFixture(backend, count: 33)
        _ = try fixture.store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        // The stored node of leaves 17...32 changed and its parent too: the nodes check
        // names the first, the checkpoint check would name the root.
        try fixture.store.corruptStoredMerkleNode(level: 4, index: 1)
        let report = try fixture.store.verify()
        #expect(report.problem?.contains("level 4, index 1") == true, "\(report.problem ?? "valid")")
    }

    /// A fault at every read, put and commit of recording a checkpoint, on both backends:
    /// each surfaces as a storage error and leaves no checkpoint, no half of one, and the
    /// log as it was; once the fault is gone the checkpoint is recorded.
    @Test(arguments: Backend.reachingStoredBytes)
    func aFaultDuringACheckpointLeavesNoHalfState(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try FaultInjectionTests.open(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let store = opened.store
        try store.append((1...20).map { paymentEvent("+98911", amount: Int64($0)) })
        _ = try store.recordCheckpoint(signingKey: Curve25519.Signing.PrivateKey())
        try store.append((21...40).map { paymentEvent("+98912", amount: Int64($0)) })
        let key = Curve25519.Signing.PrivateKey()
        var injected = 0
        for operation in StorageFaults.Operation.allCases {
            for occurrence in 1... {
                let head = try store.head()
                let before = try store.checkpoints()
                faults.arm(operation, occurrence: occurrence)
                var thrown: (any Error)?
                var recorded: SignedCheckpoint?
                do { recorded = try store.recordCheckpoint(signingKey: key) } catch { thrown = error }
                let reached = !faults.isArmed
                faults.disarm()
                guard reached else {
                    // No fault left to inject: the checkpoint is recorded, whole; the next
                    // operation's rounds need a new size.
                    #expect(thrown == nil && recorded?.size == head.position)
                    #expect(try store.checkpoints() == before + [recorded].compactMap { $0 })
                    try store.append([paymentEvent("+98913", amount: Int64(occurrence))])
                    break
                }
                injected += 1
                let error = thrown as? EventStoreError
                #expect(
                    error?.code == .storage && error?.message.contains("injected I/O error") == true,
                    "\(backend) \(operation) \(occurrence): \(String(describing: thrown))")
                #expect(try store.checkpoints() == before, "\(operation) \(occurrence)")
                #expect(try store.head() == head)
            }
        }
        #expect(injected >= 3)
        #expect(try store.verify().isValid)
        let all = try store.checkpoints()
        #expect(all.count == 1 + StorageFaults.Operation.allCases.count)
        if let folder = opened.folder {
            #expect(try EventStore.open(at: folder).checkpoints() == all)
        }
    }
}
