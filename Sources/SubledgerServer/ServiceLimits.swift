/// Every bound of the service in one place: a request, a batch, a read, a subscriber and
/// the connections each have a stated limit, and hitting one is a handled case (a 413
/// problem, a shorter page, a wait), never an unbounded buffer.
public struct ServiceLimits: Sendable, Hashable {
    /// The largest request body read, in bytes (413 `body-too-large` beyond it).
    public var maximumBodyBytes = 4 << 20
    /// The most facts one request records (413 `batch-too-large` beyond it).
    public var maximumFactsPerRequest = 10_000
    /// The most connections open at once; more wait in the listen backlog.
    public var maximumConnections = 256
    /// The most events one read of the log or a stream sends (`limit`).
    public var maximumEventsPerRead = 10_000
    /// The events one read sends when the request gives no `limit`.
    public var defaultEventsPerRead = 1_000
    /// The most events read ahead of what a subscriber has taken (one chunk of the follower).
    public var subscriptionReadAheadEvents = 1_024
    /// The most events an export with its proof holds (it is one JSON document).
    public var maximumExportEventsWithProof = 10_000

    /// The service's default limits.
    public init() {
        precondition(defaultEventsPerRead <= maximumEventsPerRead, "the default page fits in the largest")
    }
}
