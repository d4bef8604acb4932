import Crypto
import Foundation
@_spi(Testing) import SubledgerStore
import Testing

/// Personal data as commitments, the vault and erase (issue 10, item 1; RET-1): clear
/// values never reach the log, retries commit the same, erase shreds one subject and
/// replaces the master key, and a crash at any step of that leaves no half state.
@Suite("Personal data: commitments, vault, erase (RET-1)")
struct PersonalDataVaultTests {
    static let name = "Parisa Vaultname"
    static let nationalID = "4433221100"

    /// A store folder and its key file beside it, removed at the end.
    struct Place {
        let parent = temporaryFolder()
        var folder: String { parent + "/ledger" }
        var keyPath: String { parent + "/ledger.keys" }

        init() throws { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }

        func open() throws -> EventStore {
            let store = try EventStore.open(at: folder)
            try store.openKeyFile(at: keyPath, creatingBesideStoreAt: folder)
            return store
        }

        func remove() { try? FileManager.default.removeItem(atPath: parent) }
    }

    static func registration(
        _ subject: String, name: String = name, nationalID: String = nationalID, id: EventID = .random()
    ) -> ProposedEvent {
        ProposedEvent(
            eventID: id, type: "SubscriberRegistered", stream: .subscriber(subject),
            occurredAt: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
            data: ["subscriberId": .string(subject), "name": .string(name), "nationalId": .string(nationalID)],
            personalFields: ["name", "nationalId"])
    }

    static func erasure(_ subject: String) -> (subject: StreamID, erasure: ProposedEvent) {
        (
            .subscriber(subject),
            ProposedEvent(
                type: "PersonalDataErased", stream: .subscriber(subject),
                occurredAt: Timestamp(millisecondsSinceEpoch: 1_749_000_000_000),
                data: ["subscriberId": .string(subject), "fields": .array([.string("name"), .string("nationalId")])])
        )
    }

    @Test func RET1_clearValuesBecomeCommitmentsAndTheirDisclosuresOpenWithTheKeyFile() throws {
        let place = try Place()
        defer { place.remove() }
        let store = try place.open()
        try store.append([Self.registration("S-1")])
        let recorded = try #require(try store.events(from: 1).first)
        let disclosures = try #require(try store.disclosures(at: 1))
        #expect(Set(disclosures.keys) == ["data.name", "data.nationalId"])
        for (field, value) in [("name", Self.name), ("nationalId", Self.nationalID)] {
            let disclosure = try #require(disclosures["data." + field])
            #expect(disclosure.value == value && disclosure.salt.count == 32)
            var hasher = SHA256()
            hasher.update(data: disclosure.salt + Array(value.utf8))
            let expected = hasher.finalize().withUnsafeBytes { ChainHash(bytes: $0) }
            #expect(recorded.data[field] == .object(["commitment": .string(expected.hex)]))
        }
        #expect(try store.verify().isValid)
        let storeBytes = try Data(contentsOf: URL(fileURLWithPath: place.folder + "/data.mdb"))
        for secret in [Self.name, Self.nationalID] {
            #expect(storeBytes.range(of: Data(secret.utf8)) == nil, "\(secret) in data.mdb")
        }
    }

    @Test func RET1_aRetryOfTheSameEventIDWithTheSameClearValuesCommitsTheSame() throws {
        let place = try Place()
        defer { place.remove() }
        let store = try place.open()
        let id = EventID.random()
        let first = try store.append([Self.registration("S-1", id: id)])
        let again = try store.append([Self.registration("S-1", id: id)])
        #expect(again.appendedCount == 0 && again.positions == first.positions)
        let reused = #expect(throws: EventStoreError.self) {
            try store.append([Self.registration("S-1", name: "Other Person", id: id)])
        }
        #expect(reused?.code == .eventIDReused)
        #expect(reused?.message.contains("Other Person") == false)
        #expect(try store.head().position == 1)
    }

    @Test func RET1_personalDataWithoutTheKeyFileIsRefusedAndCommitmentsAloneNeedNone() throws {
        let place = try Place()
        defer { place.remove() }
        let store = try EventStore.open(at: place.folder)
        let refused = #expect(throws: EventStoreError.self) { try store.append([Self.registration("S-1")]) }
        #expect(refused?.code == .keysMissing)
        #expect(refused.map { !$0.message.contains(Self.name) && !$0.message.contains(Self.nationalID) } == true)
        #expect(try store.head().position == 0)
        var committed = Self.registration("S-2")
        let commitment = Disclosure(salt: Array(repeating: 7, count: 32), value: Self.name).commitment
        committed.data["name"] = Disclosure.commitmentMember(commitment)
        committed.data["nationalId"] = Disclosure.commitmentMember(commitment)
        try store.append([committed])
        #expect(try store.disclosures(at: 1) == nil)
        #expect(!FileManager.default.fileExists(atPath: place.keyPath))
    }

    @Test func RET1_aStoreInMemoryHoldsItsKeysInMemoryAndErasesWithoutAFile() throws {
        let store = EventStore.inMemory()
        try store.append([Self.registration("S-1")])
        #expect(try store.disclosures(at: 1)?["data.nationalId"]?.value == Self.nationalID)
        try store.erase([Self.erasure("S-1")])
        #expect(try store.disclosures(at: 1) == nil && store.keyFile?.generation == 2)
    }

    @Test func RET1_anImportedDisclosureMustMatchItsCommitmentAndIsSealedLikeAClearValue() throws {
        let place = try Place()
        defer { place.remove() }
        let store = try place.open()
        let disclosure = Disclosure(salt: (0..<32).map { UInt8($0) }, value: Self.name)
        var event = Self.registration("S-1")
        event.data["name"] = Disclosure.commitmentMember(disclosure.commitment)
        event.disclosures = ["data.name": Disclosure(salt: disclosure.salt, value: "Someone Else")]
        let mismatch = #expect(throws: EventStoreError.self) { try store.append([event]) }
        #expect(mismatch?.code == .invalidEvent)
        #expect(mismatch?.message.contains("does not match its commitment") == true)
        #expect(mismatch?.message.contains("Someone Else") == false)
        event.disclosures = ["data.name": disclosure]
        try store.append([event])
        #expect(try store.disclosures(at: 1)?["data.name"] == disclosure)
        #expect(try store.events(from: 1).first?.data["name"] == Disclosure.commitmentMember(disclosure.commitment))
    }

    @Test func RET1_eraseShredsOneSubjectReplacesTheMasterKeyAndKeepsEveryHash() throws {
        let place = try Place()
        defer { place.remove() }
        let store = try place.open()
        try store.append([Self.registration("S-1"), Self.registration("S-2", name: "Kept Person")])
        let before = try store.events(from: 1)
        let oldMaster = try #require(store.keyFile).masterKey.withUnsafeBytes { Data($0) }
        try store.erase([Self.erasure("S-1")])
        #expect(try store.disclosures(at: 1) == nil)
        #expect(try store.disclosures(at: 2)?["data.name"]?.value == "Kept Person")
        #expect(Array(try store.events(from: 1).prefix(2)) == before)
        #expect(try store.verify().isValid && store.head().position == 3)
        #expect(store.keyFile?.generation == 2)
        let keyFileBytes = try Data(contentsOf: URL(fileURLWithPath: place.keyPath))
        #expect(keyFileBytes.range(of: Data(Base64.encode(Array(oldMaster)).utf8)) == nil)
        #expect(!FileManager.default.fileExists(atPath: place.keyPath + ".next"))
        #expect(try StoreKeyFile.open(at: place.keyPath, storeID: store.storeID()).generation == 2)
    }

    /// A crash after each step of the key-file protocol, then an open: before the commit
    /// the erase did not happen, after it the erase is whole; never a half state.
    @Test(arguments: KeyRotationStep.allCases)
    func RET1_aCrashDuringEraseLosesNothingAndLeavesNoHalfState(step: KeyRotationStep) throws {
        let place = try Place()
        defer { place.remove() }
        do {
            let store = try place.open()
            try store.append([Self.registration("S-1"), Self.registration("S-2", name: "Kept Person")])
            #expect(throws: SimulatedCrash.self) { try store.erase([Self.erasure("S-1")], simulatingCrashAfter: step) }
        }
        let store = try place.open()
        let committed = step != .nextWritten
        #expect(try store.head().position == (committed ? 3 : 2))
        #expect(store.keyFile?.generation == (committed ? 2 : 1))
        #expect(try (store.disclosures(at: 1) == nil) == committed)
        #expect(try store.disclosures(at: 2)?["data.name"]?.value == "Kept Person")
        #expect(!FileManager.default.fileExists(atPath: place.keyPath + ".next"))
        #expect(
            try StoreKeyFile.open(at: place.keyPath, storeID: store.storeID()).generation == store.keyFile?.generation)
        // And the store goes on: another erase after the recovered one.
        try store.erase([Self.erasure("S-2")])
        #expect(try store.disclosures(at: 2) == nil)
    }

    @Test func RET1_aFailedCommitOfAnEraseLeavesTheStoreAndTheKeyFileAsTheyWere() throws {
        let place = try Place()
        defer { place.remove() }
        do { try place.open().append([Self.registration("S-1")]) }
        let faults = StorageFaults()
        let store = try EventStore.openFaultInjecting(at: place.folder, faults: faults)
        try store.openKeyFile(at: place.keyPath)
        faults.arm(.commit, occurrence: 1)
        let failed = #expect(throws: EventStoreError.self) { try store.erase([Self.erasure("S-1")]) }
        #expect(failed?.code == .storage)
        #expect(!FileManager.default.fileExists(atPath: place.keyPath + ".next"))
        #expect(store.keyFile?.generation == 1)
        #expect(try store.disclosures(at: 1)?["data.name"]?.value == Self.name)
        #expect(try store.head().position == 1)
    }

    @Test func RET1_aKeyFileOfAnOlderGenerationIsRefusedByName() throws {
        let place = try Place()
        defer { place.remove() }
        let store = try place.open()
        try store.append([Self.registration("S-1"), Self.registration("S-2")])
        let old = try Data(contentsOf: URL(fileURLWithPath: place.keyPath))
        try store.erase([Self.erasure("S-1")])
        let copy = place.parent + "/old.keys"
        _ = FileManager.default.createFile(atPath: copy, contents: old, attributes: [.posixPermissions: 0o600])
        let refused = #expect(throws: StoreKeyFileError.self) { try store.openKeyFile(at: copy) }
        #expect(refused?.message.contains("generation 1") == true && refused?.message.contains("generation 2") == true)
        let missing = #expect(throws: StoreKeyFileError.self) {
            try store.openKeyFile(at: place.parent + "/none.keys", creatingBesideStoreAt: place.folder)
        }
        #expect(missing?.message.contains("a new one would not open it") == true)
        #expect(!FileManager.default.fileExists(atPath: place.parent + "/none.keys"))
    }
}
