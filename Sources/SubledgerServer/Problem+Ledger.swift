import Hummingbird
import SubledgerLedger
import SubledgerStore

extension Problem {
    /// The problem of a ledger's refusal, by its code (``LedgerError/Code``): a version
    /// conflict is 409 with the stream's current version; a fact that cannot be one is 422
    /// with its field (`facts[INDEX].FIELD`) and index; a rule's refusal 422 with the rule and
    /// edition; an unknown line 404; the store's own failure 500 (its input errors 422).
    /// - Parameters:
    ///   - error: the ledger's error.
    ///   - fieldPrefix: what the fact's field is inside of in the request (`facts`).
    /// - Returns: the problem.
    static func of(_ error: LedgerError, fieldPrefix: String = "facts") -> Problem {
        var members: JSONObject = [:]
        if let index = error.index { members["index"] = .integer(Int64(index)) }
        let detail = error.description
        switch error.code {
        case .versionConflict:
            if let stream = error.storeError?.stream { members["stream"] = .string(stream.description) }
            if let current = error.currentVersion { members["currentVersion"] = .integer(Int64(current)) }
            if case .exactly(let expected)? = error.storeError?.expectedVersion {
                members["expectedVersion"] = .integer(Int64(expected))
            }
            return Problem(
                .conflict, name: "version-conflict", title: "A stream is not at the expected version", detail: detail,
                members: members)
        case .badFact:
            members["field"] = .string(qualified(error.field, index: error.index, prefix: fieldPrefix))
            return Problem(
                .unprocessableContent, name: "bad-fact", title: "A fact cannot be recorded", detail: detail,
                members: members)
        case .ruleViolation:
            if let rule = error.rule { members["rule"] = .string(rule.rawValue) }
            if let edition = error.edition { members["policyEdition"] = .string(edition) }
            return Problem(
                .unprocessableContent, name: "rule-violation", title: "A rule forbids the action", detail: detail,
                members: members)
        case .unknownStream:
            return .notFound(detail)
        case .cancelled:
            return Problem(.serviceUnavailable, name: "cancelled", title: "The request was cancelled", detail: detail)
        default:
            if let storeError = error.storeError {
                return .of(storeError, index: error.index, fieldPrefix: fieldPrefix)
            }
            return Problem(.internalServerError, name: "ledger", title: "The ledger failed", detail: detail)
        }
    }

    /// The problem of the store's error: bad input 422 (with its field), a proof of a size the
    /// log does not have 422, anything else 500.
    /// - Parameters:
    ///   - error: the store's error.
    ///   - index: the fact's index in the request, when the error is about one.
    ///   - fieldPrefix: what the fact's field is inside of in the request.
    /// - Returns: the problem.
    static func of(_ error: EventStoreError, index: Int? = nil, fieldPrefix: String = "facts") -> Problem {
        var members: JSONObject = [:]
        if let index { members["index"] = .integer(Int64(index)) }
        switch error.code {
        case .invalidEvent, .eventIDReused, .recordedAtOutOfOrder, .assignedFieldMismatch:
            members["field"] = .string(qualified(error.field, index: index, prefix: fieldPrefix))
            return Problem(
                .unprocessableContent, name: "bad-fact", title: "A fact cannot be recorded", detail: error.message,
                members: members)
        case .proofOutOfRange:
            return Problem(
                .unprocessableContent, name: "out-of-range", title: "The log has no such position or size",
                detail: error.message, members: members)
        default:
            return Problem(.internalServerError, name: "store", title: "The store failed", detail: error.message)
        }
    }

    /// `facts[2].data.amount` for the field `data.amount` of the third fact; `facts[2]` for
    /// the fact as a whole; `facts` when no fact is named.
    static func qualified(_ field: String?, index: Int?, prefix: String) -> String {
        let fact = index.map { "\(prefix)[\($0)]" } ?? prefix
        guard let field, !field.isEmpty else { return fact }
        return "\(fact).\(field)"
    }
}
