import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerPostgres
import SubledgerStoreTesting

/// Issue 15 items 2 and 5: writers of several stores opened on one PostgreSQL store (as
/// writer processes on several hosts open it: each its own connections, nothing shared but
/// the server) append to shared streams at once, on threads of their own. Positions come
/// out gap-free and unique, every acknowledged event is there once at its position, each
/// stream's versions are gap-free, and the chain verifies.
@Suite("PostgreSQL: concurrent writers of one store")
struct PostgresConcurrencyTests {
    static let streams: [StreamID] = (1...3).map { .line("+9891\($0)") }

    /// What one writer thread had acknowledged: each event's id, its position and stream.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var events: [(id: EventID, position: UInt64, stream: StreamID)] = []
        private(set) var conflicts = 0
        private(set) var failures: [String] = []

        func add(_ batch: [ProposedEvent], _ result: AppendResult) {
            lock.lock()
            defer { lock.unlock() }
            for (event, position) in zip(batch, result.positions) {
                events.append((event.eventID, position, event.stream))
            }
        }

        func conflict() { lock.lock(); conflicts += 1; lock.unlock() }
        func fail(_ message: String) { lock.lock(); failures.append(message); lock.unlock() }
    }

    /// One writer: batches of one to three events on shared streams; every other batch
    /// expects the version it just read of its first stream and tries again on a conflict.
    static func write(_ store: EventStore, writer: Int, batches: Int, into acknowledged: Acknowledged) {
        var random = SeededRandom(seed: UInt64(writer) + 1)
        for index in 0..<batches {
            let batch = (0...random.below(3)).map { event in
                let stream = streams[random.below(streams.count)]
                return paymentEvent(stream.id, amount: Int64(writer * 10_000 + index * 10 + event))
            }
            let checked = index % 2 == 0
            for _ in 0..<50 {
                do {
                    let first = batch[0].stream
                    let expecting = checked ? [first: ExpectedVersion.exactly(try store.version(of: first))] : [:]
                    acknowledged.add(batch, try store.append(batch, expecting: expecting))
                    break
                } catch let error as EventStoreError where error.code == .versionConflict {
                    acknowledged.conflict()
                } catch {
                    acknowledged.fail("writer \(writer), batch \(index): \(error)")
                    return
                }
            }
        }
    }

    @Test func writersOfSeveralStoresOnOneDatabaseLandGapFreeAndTheChainVerifies() throws {
        let url = try PostgresTestServer.newStoreURL()
        let stores = try (0..<4).map { _ in try EventStore.open(postgres: url) }
        let writers = 8
        let batches = 30
        let acknowledged = Acknowledged()
        let group = DispatchGroup()
        for writer in 0..<writers {
            group.enter()
            let thread = Thread {
                Self.write(stores[writer % stores.count], writer: writer, batches: batches, into: acknowledged)
                group.leave()
            }
            thread.start()
        }
        group.wait()
        #expect(acknowledged.failures.isEmpty, "\(acknowledged.failures)")
        let landed = acknowledged.events
        let head = try stores[0].head().position
        #expect(head == UInt64(landed.count))
        #expect(Set(landed.map(\.position)) == Set(1...head), "a gap or a duplicate position")
        let stored = try stores[3].events(from: 1, limit: 100_000, verifyingHashes: true)
        #expect(stored.map(\.position) == Array(1...head))
        for event in landed { #expect(stored[Int(event.position) - 1].eventID == event.id) }
        for stream in Self.streams {
            let versions = try stores[1].events(in: stream, limit: 100_000).map(\.streamVersion)
            #expect(versions == Array(1...UInt64(versions.count)))
            #expect(versions.count == landed.filter { $0.stream == stream }.count)
        }
        let report = try stores[2].verify()
        #expect(report.isValid, "\(report.problem ?? "")")
        #expect(report.verifiedCount == head && report.headPosition == head)
    }
}
