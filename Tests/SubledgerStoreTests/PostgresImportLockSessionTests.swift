import Foundation
import PostgresNIO
import Testing
@_spi(Testing) import SubledgerStore
@testable import SubledgerPostgres

/// Issue 15 item 5: an import into PostgreSQL holds one session, the one holding its advisory
/// lock, from its first transaction to the one that makes it visible. When that session is
/// ended (`pg_terminate_backend` from another connection) between two of the import's
/// transactions, the import fails saying nothing was imported, none of its events becomes
/// visible, and it rolls its rows back itself, on a new session that takes the free lock.
/// Before, the import went on on its writer connection without the lock, and made its head
/// visible, while another process that found the lock free could roll its rows back.
@Suite("PostgreSQL: an import whose lock's session is ended stops, nothing visible")
struct PostgresImportLockSessionTests {
    private static let before = (1...5).map { paymentEvent("+98911", amount: Int64($0)) }
    private static let imported = (1...40).map { index in
        paymentEvent("+9891\(index % 3 + 2)", amount: Int64(100 + index), at: "2024-03-01T1\(index % 10):00:00Z")
    }

    /// Where the session is ended: between two appends, or after the last one, before the
    /// commit that makes the import visible.
    enum Cut: CaseIterable { case betweenTwoAppends, beforeTheImportIsMadeVisible }

    @Test(arguments: Cut.allCases)
    func anImportWhoseLockSessionIsEndedFailsAndNothingOfItIsVisible(_ cut: Cut) throws {
        let url = try PostgresTestServer.newStoreURL()
        let store = try EventStore.open(postgres: url)
        try store.append(Self.before)
        let counts = try store.rowCounts()
        let location = try PostgresStoreLocation(url: url)
        let other = try PostgresLink.connect(location, logger: StoreLogging.silent)
        defer { other.close() }
        let failure = #expect(throws: EventStoreError.self) {
            try store.withImport { session in
                try session.append(Array(Self.imported[..<20]))
                try Self.endTheLockSession(of: location, from: other)
                if cut == .betweenTwoAppends { try session.append(Array(Self.imported[20...])) }
            }
        }
        #expect(failure?.message.contains("nothing was imported") == true, "\(failure?.message ?? "")")
        #expect(try store.head().position == 5, "the import was made visible")
        #expect(try store.event(withID: Self.imported[0].eventID) == nil)
        #expect(try store.events(in: .line("+98912")).isEmpty)
        #expect(try store.verify().verifiedCount == 5)
        // Rolled back by the import itself, on a new session holding the lock again.
        #expect(try store.rowCounts() == counts, "rows of the import were left behind")
        let positions = try store.withImport { session in try session.append(Self.imported).positions }
        #expect(positions == Array(6...45))
        #expect(try store.verify().verifiedCount == 45)
    }

    /// Ends the session that holds the store's import lock, and waits until the server has
    /// let the lock go (10 s at most).
    static func endTheLockSession(of location: PostgresStoreLocation, from other: PostgresLink) throws {
        var binds = PostgresBindings()
        binds.append(PostgresSchema(location.schema).importLockKey)
        let holders = PostgresQuery(
            unsafeSQL: """
                SELECT pid::int8 FROM pg_locks WHERE locktype = 'advisory' AND granted \
                AND objid::int8 = (hashtext($1)::int8 & 4294967295) \
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, binds: binds)
        let pids = try other.run(holders, "finding the import lock's session").map { try $0.decode(Int64.self) }
        try #require(pids.count == 1, "one session holds the import lock: \(pids)")
        try other.run("SELECT pg_terminate_backend(\(pids[0]))")
        let deadline = Date().addingTimeInterval(10)
        while try !other.run(holders, "finding the import lock's session").isEmpty {
            try #require(Date() < deadline, "the ended session still holds the import lock after 10 s")
            usleep(2_000)
        }
    }
}
