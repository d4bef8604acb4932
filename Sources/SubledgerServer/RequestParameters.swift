import Foundation
import Hummingbird
import SubledgerLedger
import SubledgerStore

/// A request's path and query parameters, read and checked: each failure is a 400
/// `bad-parameter` problem naming the parameter.
struct RequestParameters {
    let request: Request
    let context: ServiceRequestContext

    /// The path's `{line}`, an E.164 number (`+` may be sent as `%2B`).
    func line() throws(Problem) -> LineNumber {
        let raw = context.parameters.get("line") ?? ""
        let text = raw.removingPercentEncoding ?? raw
        do { return try LineNumber(text, field: "line") } catch { throw Problem.badParameter("line", error.reason) }
    }

    /// The query's `name` as given, or `nil` when absent.
    /// - Throws: ``Problem`` 400 when it is given empty (`?line=`): a value is missing.
    func text(_ name: String) throws(Problem) -> String? {
        guard let value = request.uri.queryParameters[name[...]] else { return nil }
        guard !value.isEmpty else { throw Problem.badParameter(name, "is empty: give a value or leave it out") }
        return String(value)
    }

    /// The query's `name` as a whole number within `range`, or `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<UInt64>, default defaultValue: UInt64? = nil)
        throws(Problem) -> UInt64?
    {
        guard let text = try text(name) else { return defaultValue }
        guard let value = UInt64(text), range.contains(value) else {
            throw Problem.badParameter(name, "\"\(text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The query's `name` as a whole number within `range`, required.
    func requiredInteger(_ name: String, in range: ClosedRange<UInt64>) throws(Problem) -> UInt64 {
        guard let value = try integer(name, in: range) else { throw Problem.badParameter(name, "missing") }
        return value
    }

    /// The query's `name` as an RFC 3339 time, or `nil` when absent.
    func time(_ name: String) throws(Problem) -> Timestamp? {
        guard let text = try text(name) else { return nil }
        do { return try Timestamp(rfc3339: text) } catch { throw Problem.badParameter(name, error.description) }
    }

    /// The query's `name` as `true` or `false`, `false` when absent.
    func flag(_ name: String) throws(Problem) -> Bool {
        switch try text(name) {
        case nil, "false": return false
        case "true": return true
        case let other?: throw Problem.badParameter(name, "\"\(other)\" is neither true nor false")
        }
    }

    /// The view of `asOf` and `knownAt` (each RFC 3339, both optional).
    func view() throws(Problem) -> LineHistory.View {
        LineHistory.View(asOf: try time("asOf"), knownAt: try time("knownAt"))
    }

    /// The page size `limit`, within the service's bounds.
    func limit(_ limits: ServiceLimits) throws(Problem) -> Int {
        Int(
            try integer(
                "limit", in: 1...UInt64(limits.maximumEventsPerRead), default: UInt64(limits.defaultEventsPerRead))!)
    }
}
