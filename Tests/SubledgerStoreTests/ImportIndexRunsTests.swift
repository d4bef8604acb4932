import Foundation
import Testing
@testable @_spi(Testing) import SubledgerStore

/// An import's index entries wait in sorted runs beside the store and are merged into the
/// indexes once, in key order, when it ends (issue 13: at 10 M events the same entries
/// written at random keys in each bounded transaction made 28 × the store's bytes). What
/// the import's later transactions must see of its earlier ones (stream heads, event ids,
/// retries) is the same as before, and so is what the store holds afterwards.
@Suite("An import merges its index entries once, from sorted runs")
struct ImportIndexRunsTests {
    private static let before = (1...5).map { paymentEvent("+98911", amount: Int64($0)) }
    private static let imported = (1...40).map { index in
        paymentEvent("+9891\(index % 3 + 2)", amount: Int64(100 + index), at: "2024-03-01T1\(index % 10):00:00Z")
    }
    private static let onExistingLine = paymentEvent("+98911", amount: 999)

    /// Three transactions: the second retries an event of the first and adds one to a line
    /// the store had before; the third retries one of its own. On LMDB the indexes do not
    /// move until the import ends (the runs hold the entries); on every backend the
    /// versions, retries, chain and indexes come out the same.
    @Test(arguments: Backend.allCases)
    func theImportSeesItsOwnEntriesAndTheStoreHoldsThemAfter(_ backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let store = fixture.store
        try store.append(Self.before)
        let countsBefore = try store.rowCounts()
        let runs = fixture.folder.map { $0 + "/import-runs" }
        let results = try store.withImport { session -> [AppendResult] in
            let first = try session.append(Array(Self.imported[..<15]))
            #expect(try session.version(of: .line("+98912")) == 5, "the import's own events count")
            #expect(try session.version(of: .line("+98911")) == 5)
            if let runs {
                #expect(try store.rowCounts()["streams"] == countsBefore["streams"], "the index waits for the end")
                #expect(try store.rowCounts()["eventIds"] == countsBefore["eventIds"])
                #expect(try FileManager.default.contentsOfDirectory(atPath: runs).count >= 3)
            }
            let second = try session.append(Array(Self.imported[15..<30]) + [Self.imported[3], Self.onExistingLine])
            let third = try session.append(Array(Self.imported[30...]) + [Self.imported[35]])
            return [first, second, third]
        }
        #expect(results[1].positions.suffix(2) == [9, 36], "the retry takes its original position")
        #expect(results[1].appendedCount == 16)
        #expect(results[2].positions.last == results[2].positions[5], "a retry within one transaction")
        #expect(results[2].headPosition == 46)
        if let runs { #expect(!FileManager.default.fileExists(atPath: runs), "the runs are gone") }
        let report = try store.verify()
        #expect(report.isValid && report.verifiedCount == 46, "\(report.problem ?? "")")
        let counts = try store.rowCounts()
        for table in ["streams", "eventIds", "streamTimes"] { #expect(counts[table] == 46, "\(table)") }
        #expect(try store.events(in: .line("+98911")).map(\.streamVersion) == Array(1...6))
        let line = try store.events(in: .line("+98912"))
        #expect(line.map(\.eventID) == Self.imported.filter { $0.stream == .line("+98912") }.map(\.eventID))
        #expect(line.map(\.streamVersion) == Array(1...UInt64(line.count)))
        #expect(try store.event(withID: Self.imported[20].eventID)?.position == 26)
        #expect(try store.append([Self.imported[7]]).positions == [13], "an append after it finds the import's ids")
        #expect(try store.append([paymentEvent("+98912", amount: 1)]).positions == [47])
        #expect(try store.events(in: .line("+98912")).last?.streamVersion == UInt64(line.count + 1))
    }

    /// RET-1: the sealed disclosures of an import's personal data wait in the runs with the
    /// index entries and open, after the merge, under their subject's key at their positions.
    @Test func theDisclosuresOfAnImportAreMergedAndOpen() throws {
        let place = try PersonalDataVaultTests.Place()
        defer { place.remove() }
        let store = try place.open()
        try store.append(Self.before)
        try store.withImport { session in
            try session.append([PersonalDataVaultTests.registration("S-1")])
            #expect(try store.rowCounts()["disclosures"] == 0, "the disclosures wait in the runs")
            try session.append([PersonalDataVaultTests.registration("S-2")])
        }
        #expect(try store.rowCounts()["disclosures"] == 2)
        for position: UInt64 in [6, 7] {
            #expect(try store.disclosures(at: position)?["data.name"]?.value == PersonalDataVaultTests.name)
        }
    }

    /// A merge that fails half way (its second commit: the `eventIds` entries are in,
    /// the `streams` ones not): the import is rolled back with what was merged, the runs
    /// are removed, and the same events imported again come out whole.
    @Test func aMergeThatFailsHalfWayIsRolledBackWhole() throws {
        let faults = StorageFaults()
        let opened = try FaultInjectionTests.open(.lmdb, faults: faults)
        let folder = try #require(opened.folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try opened.store.append(Self.before)
        let counts = try opened.store.rowCounts()
        #expect(throws: EventStoreError.self) {
            try opened.store.withImport { session in
                try session.append(Array(Self.imported[..<20]))
                try session.append(Array(Self.imported[20...]))
                faults.arm(.commit, occurrence: 2)
            }
        }
        faults.disarm()
        #expect(!FileManager.default.fileExists(atPath: folder + "/import-runs"))
        var after = try opened.store.rowCounts()
        #expect(after.removeValue(forKey: "symbols") != nil)
        #expect(after == counts.filter { $0.key != "symbols" }, "\(after) against \(counts)")
        #expect(try opened.store.event(withID: Self.imported[0].eventID) == nil)
        let positions = try opened.store.withImport { session in try session.append(Self.imported).positions }
        #expect(positions == Array(6...45))
        let report = try opened.store.verify()
        #expect(report.isValid && report.verifiedCount == 45, "\(report.problem ?? "")")
        #expect(try opened.store.rowCounts()["eventIds"] == 45)
    }

    /// What a killed import left (its runs folder, its marker) is removed when the store
    /// next opens for writing.
    @Test func theRunsOfAnInterruptedImportAreRemovedAtTheNextOpen() throws {
        let faults = StorageFaults()
        var opened: FaultInjectionTests.Opened? = try FaultInjectionTests.open(.lmdb, faults: faults)
        let folder = try #require(opened?.folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try opened?.store.append(Self.before)
        struct Died: Error {}
        #expect(throws: Died.self) {
            try opened?.store.withImport { session in
                try session.append(Self.imported)
                faults.arm(.commit, occurrence: 1)  // the rollback's commit: as if the process died
                throw Died()
            }
        }
        faults.disarm()
        // The rollback's first transaction failed; the runs folder is left as a crash leaves it.
        try FileManager.default.createDirectory(atPath: folder + "/import-runs", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/import-runs/0-streams.run", contents: Data([1, 2, 3]))
        opened = nil
        let store = try EventStore.open(at: folder)
        #expect(!FileManager.default.fileExists(atPath: folder + "/import-runs"))
        #expect(try store.head().position == 5)
        #expect(try store.withImport { session in try session.append(Self.imported).positions } == Array(6...45))
    }
}

/// The pieces of the runs: files written sorted, read back in order and looked up; several
/// merged in one order; the id filter never says no to an id it holds.
@Suite("Index runs: sorted files, their merge, the id filter")
struct IndexRunFileTests {
    private func keys(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
    }

    @Test func aRunIsWrittenInKeyOrderAndLooksUpEachKey() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keys = Array(Set(keys(1000, seed: 7)))
        var builder = IndexRunBuilder()
        for (index, key) in keys.enumerated() { builder.add(key: key, value: StoreKeys.position(UInt64(index))) }
        let run = try IndexRunFile.write(builder, to: folder + "/run", fenced: true)
        #expect(run.count == keys.count)
        var reader = try IndexRunReader(run)
        var read: [[UInt8]] = []
        while let entry = try reader.next() { read.append(entry.key) }
        reader.close()
        #expect(read == keys.sorted { IndexRunBuilder.compare($0, $1) < 0 })
        for (index, key) in keys.enumerated() { #expect(try run.value(of: key) == StoreKeys.position(UInt64(index))) }
        for key in self.keys(200, seed: 8) where !keys.contains(key) { #expect(try run.value(of: key) == nil) }
        run.remove()
        #expect(!FileManager.default.fileExists(atPath: folder + "/run"))
    }

    @Test func severalRunsMergeInOneKeyOrder() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let all = Array(Set(keys(3000, seed: 9)))
        let runs = try (0..<3).map { part in
            var builder = IndexRunBuilder()
            for key in all[(part * all.count / 3)..<((part + 1) * all.count / 3)] {
                builder.add(key: key, value: [UInt8(part)])
            }
            return try IndexRunFile.write(builder, to: "\(folder)/\(part)", fenced: false)
        }
        var merged = try MergedIndexRuns(runs)
        var order: [[UInt8]] = []
        while let entry = try merged.next() { order.append(entry.key) }
        merged.close()
        #expect(order == all.sorted { IndexRunBuilder.compare($0, $1) < 0 })
    }

    @Test func theIDFilterHoldsEveryIDItWasGiven() {
        let filter = ImportIDFilter()
        let held = (0..<20_000).map { _ in EventID.random() }
        for id in held { filter.insert(id) }
        #expect(held.allSatisfy(filter.mayContain))
        let others = (0..<20_000).filter { _ in filter.mayContain(.random()) }.count
        #expect(others < 20, "\(others) false positives in 20,000")
    }
}
