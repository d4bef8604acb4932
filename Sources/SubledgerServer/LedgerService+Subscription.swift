import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import ServiceLifecycle
import SubledgerLedger
import SubledgerStore

extension LedgerService {
    /// The longest a caught-up subscription waits for a commit before it reads the log again,
    /// when the store hears every process's commits (PostgreSQL: `LISTEN`): the backstop of a
    /// lost notification.
    static let subscriptionBackstopHeard = Duration.seconds(1)
    /// The same when the store hears only this process's commits (LMDB): another process's
    /// appends reach subscribers within it.
    static let subscriptionBackstopUnheard = Duration.milliseconds(100)
    /// How long a subscription stays silent before it sends a comment (`: alive`), so that
    /// a client that went away is noticed even when nothing is recorded.
    static let subscriptionHeartbeat = Duration.seconds(10)

    /// `GET /v1/subscribe?from=` with `Last-Event-ID`: the committed events from a position on,
    /// as Server-Sent Events (`id:` the position, `event: fact`, `data:` the export line).
    ///
    /// Backpressure: a chunk of at most ``ServiceLimits/subscriptionReadAheadEvents`` is read
    /// (one short read transaction) only when the connection took the one before (the
    /// writer's `write` waits while the socket is not writable), so a slow client holds at
    /// most one chunk and the socket's buffers, never the backlog. Ends when the client goes,
    /// and at the service's graceful shutdown.
    func subscribe(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let parameters = RequestParameters(request: request, context: context)
        var from = try parameters.integer("from", in: 1...UInt64.max, default: 1)!
        if let lastEventID = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let last = UInt64(lastEventID), last < UInt64.max else {
                throw Problem.badParameter("Last-Event-ID", "\"\(lastEventID)\" is not a position")
            }
            from = last + 1
        }
        let store = ledger.store
        let chunk = limits.subscriptionReadAheadEvents
        let logger = context.logger
        let metrics = self.metrics
        let body = ResponseBody { [from] writer in
            logger.info("subscriber follows", metadata: ["from": .stringConvertible(from)])
            // The service's graceful shutdown ends the subscription (it would never end by itself).
            let stopping = Stopping()
            try await withGracefulShutdownHandler {
                try await Self.follow(store, from: from, chunk: chunk, until: stopping, metrics: metrics, into: &writer)
            } onGracefulShutdown: {
                stopping.stop()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: body)
    }

    /// Writes the events from `from` on to `writer` until the task is cancelled. Caught up,
    /// it waits for a commit (woken by it, not polling), then reads the log again.
    @concurrent private static func follow(
        _ store: EventStore, from: UInt64, chunk: Int, until stopping: Stopping, metrics: ServiceMetrics,
        into writer: inout any ResponseBodyWriter
    ) async throws {
        var next = from
        var silent = Duration.zero
        // An empty comment first: the client sees the stream open before the first event.
        try await writer.write(ByteBuffer(string: ": subscribed from \(from)\n\n"))
        while !Task.isCancelled, !stopping.isStopped {
            let events = try await Blocking.run { [next] in
                try store.events(from: next, limit: chunk, verifyingHashes: true)
            }
            guard let last = events.last else {
                silent += await waitForCommit(store, after: next - 1)
                if Task.isCancelled { return }
                if silent >= subscriptionHeartbeat {
                    try await writer.write(ByteBuffer(string: ": alive\n\n"))
                    silent = .zero
                }
                continue
            }
            metrics.subscriptionRead(events.count)
            var bytes: [UInt8] = []
            for event in events {
                bytes += Array("id: \(event.position)\nevent: fact\ndata: ".utf8)
                _ = EventJSON.writeExportLine(event, into: &bytes)
                bytes += [UInt8(ascii: "\n"), UInt8(ascii: "\n")]
            }
            try await writer.write(ByteBuffer(bytes: bytes))
            next = last.position + 1
            silent = .zero
        }
    }

    /// Waits until a commit moves the head beyond `position` (``EventStore/waitForHead(beyond:atMost:)``),
    /// at most the store's backstop, and not past the service's graceful shutdown.
    /// - Returns: How long it waited.
    private static func waitForCommit(_ store: EventStore, after position: UInt64) async -> Duration {
        let backstop = store.hearsOtherProcessesCommits ? subscriptionBackstopHeard : subscriptionBackstopUnheard
        let started = ContinuousClock.now
        // Only the wait is cancelled at the shutdown, never a write in progress.
        await cancelWhenGracefulShutdown { await store.waitForHead(beyond: position, atMost: backstop) }
        return ContinuousClock.now - started
    }
}

/// Whether the service is shutting down, set from the graceful shutdown's handler.
final class Stopping: Sendable {
    private let stopped = Mutex(false)
    /// Marks the service stopping.
    func stop() { stopped.withLock { $0 = true } }
    /// Whether it is.
    var isStopped: Bool { stopped.withLock { $0 } }
}
