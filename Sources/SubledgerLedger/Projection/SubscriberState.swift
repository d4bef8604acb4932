public import SubledgerStore

/// The state of one subscriber: who they are, whether their identity is verified (KYC-1),
/// and their lines.
public struct SubscriberState: Hashable, Sendable {
    public var registration: SubscriberRegistered
    public var registeredAt: Timestamp
    public var verifiedAt: Timestamp?
    public var documents: [String] = []
    /// The numbers of the lines activated for this subscriber, in order.
    public var lines: [String] = []

    public init(registration: SubscriberRegistered, at time: Timestamp) {
        self.registration = registration
        registeredAt = time
    }

    /// A non-governmental legal entity (LEG-1).
    public var isNonGovernmentalLegalEntity: Bool {
        registration.kind == .legalEntity && !registration.governmental
    }

    /// Folds one event of this subscriber's stream.
    public static func evolve(_ state: SubscriberState?, _ fact: LedgerFact) throws(FactError) -> SubscriberState {
        guard case .subscriber(let id) = fact.stream else {
            throw FactError(field: "subscriber", reason: "\(fact.event.type.rawValue) belongs to a subscriber stream")
        }
        switch fact.event {
        case .subscriberRegistered(let registration):
            guard state == nil else { throw FactError(field: "type", reason: "subscriber \(id) is already registered") }
            guard registration.subscriberID == id else {
                throw FactError(field: "data.subscriberId", reason: "\(registration.subscriberID) differs from the stream's subscriber \(id)")
            }
            return SubscriberState(registration: registration, at: fact.occurredAt)
        case .identityVerified(let identityVerified):
            guard var next = state else { throw FactError(field: "subscriber", reason: "subscriber \(id) does not exist yet") }
            next.verifiedAt = next.verifiedAt ?? fact.occurredAt
            next.documents += identityVerified.documents
            return next
        default:
            throw FactError(field: "type", reason: "\(fact.event.type.rawValue) belongs to a line stream")
        }
    }
}
