public import SubledgerStore

/// A subscriber's registration as the ledger keeps it: no personal value in clear
/// (RET-1), only the commitments the store recorded.
public struct RegisteredSubscriber: Hashable, Sendable {
    /// The subscriber's id.
    public var subscriberID: String
    /// A person or a legal entity.
    public var kind: SubscriberRegistered.Kind
    /// Whether the subscriber is a governmental body.
    public var governmental: Bool
    /// The commitments of the name and national id; `nil` when folded from a fact not
    /// recorded yet (its clear values are not kept).
    public var nameCommitment: ChainHash?
    /// See ``nameCommitment``.
    public var nationalIDCommitment: ChainHash?

    /// The registration as the ledger keeps it: its commitments, never its clear values.
    /// - Parameter registration: the `SubscriberRegistered` fact.
    public init(_ registration: SubscriberRegistered) {
        subscriberID = registration.subscriberID
        kind = registration.kind
        governmental = registration.governmental
        nameCommitment = registration.name.commitment
        nationalIDCommitment = registration.nationalID.commitment
    }

    init(
        subscriberID: String, kind: SubscriberRegistered.Kind, governmental: Bool, nameCommitment: ChainHash?,
        nationalIDCommitment: ChainHash?
    ) {
        self.subscriberID = subscriberID
        self.kind = kind
        self.governmental = governmental
        self.nameCommitment = nameCommitment
        self.nationalIDCommitment = nationalIDCommitment
    }
}

/// The state of one subscriber: who they are, whether their identity is verified (KYC-1),
/// their lines, and whether their personal data was erased (RET-1).
public struct SubscriberState: Hashable, Sendable {
    /// Who the subscriber is.
    public var registration: RegisteredSubscriber
    /// When the registration occurred.
    public var registeredAt: Timestamp
    /// When their personal data was erased (`PersonalDataErased`), if it was.
    public var erasedAt: Timestamp?
    /// The first verification of their identity (KYC-1: before any line is activated).
    public var verifiedAt: Timestamp?
    /// The latest verification, in the order the facts were folded (KYC-1: a line
    /// suspended for `kyc` is owed its restoration once the identity is verified again).
    public var lastVerifiedAt: Timestamp?
    /// The documents of every verification, in the order the facts were folded.
    public var documents: [String] = []
    /// The numbers of the lines activated for this subscriber, in order.
    public var lines: [String] = []

    /// The state of a subscriber just registered; the clear values of `registration` are not kept.
    /// - Parameters:
    ///   - registration: the `SubscriberRegistered` fact.
    ///   - time: when it occurred.
    public init(registration: SubscriberRegistered, at time: Timestamp) {
        self.init(registration: RegisteredSubscriber(registration), at: time)
    }

    /// The state of a subscriber just registered.
    /// - Parameters:
    ///   - registration: the registration as the ledger keeps it.
    ///   - time: when it occurred.
    public init(registration: RegisteredSubscriber, at time: Timestamp) {
        self.registration = registration
        registeredAt = time
    }

    /// A non-governmental legal entity (LEG-1).
    public var isNonGovernmentalLegalEntity: Bool {
        registration.kind == .legalEntity && !registration.governmental
    }

    /// Refuses `fact` when it cannot be folded into `state` (admission, issue 12 item 2: the
    /// checks the ledger's validation runs once, before the total ``evolve(_:_:)``): a second
    /// registration, an event of a subscriber not registered, an id that differs from the
    /// stream's, a line's event.
    /// - Parameters:
    ///   - fact: the fact to admit.
    ///   - state: the subscriber's state before it; `nil` before the registration.
    /// - Throws: ``FactError`` naming the field (`subscriber`, `type`, `data.subscriberId`) and why.
    public static func admit(_ fact: LedgerFact, to state: SubscriberState?) throws(FactError) {
        guard case .subscriber(let id) = fact.stream else {
            throw FactError(field: "subscriber", reason: "\(fact.event.type.rawValue) belongs to a subscriber stream")
        }
        switch fact.event {
        case .subscriberRegistered(let registration):
            guard state == nil else { throw FactError(field: "type", reason: "subscriber \(id) is already registered") }
            guard registration.subscriberID == id else {
                throw FactError(
                    field: "data.subscriberId",
                    reason: "\(registration.subscriberID) differs from the stream's subscriber \(id)")
            }
        case .identityVerified:
            guard state != nil else {
                throw FactError(field: "subscriber", reason: "subscriber \(id) does not exist yet")
            }
        case .personalDataErased(let erased):
            guard state != nil else {
                throw FactError(field: "subscriber", reason: "subscriber \(id) does not exist yet")
            }
            guard erased.subscriberID == id else {
                throw FactError(
                    field: "data.subscriberId",
                    reason: "\(erased.subscriberID) differs from the stream's subscriber \(id)")
            }
        default:
            throw FactError(field: "type", reason: "\(fact.event.type.rawValue) belongs to a line stream")
        }
    }

    /// ``admit(_:to:)`` then ``evolve(_:_:)``: the checked fold of a history read from the store.
    /// - Parameters:
    ///   - state: the subscriber's state before the fact; `nil` before the registration.
    ///   - fact: the fact to fold.
    /// - Returns: the state after the fact.
    /// - Throws: ``FactError`` when admission refuses the fact.
    public static func checkedEvolve(_ state: SubscriberState?, _ fact: LedgerFact) throws(FactError) -> SubscriberState
    {
        try admit(fact, to: state)
        guard let next = evolve(state, fact) else {
            preconditionFailure("an admitted fact of \(fact.stream) left no subscriber")
        }
        return next
    }

    /// Folds one event of this subscriber's stream: total, it never refuses (the refusals are
    /// ``admit(_:to:)``'s). A fact admission refuses is folded without trapping: a fact of
    /// another stream, or of a subscriber not registered, leaves `state` unchanged; a second
    /// registration replaces the first.
    /// - Parameters:
    ///   - state: the subscriber's state before the fact; `nil` before the registration.
    ///   - fact: the fact to fold.
    /// - Returns: the state after the fact; `nil` while the subscriber is not registered.
    public static func evolve(_ state: SubscriberState?, _ fact: LedgerFact) -> SubscriberState? {
        guard case .subscriber = fact.stream else { return state }
        switch fact.event {
        case .subscriberRegistered(let registration):
            return SubscriberState(registration: registration, at: fact.occurredAt)
        case .identityVerified(let identityVerified):
            guard var next = state else { return nil }
            next.verifiedAt = next.verifiedAt ?? fact.occurredAt
            next.lastVerifiedAt = max(next.lastVerifiedAt ?? fact.occurredAt, fact.occurredAt)
            next.documents += identityVerified.documents
            return next
        case .personalDataErased:
            guard var next = state else { return nil }
            next.erasedAt = next.erasedAt ?? fact.occurredAt
            return next
        default:
            return state
        }
    }
}
