public import Foundation
public import SubledgerStore

extension Timestamp {
    /// The instant of `date`, truncated to the millisecond the interchange format keeps
    /// (toward the past, so an instant never moves later than it was).
    ///
    /// ```swift
    /// let now = Timestamp(Date())
    /// ```
    ///
    /// - Parameters:
    ///   - date: the Foundation date.
    public init(_ date: Date) {
        // To the nearest microsecond first: a `Date` is a `Double` of seconds, and the
        // double nearest to x.123 s may lie just below it; rounding there (a double keeps
        // about a quarter of a microsecond near today) and then flooring to the
        // millisecond gives back every instant a `Timestamp` made (`Timestamp(t.date) == t`).
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (quotient, remainder) = microseconds.quotientAndRemainder(dividingBy: 1000)
        self.init(millisecondsSinceEpoch: remainder < 0 ? quotient - 1 : quotient)
    }

    /// The same instant as a Foundation `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000) }
}
