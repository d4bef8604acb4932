public import SubledgerStore

extension LedgerFact {
    /// A fact on a subscriber's stream (`SubscriberRegistered`, `IdentityVerified`).
    ///
    /// ```swift
    /// .subscriber("S-1001", registeredAt, .subscriberRegistered(SubscriberRegistered(
    ///     subscriberID: "S-1001", kind: .individual, governmental: false,
    ///     name: "Sara Ahmadi", nationalID: "0012345678")))
    /// ```
    ///
    /// - Parameters:
    ///   - id: the subscriber.
    ///   - occurredAt: when it happened.
    ///   - event: what happened.
    ///   - metadata: the caller's notes (`actor`, `source`), kept with the event.
    /// - Returns: the fact, on the stream of `id`.
    public static func subscriber(
        _ id: SubscriberID, _ occurredAt: Timestamp, _ event: LedgerEvent,
        metadata: [String: String] = [:]
    ) -> LedgerFact {
        LedgerFact(stream: .subscriber(id.text), occurredAt: occurredAt, event: event, metadata: metadata)
    }
}
