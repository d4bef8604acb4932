import Foundation
import InMemoryLogging
import Logging
import Testing
@_spi(Testing) @testable import SubledgerStore
import SubledgerStoreTesting

/// Issue 12, item 4: a swift-log `Logger` injected into the store (``EventStore/Options/logger``),
/// silent by default; map growth, refusals and projection rebuilds are logged through it.
@Suite("The store's logging")
struct StoreLoggingTests {
    /// A logger whose entries the test reads back, and the handler that holds them.
    static func capturing() -> (Logger, InMemoryLogHandler) {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        let captured = handler
        return (Logger(label: "test", factory: { _ in captured }), handler)
    }

    static func entries(_ handler: InMemoryLogHandler, _ event: String) -> [InMemoryLogHandler.Entry] {
        handler.entries.filter { $0.metadata[StoreLogging.eventKey] == .string(event) }
    }

    @Test("given a store whose map is small, when appends fill it, then each growth is logged with the sizes")
    func mapGrowthIsLogged() throws {
        let (logger, handler) = Self.capturing()
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try EventStore.open(
            at: folder,
            options: .init(
                initialMapSizeBytes: 64 << 10, clock: ManualClock(.at("2024-03-01T10:00:00Z")),
                logger: logger))
        #expect(Self.entries(handler, "store.mapGrowth").isEmpty, "nothing grew yet")
        for batch in 0..<20 {
            try store.append((0..<50).map { paymentEvent("+98912\(batch)", amount: Int64($0 + 1)) })
        }
        let growths = Self.entries(handler, "store.mapGrowth")
        #expect(!growths.isEmpty, "64 KiB cannot hold 1,000 events: the map grew")
        for growth in growths {
            #expect(growth.level == .notice)
            guard case .string(let from) = growth.metadata["fromBytes"],
                case .string(let to) = growth.metadata["toBytes"],
                let fromBytes = Int(from), let toBytes = Int(to)
            else {
                Issue.record("a growth without its sizes: \(growth)")
                continue
            }
            #expect(toBytes > fromBytes)
        }
        #expect(try store.verify().verifiedCount == 1000)
    }

    @Test("given a logger, when an append is refused, then the refusal is logged with its code, at info")
    func refusalIsLogged() throws {
        let (logger, handler) = Self.capturing()
        let store = EventStore.inMemory(logger: logger)
        let tooLong = ProposedEvent(
            type: String(repeating: "T", count: StoreLimits.typeBytes + 1), stream: .line("+989121234567"),
            occurredAt: .at("2024-03-01T10:00:00Z"), data: [:])
        #expect(throws: EventStoreError.self) { try store.append([tooLong]) }
        let refusals = Self.entries(handler, "store.refusal")
        #expect(refusals.count == 1)
        #expect(refusals.first?.level == .info)
        #expect(refusals.first?.metadata["code"] == .string("invalidEvent"))
        let exact = ProposedEvent(
            type: String(repeating: "T", count: StoreLimits.typeBytes), stream: .line("+989121234567"),
            occurredAt: .at("2024-03-01T10:00:00Z"), data: [:])
        try store.append([exact])
        #expect(
            Self.entries(handler, "store.refusal").count == 1,
            "a type of exactly the bound is accepted, and nothing more is logged")
    }

    @Test("given no logger, when a store is opened, then it logs through the silent one")
    func silentByDefault() {
        #expect(EventStore.Options().logger.handler is SwiftLogNoOpLogHandler)
        #expect(StoreLogging.silent.handler is SwiftLogNoOpLogHandler)
    }
}
