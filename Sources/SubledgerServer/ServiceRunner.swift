public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// Where and how the server listens.
public struct ListenOptions: Sendable {
    /// The address to bind (`127.0.0.1` by default: loopback only).
    public var host = "127.0.0.1"
    /// The port; 0 asks the system for a free one (``ServiceRunner/run(_:listening:logger:onListening:)``
    /// reports it).
    public var port = 8080
    /// The PEM certificate chain and private key for TLS; plain HTTP without them.
    public var tls: (certificateFile: String, keyFile: String)?

    /// Options for loopback on port 8080, without TLS.
    public init() {}
}

/// Runs a ``LedgerService`` as a server under swift-service-lifecycle: it binds, serves,
/// and on SIGTERM or SIGINT shuts down gracefully (stops accepting, lets the requests in
/// flight finish, ends subscriptions), then returns, and the caller releases the ledger,
/// which closes the store.
public enum ServiceRunner {
    /// Serves `service` until SIGTERM or SIGINT (or the task's cancellation).
    /// - Parameters:
    ///   - service: the service.
    ///   - options: where to listen, and TLS.
    ///   - logger: the server's structured log.
    ///   - onListening: called with the port once the server listens.
    /// - Throws: when the address cannot be bound or the TLS files cannot be read.
    public static func run(
        _ service: LedgerService, listening options: ListenOptions, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let application = try makeApplication(service, listening: options, logger: logger, onListening: onListening)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("the server stopped: every request in flight was answered")
    }

    /// The Hummingbird application of `service`, bounded to the service's connections.
    /// - Parameters:
    ///   - service: the service.
    ///   - options: where to listen, and TLS.
    ///   - logger: the server's structured log.
    ///   - onListening: called with the port once the server listens.
    /// - Returns: the application, a `Service` to run in a `ServiceGroup`.
    /// - Throws: when the TLS files cannot be read.
    public static func makeApplication(
        _ service: LedgerService, listening options: ListenOptions, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var server = HTTPServerBuilder.http1()
        if let tls = options.tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateFile).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(key))
            server = try .tls(.http1(), tlsConfiguration: configuration)
        }
        let configuration = ApplicationConfiguration(
            address: .hostname(options.host, port: options.port), serverName: "subledger",
            availableConnectionsDelegate: MaximumAvailableConnections(
                service.limits.maximumConnections, logger: logger))
        return Application(
            router: service.router(), server: server, configuration: configuration,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                logger.info(
                    "listening", metadata: ["host": .string(options.host), "port": .stringConvertible(port),
                        "tls": .stringConvertible(options.tls != nil)])
                await onListening(port)
            },
            logger: logger)
    }
}
