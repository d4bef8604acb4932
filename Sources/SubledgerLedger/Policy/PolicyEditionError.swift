/// Why a policy edition (or a set of them) was refused: which field, and why.
public struct PolicyEditionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the field was refused.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// The file could not be read.
        case unreadableFile(String)
        /// The text is not JSON the ledger accepts.
        case invalidJSON(String)
        /// A required field is absent.
        case missingField
        /// A field the format does not define (a misspelt name, most likely).
        case unknownField
        /// The field holds another JSON type.
        case wrongType(expected: String, found: String)
        /// A count or an amount below zero.
        case negative(Int64)
        /// A percent outside 1...100.
        case percentOutOfRange(Int64)
        /// A count beyond what the calendar arithmetic is meant for.
        case tooLarge(Int64, maximum: Int64)
        /// The effective date is not an RFC 3339 time.
        case notRFC3339(String)
        /// The id is empty, too long, or has characters other than letters, digits, `.`, `_`, `-`.
        case invalidIdentifier(String)
        /// A value that is not one of the allowed choices.
        case unknownChoice(String, allowed: [String])
        /// Two editions of a set share an id.
        case duplicateIdentifier(String)
        /// Two editions of a set take effect at the same instant: which is in force is unclear.
        case duplicateEffectiveDate(String)
        /// A set of editions must hold at least one.
        case noEditions
        /// An edition adopted (POL-3) with the id of one already known: editions are facts.
        case alreadyKnown(String)

        /// The reason for a person (`"percent 120 is outside 1...100"`).
        public var description: String {
            switch self {
            case .unreadableFile(let message): "cannot read the file: \(message)"
            case .invalidJSON(let message): "not valid JSON: \(message)"
            case .missingField: "missing field"
            case .unknownField: "unknown field"
            case .wrongType(let expected, let found): "expected \(expected), found \(found)"
            case .negative(let value): "negative number \(value)"
            case .percentOutOfRange(let value): "percent \(value) is outside 1...100"
            case .tooLarge(let value, let maximum): "\(value) is more than the maximum \(maximum)"
            case .notRFC3339(let message): "effective date is not RFC 3339: \(message)"
            case .invalidIdentifier(let id): "invalid id \"\(id)\": use 1 to 64 letters, digits, '.', '_' or '-'"
            case .unknownChoice(let value, let allowed): "\"\(value)\" is not one of \(allowed.joined(separator: ", "))"
            case .duplicateIdentifier(let id): "two editions have the id \"\(id)\""
            case .duplicateEffectiveDate(let date): "two editions take effect at \(date)"
            case .noEditions: "no policy edition given"
            case .alreadyKnown(let id):
                "edition \"\(id)\" is already known: an adopted edition is a fact, never replaced; a revision is a new edition with a new id"
            }
        }
    }

    /// The field, as a path (`noticeTriggerPercent.deposit`); empty for the whole document.
    public var field: String
    /// Why the field was refused.
    public var reason: Reason
    /// The file the edition came from, when it came from one.
    public var file: String?

    /// The refusal of `field` for `reason`.
    ///
    /// - Parameters:
    ///   - field: the field, as a path; empty for the whole document.
    ///   - reason: why it was refused.
    ///   - file: the file the edition came from, or `nil`.
    public init(field: String, reason: Reason, file: String? = nil) {
        self.field = field
        self.reason = reason
        self.file = file
    }

    /// The message for a person, naming the file (when known), the field and the reason.
    public var description: String {
        let origin = file.map { "policy edition \($0)" } ?? "policy edition"
        return field.isEmpty ? "\(origin): \(reason)" : "\(origin): field \(field): \(reason)"
    }
}
