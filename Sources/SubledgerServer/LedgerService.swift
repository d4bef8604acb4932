public import Hummingbird
public import Logging
public import SubledgerLedger
import Foundation

/// The ledger as an HTTP service (issue 14): the endpoints of docs/openapi.yaml over one
/// ``Ledger``, each behind an API key with its scope, every failure an RFC 9457 problem.
///
/// ```swift
/// let service = LedgerService(ledger: try Ledger.open(at: "store"), keys: try APIKeyFile.read(at: "keys.jsonl"))
/// let router = service.router()   // for Hummingbird's Application, or its tests
/// ```
///
/// ``ServiceRunner`` runs it as a server (`subledger serve`).
public final class LedgerService: Sendable {
    /// The ledger every endpoint reads and records.
    public let ledger: Ledger
    /// The service's bounds.
    public let limits: ServiceLimits
    /// The service's counters and histograms (`/metrics`).
    public let metrics: ServiceMetrics
    let access: Access
    /// The store's folder, whose data file `/metrics` measures; `nil` for a ledger in memory.
    let storePath: String?

    /// A service over `ledger`, accepting `keys`.
    /// - Parameters:
    ///   - ledger: the ledger to serve.
    ///   - keys: the API keys accepted.
    ///   - limits: the service's bounds.
    ///   - storePath: the store's folder (for the store's size in `/metrics`), if on disk.
    public init(ledger: Ledger, keys: APIKeyFile, limits: ServiceLimits = ServiceLimits(), storePath: String? = nil) {
        self.ledger = ledger
        self.limits = limits
        self.access = Access(keys: keys)
        self.storePath = storePath
        self.metrics = ServiceMetrics()
    }

    /// Every endpoint the service answers, in the document's order.
    public var endpoints: [Endpoint] {
        [
            Endpoint(.get, "/health", scope: .read) { try await self.health($0, $1) },
            Endpoint(.get, "/metrics", scope: .read) { try await self.metricsText($0, $1) },
            Endpoint(.post, "/v1/facts", scope: .record) { try await self.append($0, $1, purpose: .record) },
            Endpoint(.post, "/v1/actions", scope: .apply) { try await self.append($0, $1, purpose: .apply) },
            Endpoint(.get, "/v1/log", scope: .read) { try await self.readLog($0, $1) },
            Endpoint(.get, "/v1/lines/{line}/events", scope: .read) { try await self.readLineStream($0, $1) },
            Endpoint(.get, "/v1/subscribe", scope: .read) { try await self.subscribe($0, $1) },
            Endpoint(.get, "/v1/lines/{line}/status", scope: .read) { try await self.status($0, $1) },
            Endpoint(.get, "/v1/lines/{line}/replay", scope: .read) { try await self.replay($0, $1) },
            Endpoint(.get, "/v1/lines/{line}/settlement", scope: .read) { try await self.settlement($0, $1) },
            Endpoint(.get, "/v1/audit", scope: .read) { try await self.audit($0, $1) },
            Endpoint(.get, "/v1/due", scope: .read) { try await self.due($0, $1) },
            Endpoint(.post, "/v1/subscribers/{subscriber}/erasure", scope: .erase) {
                try await self.eraseSubscriber($0, $1)
            },
            Endpoint(.post, "/v1/erasures/due", scope: .erase) { try await self.eraseDue($0, $1) },
            Endpoint(.post, "/v1/checkpoints", scope: .admin) { try await self.checkpoint($0, $1) },
            Endpoint(.get, "/v1/proofs/inclusion", scope: .read) { try await self.inclusionProof($0, $1) },
            Endpoint(.get, "/v1/proofs/consistency", scope: .read) { try await self.consistencyProof($0, $1) },
            Endpoint(.get, "/v1/export", scope: .read) { try await self.export($0, $1) },
        ]
    }

    /// The router of every endpoint: each checks the caller's key and scope first, and every
    /// failure is answered as a problem (``Problem``).
    /// - Returns: the router, for an `Application` or Hummingbird's tests.
    public func router() -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        let methodsByPath = Dictionary(grouping: endpoints, by: \.path).mapValues { $0.map(\.method) }
        router.add(middleware: ProblemMiddleware(metrics: metrics, methodsByPath: methodsByPath))
        let access = self.access
        for endpoint in endpoints {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                var context = context
                do {
                    context.caller = try access.authorize(request, scope: endpoint.scope)
                    return try await endpoint.handle(request, context)
                } catch {
                    throw ProblemMiddleware.logged(error, context: context)
                }
            }
        }
        return router
    }

    /// The caller's key name, the actor of what it records.
    func actor(_ context: ServiceRequestContext) -> String {
        guard let caller = context.caller else { preconditionFailure("an endpoint runs only after its key was checked") }
        return caller.name
    }
}
