/// Why input cannot be a fact: which field, and why. The input line is added by whoever
/// reads a file (`import`, `apply`), so messages name file, line and field.
public struct FactError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field at fault, as a path: `data.items[1].amount`; empty for the whole line.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "field \(field): \(reason)" }
}
