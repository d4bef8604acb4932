import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting
import SubledgerPostgres

/// The backends every conformance test runs against: one test body, every backend.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case lmdb
    case inMemory
    /// A schema of its own on the test server (issue 15: ``PostgresTestServer``).
    case postgres

    var testDescription: String { rawValue }

    /// The backends whose stored bytes a test can reach, to inject faults into them or flip
    /// their bits (``FaultInjectingBackend``, the test hooks): not PostgreSQL's yet.
    static let reachingStoredBytes: [Backend] = [.lmdb, .inMemory]
}

/// A store under test, with what it takes to reopen it.
final class StoreFixture: @unchecked Sendable {
    let backend: Backend
    let clock: ManualClock
    let folder: String?
    /// The store's URL on the test server (``Backend/postgres``).
    let postgresURL: String?
    private(set) var store: EventStore

    init(
        _ backend: Backend, start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
        initialMapSizeBytes: Int = 1 << 20
    ) throws {
        self.backend = backend
        clock = ManualClock(start)
        switch backend {
        case .lmdb:
            let folder = temporaryFolder()
            self.folder = folder
            postgresURL = nil
            store = try EventStore.open(
                at: folder, options: .init(initialMapSizeBytes: initialMapSizeBytes, clock: clock))
        case .inMemory:
            folder = nil
            postgresURL = nil
            store = EventStore.inMemory(clock: clock)
        case .postgres:
            folder = nil
            let url = try PostgresTestServer.newStoreURL()
            postgresURL = url
            store = try EventStore.open(postgres: url, options: .init(clock: clock))
        }
    }

    /// Closes and opens the store again (the same object for the in-memory store).
    func reopen() throws {
        if let postgresURL {
            store = EventStore.inMemory()
            store = try EventStore.open(postgres: postgresURL, options: .init(clock: clock))
        }
        guard let folder else { return }
        store = EventStore.inMemory()
        store = try EventStore.open(at: folder, options: .init(clock: clock))
    }

    deinit {
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }
}

func temporaryFolder() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("subledger-test-\(UUID().uuidString)").path
}

extension Timestamp {
    static func at(_ text: String) -> Timestamp {
        do { return try Timestamp(rfc3339: text) } catch { fatalError("bad test time \(text): \(error)") }
    }
}

/// A payment-like event on `line`, with an amount.
func paymentEvent(
    _ line: String, amount: Int64, at time: String = "2024-03-01T10:00:00Z",
    id: EventID = .random()
) -> ProposedEvent {
    ProposedEvent(
        eventID: id, type: "PaymentReceived", stream: .line(line), occurredAt: .at(time),
        data: ["paymentId": .string("P-\(amount)"), "amount": .integer(amount), "method": .string("card")],
        metadata: ["actor": "test"]
    )
}

/// Streams for the store's tests, named as the ledger names them: the store itself knows
/// no category (issue 12, item 3), so its tests name their own.
extension StreamID {
    static func line(_ number: String) -> StreamID { StreamID(category: "line", id: number) }
    static func subscriber(_ id: String) -> StreamID { StreamID(category: "subscriber", id: id) }
}
