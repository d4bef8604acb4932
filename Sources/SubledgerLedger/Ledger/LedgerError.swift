public import SubledgerStore

/// An error of the ledger: bad input (which fact, which field), a rule that forbids an
/// action (which rule, which edition), or the store's own error.
///
/// Match it by ``code`` (`error.code == .ruleViolation`) and read its details through the
/// accessors (``factError``, ``violation``, ``storeError``, ``field``, ``rule``,
/// ``currentVersion``, ``index``): its cases are private, so a new kind of error is a new
/// ``Code`` that breaks no caller's `switch`. A server maps it to an RFC 9457 problem by its
/// code: ``Code/versionConflict`` (409, with ``currentVersion``), ``Code/badFact`` and
/// ``Code/ruleViolation`` (422, with ``field`` or ``rule`` and ``edition``),
/// ``Code/unknownStream`` (404), ``Code/readOnly`` (a store opened only to read).
public struct LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, matchable and stable as a string (``rawValue``, such as `"badFact"`).
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        /// The code's stable name, fit for a problem's `type` or a log field.
        public var rawValue: String
        /// A code by its name.
        /// - Parameters:
        ///   - rawValue: the code's stable name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name, ``rawValue``.
        public var description: String { rawValue }

        /// Input that cannot be a fact: ``LedgerError/factError`` names the field.
        public static let badFact = Code(rawValue: "badFact")
        /// An action or fact a rule forbids: ``LedgerError/violation`` names the rule and edition.
        public static let ruleViolation = Code(rawValue: "ruleViolation")
        /// A stream was not at the version the writer expected (another writer was first);
        /// nothing was written. ``LedgerError/currentVersion`` is the stream's version.
        public static let versionConflict = Code(rawValue: "versionConflict")
        /// The store was opened read-only (``Ledger/open(at:editions:calendar:clock:readOnly:keyFile:logger:)``)
        /// and was asked to write; nothing was written.
        public static let readOnly = Code(rawValue: "readOnly")
        /// The store failed otherwise: ``LedgerError/storeError`` says how.
        public static let store = Code(rawValue: "store")
        /// The line or subscriber asked about does not exist.
        public static let unknownStream = Code(rawValue: "unknownStream")
        /// The calling task was cancelled before its write began (an `async` ``Ledger/record(_:)``
        /// or `apply`); nothing was written. A write that began completes.
        public static let cancelled = Code(rawValue: "cancelled")
    }

    /// The error's detail, private so that a new one breaks no caller (``code`` is public).
    package enum Detail: Hashable, Sendable {
        case badFact(FactError)
        case ruleViolation(RuleViolation)
        case store(EventStoreError)
        case unknownStream(String)
        case cancelled
    }

    private var detail: Detail
    /// The 0-based index of the fact in the batch, when the error is about one.
    public var index: Int?

    /// - Parameters:
    ///   - detail: what went wrong.
    ///   - index: the 0-based index of the fact in its batch, when the error is about one.
    package init(_ detail: Detail, index: Int? = nil) {
        self.detail = detail
        self.index = index
    }

    /// Bad input: a value that cannot be a fact.
    /// - Parameters:
    ///   - error: the field at fault and why.
    ///   - index: the 0-based index of the fact in its batch, when there is one.
    /// - Returns: a ``Code/badFact`` error.
    public static func badFact(_ error: FactError, index: Int? = nil) -> LedgerError {
        LedgerError(.badFact(error), index: index)
    }

    /// A rule's refusal of an action or a fact.
    /// - Parameters:
    ///   - violation: the rule, its edition and its reason.
    ///   - index: the 0-based index of the fact in its batch, when there is one.
    /// - Returns: a ``Code/ruleViolation`` error.
    public static func ruleViolation(_ violation: RuleViolation, index: Int? = nil) -> LedgerError {
        LedgerError(.ruleViolation(violation), index: index)
    }

    /// The store's failure (its ``EventStoreError/Code/versionConflict`` gives ``Code/versionConflict``,
    /// its ``EventStoreError/Code/notWritable`` on a read-only store ``Code/readOnly``).
    /// - Parameters:
    ///   - error: the store's error.
    ///   - index: the 0-based index of the fact in its batch, when there is one.
    /// - Returns: a ``Code/store``, ``Code/versionConflict`` or ``Code/readOnly`` error.
    public static func store(_ error: EventStoreError, index: Int? = nil) -> LedgerError {
        LedgerError(.store(error), index: index)
    }

    /// A line or subscriber that does not exist.
    /// - Parameters:
    ///   - stream: what was asked about, for a person: `line +989121234567`.
    /// - Returns: a ``Code/unknownStream`` error.
    public static func unknownStream(_ stream: String) -> LedgerError {
        LedgerError(.unknownStream(stream))
    }

    /// This error at the fact `index` of a batch.
    /// - Parameters:
    ///   - index: the 0-based index of the fact in its batch.
    /// - Returns: the same error, with `index` (`nil` for none).
    public func at(index: Int?) -> LedgerError { LedgerError(detail, index: index) }

    /// What went wrong: match on it (`error.code == .versionConflict`).
    public var code: Code {
        switch detail {
        case .badFact: .badFact
        case .ruleViolation: .ruleViolation
        case .unknownStream: .unknownStream
        case .cancelled: .cancelled
        case .store(let error) where error.code == .versionConflict: .versionConflict
        case .store(let error) where error.code == .notWritable && error.message.contains("read-only"): .readOnly
        case .store: .store
        }
    }

    /// The bad input's field and reason, for ``Code/badFact``.
    public var factError: FactError? {
        guard case .badFact(let error) = detail else { return nil }
        return error
    }

    /// The rule's refusal, for ``Code/ruleViolation``.
    public var violation: RuleViolation? {
        guard case .ruleViolation(let violation) = detail else { return nil }
        return violation
    }

    /// The store's error, for ``Code/store``, ``Code/versionConflict`` and ``Code/readOnly``.
    public var storeError: EventStoreError? {
        guard case .store(let error) = detail else { return nil }
        return error
    }

    /// The line or subscriber that does not exist, for ``Code/unknownStream``.
    public var unknownStream: String? {
        guard case .unknownStream(let stream) = detail else { return nil }
        return stream
    }

    /// The fact's field at fault (`data.amount`), for ``Code/badFact`` about one field.
    public var field: String? {
        guard let field = factError?.field, !field.isEmpty else { return nil }
        return field
    }

    /// The rule that refused (`CUT-1`), for ``Code/ruleViolation``.
    public var rule: RuleID? { violation?.rule }

    /// The edition of the rule that refused, for ``Code/ruleViolation``.
    public var edition: String? { violation?.edition }

    /// The stream's version when another writer was first, for ``Code/versionConflict``.
    public var currentVersion: UInt64? { code == .versionConflict ? storeError?.actualVersion : nil }

    /// The error for a person, with the fact's number in its batch (1-based) when there is one:
    /// `fact 2: field data.amount: must not be negative (-5)`.
    public var description: String {
        let prefix = index.map { "fact \($0 + 1): " } ?? ""
        switch detail {
        case .badFact(let error): return prefix + error.description
        case .ruleViolation(let violation): return prefix + "refused by \(violation)"
        case .store(let error): return prefix + error.message
        case .unknownStream(let stream): return prefix + "\(stream) does not exist"
        case .cancelled: return prefix + "the task was cancelled before the write began; nothing was recorded"
        }
    }
}
