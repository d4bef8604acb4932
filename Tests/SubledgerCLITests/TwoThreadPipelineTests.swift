import Foundation
@testable import SubledgerStore
import SubledgerStoreTesting
import Testing
@testable import subledger

/// `import`, `apply`, `export` and `verify FILE` run their reading on a second thread
/// (``OrderedPipeline``). What a user sees must be what a sequential loop gives: every item
/// in order, the first refusal with its own line (wherever it falls among the hand-over
/// batches), nothing written after a failure, and for export the same lines and the same
/// error as a checking read of the store.
@Suite("The two-thread pipelines behave as sequential loops")
struct TwoThreadPipelineTests {
    @Test func batchesArriveInOrderAndErrorsAfterThem() throws {
        for queueLimit in [1, 2, 8] {
            var seen: [Int] = []
            try OrderedPipeline<[Int]>.run(
                queueLimit: queueLimit,
                produce: { emit in
                    for start in stride(from: 0, to: 1000, by: 7) where !emit(Array(start..<min(start + 7, 1000))) {
                        return
                    }
                }, consume: { batch in seen += batch })
            #expect(seen == Array(0..<1000))

            struct ProducerFailure: Error, Equatable { var at: Int }
            seen = []
            #expect(throws: ProducerFailure(at: 500)) {
                try OrderedPipeline<[Int]>.run(
                    queueLimit: queueLimit,
                    produce: { emit in
                        for start in stride(from: 0, to: 500, by: 10) where !emit(Array(start..<start + 10)) { return }
                        throw ProducerFailure(at: 500)
                    }, consume: { batch in seen += batch })
            }
            #expect(seen == Array(0..<500))

            // The consumer stops: its error wins, the producer is told to stop and is waited for.
            struct ConsumerFailure: Error {}
            let stopped = Flag()
            seen = []
            #expect(throws: ConsumerFailure.self) {
                try OrderedPipeline<[Int]>.run(
                    queueLimit: queueLimit,
                    produce: { emit in
                        for start in 0..<1_000_000 {
                            guard emit([start]) else {
                                stopped.set()
                                return
                            }
                        }
                        throw ProducerFailure(at: -1)
                    },
                    consume: { batch in
                        seen += batch
                        if batch == [42] { throw ConsumerFailure() }
                    })
            }
            #expect(seen == Array(0...42))
            #expect(stopped.isSet)
        }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    /// Facts on one new line: a subscriber, the line, then usage.
    static func facts(count: Int) -> [String] {
        var lines = [
            #"{"type":"SubscriberRegistered","subscriber":"S-9","occurredAt":"2025-01-01T00:00:00Z","data":{"subscriberId":"S-9","kind":"individual","governmental":false,"name":"N","nationalId":"1"}}"#,
            #"{"type":"LineActivated","line":"+989120000001","occurredAt":"2025-01-01T00:01:00Z","data":{"subscriberId":"S-9","service":"mobile","plan":"noDeposit","connectionFee":0,"vanityPremium":0}}"#,
        ]
        for index in lines.count..<count {
            lines.append(
                #"{"type":"UsageRecorded","line":"+989120000001","occurredAt":"2025-01-02T00:00:00Z","data":{"amount":\#(index + 1),"description":"u"}}"#
            )
        }
        return lines
    }

    @Test func importNamesTheBadLineWhereverItFallsAmongTheBatches() throws {
        let count = 2 * FactLinePipeline.batchSize + 50
        let badLines = [
            3, FactLinePipeline.batchSize, FactLinePipeline.batchSize + 1, 2 * FactLinePipeline.batchSize, count,
        ]
        let spoilers: [(String, String, String)] = [
            // Refused while reading the line (second thread) ...
            ("malformed", #"{"type":"UsageRecorded""#, "malformed JSON"),
            (
                "negative",
                #"{"type":"UsageRecorded","line":"+989120000001","occurredAt":"2025-01-02T00:00:00Z","data":{"amount":-5,"description":"u"}}"#,
                "field data.amount: must not be negative (-5)"
            ),
            // ... and while admitting it (this thread).
            (
                "unknown line",
                #"{"type":"UsageRecorded","line":"+989120000002","occurredAt":"2025-01-02T00:00:00Z","data":{"amount":5,"description":"u"}}"#,
                "does not exist"
            ),
        ]
        for badLine in badLines {
            for (name, text, message) in spoilers {
                let sandbox = try Sandbox()
                var lines = Self.facts(count: count)
                lines[badLine - 1] = text
                // A later bad line must not be the one reported.
                if badLine < count { lines[count - 1] = "{" }
                let refused = try sandbox.subledger(
                    "import", try sandbox.file("events.jsonl", lines.joined(separator: "\n") + "\n"))
                #expect(refused.status != 0, "\(name) at \(badLine)")
                #expect(
                    refused.stderr.contains("events.jsonl:\(badLine): "), "\(name) at \(badLine): \(refused.stderr)")
                #expect(refused.stderr.contains(message), "\(name) at \(badLine): \(refused.stderr)")
                #expect(try sandbox.storeHead() == nil, "\(name) at \(badLine): nothing is written, not even a store")
            }
        }
        let sandbox = try Sandbox()
        var lines = Self.facts(count: count)
        lines.insert("", at: FactLinePipeline.batchSize)
        lines.insert("  \t", at: 7)
        let imported = try sandbox.subledger(
            "import", "--json", try sandbox.file("events.jsonl", lines.joined(separator: "\n")))
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("\"imported\":\(count)"), "\(imported)")
    }

    /// What export wrote and said before it read the store on two threads: the store's
    /// checking read, chunk by chunk, each line appended to a 1 MiB buffer written out
    /// whenever it fills; on an error, what was written and the error.
    static func sequentialExport(of folder: String) throws -> (stdout: [UInt8], error: String?) {
        let store = try EventStore.open(at: folder, options: .init())
        var written: [UInt8] = []
        var buffer: [UInt8] = []
        do {
            try store.forEachEvent(from: 1, chunkSize: 4096, verifyingHashes: true) { event in
                EventJSON.write(event, includeHashes: true, into: &buffer)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    written += buffer
                    buffer.removeAll()
                }
            }
        } catch let error as EventStoreError {
            return (written, error.message)
        }
        return (written + buffer, nil)
    }

    @Test func exportOfATamperedStoreFailsAsACheckingReadDoes() throws {
        let count = 9000
        // Each tampered position, and whether its hash was recomputed (then the chain
        // breaks at the next position).
        let cases: [(String, [(UInt64, Bool)])] = [
            ("untouched", []), ("first", [(1, false)]), ("end of a chunk", [(4096, false)]),
            ("start of a chunk", [(4097, false)]),
            ("last", [(UInt64(count), false)]), ("rehashed at the end of a chunk", [(4096, true)]),
            ("rehashed in a chunk", [(5000, true)]),
            ("two in a chunk", [(5000, false), (4500, false)]),
            ("a bad hash before a broken link", [(4200, true), (4100, false)]),
            ("a broken link before a bad hash", [(4200, false), (4100, true)]),
        ]
        let template = try Sandbox()
        let imported = try template.subledger(
            "import", try template.file("events.jsonl", Self.facts(count: count).joined(separator: "\n")))
        try #require(imported.status == 0, "\(imported)")
        var errors: [String] = []
        for (name, tampered) in cases {
            let sandbox = try Sandbox()
            try FileManager.default.copyItem(atPath: template.store, toPath: sandbox.store)
            let store = try EventStore.open(at: sandbox.store, options: .init())
            for (position, rehash) in tampered {
                var event = try #require(try store.events(from: position, limit: 1).first)
                event.data["amount"] = .integer(-7)
                if rehash { event.hash = EventJSON.computeHash(of: event) }
                try #require(store.log as? any RecordOverwriting).overwrite(event)
            }
            let expected = try Self.sequentialExport(of: sandbox.store)
            let exported = try sandbox.run(SubledgerBinary.path, ["export"])
            #expect(
                Array(exported.stdout.utf8) == expected.stdout,
                "\(name): \(exported.stdout.utf8.count) bytes, expected \(expected.stdout.count)")
            if let error = expected.error {
                errors.append(error)
                #expect(exported.status != 0, "\(name)")
                #expect(exported.stderr.contains(error), "\(name): \(exported.stderr) instead of \(error)")
            } else {
                #expect(exported.status == 0, "\(name): \(exported.stderr)")
            }
            let filtered = try sandbox.run(
                SubledgerBinary.path,
                ["export", "--from", "2025-01-01T00:00:30Z", "--output", sandbox.folder + "/out.jsonl"])
            #expect(filtered.status == exported.status, "\(name)")
            #expect(
                FileManager.default.fileExists(atPath: sandbox.folder + "/out.jsonl") == (expected.error == nil),
                "\(name)")
        }
        #expect(errors.count == cases.count - 1)
        print(
            "export of a tampered store: \(cases.count) cases, each the same lines and error as a checking read: \(errors.joined(separator: "; "))"
        )
    }
}

/// Rewrites a stored record (to tamper with a store the way an intruder who knows the
/// format would).
protocol RecordOverwriting {
    func overwrite(_ event: RecordedEvent) throws
}

extension EventLog: RecordOverwriting {
    func overwrite(_ event: RecordedEvent) throws {
        try backend.write { transaction in
            var symbols = SymbolTable()
            try symbols.catchUp(in: transaction)
            let record = try RecordCodec.encode(event, symbols: &symbols, in: transaction)
            try transaction.put(.events, key: StoreKeys.position(event.position), value: record, mode: .upsert)
        }
    }
}
