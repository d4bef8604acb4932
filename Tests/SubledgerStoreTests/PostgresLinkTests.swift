import Foundation
import NIOCore
import PostgresNIO
import Synchronization
import Testing
@_spi(Testing) import SubledgerStore
@testable import SubledgerPostgres

/// Issue 15 item 5: a statement sent on a connection the server has ended fails at once, so a
/// writer that retries (`stress-append --retry-connection-errors`) connects again. postgres-nio
/// drops a query written to a closed channel and never answers it; the writers of the
/// restart test waited on such a query for ever.
@Suite("PostgreSQL: a statement on a closed connection fails, never waits")
struct PostgresLinkTests {
    @Test func aStatementOnAConnectionTheServerEndedFailsInsteadOfWaitingForEver() throws {
        let location = try PostgresStoreLocation(url: try PostgresTestServer.newStoreURL())
        let link = try PostgresLink.connect(location, logger: StoreLogging.silent)
        let other = try PostgresLink.connect(location, logger: StoreLogging.silent)
        defer { other.close() }
        let pid = try link.run("SELECT pg_backend_pid()::int8").first?.decode(Int64.self)
        try other.run("SELECT pg_terminate_backend(\(try #require(pid)))")
        try link.connection.closeFuture.wait()
        // On a thread of its own: without the fix the statement never returns, and the test
        // must fail rather than wait with it.
        let answered = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        Thread.detachNewThread {
            do {
                try link.run("SELECT 1")
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            answered.signal()
        }
        #expect(answered.wait(timeout: .now() + 10) == .success, "a statement on a closed connection never returned")
        let message = failure.withLock { $0 }
        #expect(message?.contains("the connection to the server was closed") == true, "\(message ?? "it succeeded")")
    }
}
