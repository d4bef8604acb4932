import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// I/O errors at the storage seam: the Nth put, commit or read fails, for every N an
/// operation reaches, on the in-memory and the LMDB store. Each failure must surface as an
/// ``EventStoreError`` of code `storage` and leave the store exactly as it was before the
/// transaction; once the fault is gone the same operation succeeds.
@Suite("Fault injection: every I/O error is typed and changes nothing")
struct FaultInjectionTests {
    /// An operation on the store, tried with a fault at each of its steps in turn.
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        /// A known shortcoming: the failure is recorded as known, not as a failure.
        var knownIssue: Comment? = nil
        var run: @Sendable (EventStore, Int) throws -> Void
        var testDescription: String { name }
    }

    static let streams: [StreamID] = [.line("+98911"), .line("+98912"), .line("+98913")]

    /// Appends of new events (new types and keys, so new symbols too), an idempotent retry,
    /// a session of two batches, and reads.
    static let scenarios: [Scenario] = [
        Scenario(name: "append a batch") { store, round in
            var event = paymentEvent("+98913", amount: 7, id: EventID(high: 7, low: UInt64(round)))
            event.type = "FaultProbe\(round)"
            event.data = [
                "probe\(round)": .integer(Int64(round)), "nested": .object(["list": .array([.integer(1), .null])]),
            ]
            try store.append(
                [paymentEvent("+98911", amount: Int64(round + 1)), event], expecting: [.line("+98912"): .any])
        },
        Scenario(name: "retry a recorded event with a new one") { store, round in
            let recorded = paymentEvent("+98911", amount: 1, id: EventID(high: 1, low: 1))
            try store.append([recorded, paymentEvent("+98912", amount: Int64(round + 1))])
        },
        // An I/O error inside a session comes out of the session's append as an
        // EventStoreError, which withAppendSession hands back as it was thrown.
        Scenario(name: "a session of two batches") { store, round in
            try store.withAppendSession { session in
                try session.append([paymentEvent("+98912", amount: Int64(round + 1))])
                let version = try session.version(of: .line("+98912"))
                try session.append([paymentEvent("+98912", amount: 1)], expecting: [.line("+98912"): .exactly(version)])
            }
        },
        Scenario(name: "reads and verify") { store, _ in
            _ = try store.head()
            _ = try store.version(of: .line("+98911"))
            _ = try store.events(from: 1)
            _ = try store.events(in: .line("+98911"))
            _ = try store.events(
                in: .line("+98912"), occurredFrom: .at("2024-01-01T00:00:00Z"), to: .at("2025-01-01T00:00:00Z"))
            _ = try store.verify()
        },
    ]

    struct Opened {
        var store: EventStore
        var folder: String?
    }

    static func open(_ backend: Backend, faults: StorageFaults) throws -> Opened {
        let clock = ManualClock(.at("2024-06-01T00:00:00Z"))
        switch backend {
        case .inMemory:
            return Opened(store: EventStore.faultInjecting(faults, clock: clock), folder: nil)
        case .lmdb:
            let folder = temporaryFolder()
            let store = try EventStore.openFaultInjecting(
                at: folder, options: .init(initialMapSizeBytes: 64 << 10, clock: clock), faults: faults)
            return Opened(store: store, folder: folder)
        case .postgres:
            preconditionFailure("faults are injected into LMDB and the in-memory store only (Backend.reachingStoredBytes)")
        }
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func everyFaultIsTypedAndLeavesTheStoreAsItWas(_ backend: Backend) throws {
        let faults = StorageFaults()
        let opened = try Self.open(backend, faults: faults)
        defer { if let folder = opened.folder { try? FileManager.default.removeItem(atPath: folder) } }
        let store = opened.store
        try store.append([
            paymentEvent("+98911", amount: 1, id: EventID(high: 1, low: 1)), paymentEvent("+98912", amount: 2),
        ])
        var injected: [StorageFaults.Operation: Int] = [:]
        var round = 0
        var untypedErrors = 0
        for scenario in Self.scenarios {
            for operation in StorageFaults.Operation.allCases {
                for occurrence in 1... {
                    round += 1
                    let before = try StoreSnapshot(store, streams: Self.streams)
                    faults.arm(operation, occurrence: occurrence)
                    var thrown: (any Error)?
                    do { try scenario.run(store, round) } catch { thrown = error }
                    let reached = !faults.isArmed
                    faults.disarm()
                    guard reached else {
                        #expect(thrown == nil, "\(scenario.name) without a fault: \(String(describing: thrown))")
                        break
                    }
                    injected[operation, default: 0] += 1
                    let context = "\(backend) \(scenario.name), \(operation) \(occurrence)"
                    let error = thrown as? EventStoreError
                    if let knownIssue = scenario.knownIssue, error == nil {
                        withKnownIssue(knownIssue) { Issue.record("\(context): \(String(describing: thrown))") }
                    } else {
                        #expect(error?.code == .storage, "\(context): \(String(describing: thrown))")
                        #expect(
                            error?.message.contains("injected I/O error") == true,
                            "\(context): \(String(describing: thrown))")
                    }
                    untypedErrors += error == nil ? 1 : 0
                    #expect(try StoreSnapshot(store, streams: Self.streams) == before, "\(context): the store changed")
                }
            }
        }
        #expect(try store.verify().isValid)
        if let folder = opened.folder {
            // The same files, opened afresh by a store without faults, read the same.
            let expected = try StoreSnapshot(store, streams: Self.streams)
            let reopened = try EventStore.open(at: folder)
            #expect(try StoreSnapshot(reopened, streams: Self.streams) == expected)
        }
        let total = injected.values.reduce(0, +)
        #expect(total == faults.injectedCount)
        #expect(injected.count == StorageFaults.Operation.allCases.count)
        print(
            "fault injection (\(backend)): \(total) faults injected "
                + "(\(StorageFaults.Operation.allCases.map { "\($0) \(injected[$0, default: 0])" }.joined(separator: ", "))) "
                + "over \(Self.scenarios.count) scenarios; the store unchanged after each; "
                + "\(total - untypedErrors) surfaced as EventStoreError, \(untypedErrors) as the engine's own error")
    }
}
