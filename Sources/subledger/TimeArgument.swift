import ArgumentParser
import SubledgerStore

/// Times given as options: RFC 3339 (interchange.md), such as `2025-02-03T20:00:00Z`.
enum TimeArgument {
    /// Parses an option's value, refusing anything but an RFC 3339 time with its reason.
    static func parse(_ text: String) throws -> Timestamp {
        do {
            return try Timestamp(rfc3339: text)
        } catch {
            throw ValidationError("\(error.description); give a time such as 2025-02-03T20:00:00Z")
        }
    }
}
