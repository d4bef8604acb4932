import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SubledgerLedger
import SubledgerServer
import Synchronization

/// The real server on a loopback port (port 0: the system's choice) over a store in a
/// temporary folder, run in a `ServiceGroup` as `subledger serve` runs it, and stopped by
/// its graceful shutdown (what SIGTERM triggers).
final class LiveServer: Sendable {
    let folder: String
    let port: Int
    /// The served ledger, to read what the requests recorded once the server stopped.
    let ledger: Ledger
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// Starts a server over the store in `folder` (a new temporary one by default).
    static func start(folder: String? = nil, limits: ServiceLimits = ServiceLimits()) async throws -> LiveServer {
        let folder = folder ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let ledger = try Ledger.open(at: folder + "/store")
        let service = LedgerService(
            ledger: ledger, keys: ServiceFixture.keys, limits: limits, storePath: folder + "/store")
        var options = ListenOptions()
        options.port = 0
        let listening = AsyncStream<Int>.makeStream()
        let application = try ServiceRunner.makeApplication(
            service, listening: options, logger: ServiceFixture.quiet
        ) { port in listening.continuation.yield(port) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: ServiceFixture.quiet))
        let running = Task { try await group.run() }
        var ports = listening.stream.makeAsyncIterator()
        guard let port = await ports.next() else { throw FixtureError("the server did not listen") }
        return LiveServer(folder: folder, port: port, ledger: ledger, group: group, running: running)
    }

    private init(folder: String, port: Int, ledger: Ledger, group: ServiceGroup, running: Task<Void, any Error>) {
        self.folder = folder
        self.port = port
        self.ledger = ledger
        self.group = group
        self.running = running
    }

    /// Shuts the server down gracefully and waits until it stopped (its requests answered).
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// One request with `key`'s secret.
    func request(_ method: String, _ path: String, key: String? = "admin", body: String = "") async throws
        -> (status: Int, body: String)
    {
        try await LoopbackConnection.request(
            port: port, method, path, secret: key.map { ServiceFixture.secrets[$0]! }, body: body)
    }

    /// `POST /v1/facts` of `facts` (JSON text each), expecting `expected` versions of the test line.
    func record(_ facts: [String], lineVersion: Int? = nil) async throws -> (status: Int, body: String) {
        let expected = lineVersion.map { #","expectedVersions":[{"line":"+989120000001","version":\#($0)}]"# } ?? ""
        return try await request("POST", "/v1/facts", key: "recorder", body: #"{"facts":["#
            + facts.joined(separator: ",") + "]\(expected)}")
    }
}
