import Dispatch
import Foundation
import Hummingbird
import SubledgerLedger
import SubledgerStore

extension LedgerService {
    /// `POST /v1/subscribers/{subscriber}/erasure`: crypto-shreds the subscriber's personal
    /// data (RET-1), as `erase SUBSCRIBER --json`: appends `PersonalDataErased` with the
    /// caller's key name as `metadata.actor` and destroys the subscriber's key. An unknown
    /// subscriber is 404; one erased already is 422 `bad-fact` on `subscriber`.
    func eraseSubscriber(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let raw = context.parameters.get("subscriber") ?? ""
        let subscriber: SubscriberID
        do { subscriber = try SubscriberID(raw.removingPercentEncoding ?? raw) } catch {
            throw Problem.badParameter("subscriber", error.reason)
        }
        let (ledger, metadata) = (self.ledger, ["actor": actor(context)])
        let position: UInt64
        do {
            position = try await onPreparationQueue {
                try ledger.erase(subscribers: [subscriber], at: SystemClock().now(), metadata: metadata)
                    .positions.last ?? 0
            }
        } catch let error as LedgerError where error.code == .badFact {
            // The subscriber is the request's path parameter, not a fact of a batch.
            var problem = Problem.of(error)
            problem.members = ["field": "subscriber"]
            if let reason = error.factError?.reason { problem.detail = "field subscriber: \(reason)" }
            throw problem
        }
        return Self.erasureResponse(erased: [subscriber.text], position: position)
    }

    /// `POST /v1/erasures/due?at=TIME`: every erasure RET-1 makes due at `at` (default now),
    /// in one transaction, as `erase --due --json`; an empty list when none is due.
    func eraseDue(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let time = try RequestParameters(request: request, context: context).time("at") ?? SystemClock().now()
        let (ledger, metadata) = (self.ledger, ["actor": actor(context)])
        let (erased, position) = try await onPreparationQueue {
            let erased = try ledger.eraseDue(at: time, metadata: metadata)
            return (erased, erased.isEmpty ? 0 : try ledger.store.head().position)
        }
        return Self.erasureResponse(erased: erased, position: position)
    }

    /// `{"erased": [subscriber ids], "position": N}` (the last erasure's position, or 0).
    private static func erasureResponse(erased: [String], position: UInt64) -> Response {
        json(.object(["erased": .array(erased.map { .string($0) }), "position": .integer(Int64(position))]))
    }

    /// Runs `work`, a write transaction, on the ledger's preparation queue (never on the pool).
    private func onPreparationQueue<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws
        -> Value
    {
        try await withCheckedThrowingContinuation { continuation in
            ledger.preparationQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
