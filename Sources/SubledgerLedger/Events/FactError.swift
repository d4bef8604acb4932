/// Why input cannot be a fact: which field, and why. The input line is added by whoever
/// reads a file (`import`, `apply`), so messages name file, line and field.
public struct FactError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault, as a path: `data.items[1].amount`; empty for the whole line.
    public var field: String
    /// Why the field cannot be a fact's: `"missing"`, `"must be an object"`, `"longer than 1000 bytes"`.
    public var reason: String

    /// - Parameters:
    ///   - field: the field at fault, as a path; empty for the whole line.
    ///   - reason: why it cannot be a fact's.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `field data.items[1].amount: must not be negative (-5)`, or the reason alone for the whole line.
    public var description: String { field.isEmpty ? reason : "field \(field): \(reason)" }
}
