import SubledgerStore

/// The rule for a `recordedAt` given in the input (interchange.md): only `import` accepts
/// it, for migrating history, and then it never decreases along the input, is not before
/// the store's last `recordedAt`, and is not in the future. The store checks the same when
/// it appends; checking here names the input's line.
struct RecordingTimeOrder: Sendable {
    /// Where the latest time so far comes from, for the message.
    private enum Source: Sendable {
        case store, givenInInput, assignedByStore

        var description: String {
            switch self {
            case .store: "the recordedAt of the store's last event"
            case .givenInInput: "the recordedAt of an earlier fact of the input"
            case .assignedByStore: "the time the store records an earlier fact of the input that gives no recordedAt"
            }
        }
    }

    private let storeLast: Timestamp
    /// The latest `recordedAt` the facts admitted so far will get.
    private var last: Timestamp
    private var source = Source.store

    init(storeLast: Timestamp) {
        self.storeLast = storeLast
        last = storeLast
    }

    /// Forgets the facts admitted so far (the input is read again).
    mutating func restart() {
        last = storeLast
        source = .store
    }

    /// Refuses `given` if it is out of order, in the future, or not `accepted` at all.
    func check(_ given: Timestamp?, accepted: Bool, now: Timestamp) throws(FactError) {
        guard let given else { return }
        guard accepted else {
            throw FactError(
                field: "recordedAt",
                reason:
                    "only import accepts recordedAt (to migrate history); apply records the time of an action itself")
        }
        guard given >= last else {
            throw FactError(field: "recordedAt", reason: "\(given) is before \(last), \(source.description)")
        }
        guard given <= max(now, last) else {
            throw FactError(field: "recordedAt", reason: "\(given) is in the future (now \(now))")
        }
    }

    /// Takes the time of an admitted fact into account: its own, or the store's clock.
    mutating func admit(_ given: Timestamp?, now: Timestamp) {
        if let given {
            last = given
            source = .givenInInput
        } else if now > last {
            last = now
            source = .assignedByStore
        }
    }
}
