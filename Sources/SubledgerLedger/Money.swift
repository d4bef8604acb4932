import SubledgerStore

/// An amount of Iranian rials: whole numbers in `Int64`, every operation overflow-checked.
/// There is no floating point anywhere near an amount.
public typealias Rials = Int64

/// Exact arithmetic on rials that reports overflow instead of trapping or wrapping.
public enum RialArithmetic: Sendable {
    /// Why an amount could not be computed.
    public struct Overflow: Error, Hashable, Sendable, CustomStringConvertible {
        /// The operation that overflowed, with its operands (`"9223372036854775807 + 1"`).
        public var operation: String
        /// The message for a person: the operation, and that it leaves 64-bit rials.
        public var description: String { "amount overflow in \(operation): beyond 64-bit rials" }
    }

    /// `lhs + rhs`, exactly.
    ///
    /// - Parameters:
    ///   - lhs: the first amount.
    ///   - rhs: the amount added to it.
    /// - Returns: the sum, in rials.
    /// - Throws: ``Overflow`` when the sum leaves `Int64`.
    public static func add(_ lhs: Rials, _ rhs: Rials) throws(Overflow) -> Rials {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        guard !overflow else { throw Overflow(operation: "\(lhs) + \(rhs)") }
        return sum
    }

    /// `lhs - rhs`, exactly.
    ///
    /// - Parameters:
    ///   - lhs: the amount subtracted from.
    ///   - rhs: the amount subtracted.
    /// - Returns: the difference, in rials.
    /// - Throws: ``Overflow`` when the difference leaves `Int64`.
    public static func subtract(_ lhs: Rials, _ rhs: Rials) throws(Overflow) -> Rials {
        let (difference, overflow) = lhs.subtractingReportingOverflow(rhs)
        guard !overflow else { throw Overflow(operation: "\(lhs) - \(rhs)") }
        return difference
    }

    /// `lhs × rhs`, exactly: an amount times a plain number.
    ///
    /// - Parameters:
    ///   - lhs: the amount, in rials.
    ///   - rhs: the factor, a plain number.
    /// - Returns: the product, in rials.
    /// - Throws: ``Overflow`` when the product leaves `Int64`.
    public static func multiply(_ lhs: Rials, _ rhs: Int64) throws(Overflow) -> Rials {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        guard !overflow else { throw Overflow(operation: "\(lhs) × \(rhs)") }
        return product
    }

    /// `lhs + rhs`, held at the nearest bound of `Int64` when it would leave 64 bits: the
    /// total fold (``LineState/evolve(_:_:position:)``) adds so, for an event the admission
    /// check would have refused, rather than trap (validation reports the overflow).
    ///
    /// - Parameters:
    ///   - lhs: the first amount.
    ///   - rhs: the amount added to it.
    /// - Returns: the sum, or `Int64.min`/`Int64.max` when it would leave 64 bits.
    public static func saturatingAdd(_ lhs: Rials, _ rhs: Rials) -> Rials {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        guard overflow else { return sum }
        return rhs < 0 ? .min : .max
    }

    /// `lhs - rhs`, held at the nearest bound of `Int64` when it would leave 64 bits.
    ///
    /// - Parameters:
    ///   - lhs: the amount subtracted from.
    ///   - rhs: the amount subtracted.
    /// - Returns: the difference, or `Int64.min`/`Int64.max` when it would leave 64 bits.
    public static func saturatingSubtract(_ lhs: Rials, _ rhs: Rials) -> Rials {
        let (difference, overflow) = lhs.subtractingReportingOverflow(rhs)
        guard overflow else { return difference }
        return rhs < 0 ? .max : .min
    }

    /// The sum of `amounts`, or ``Overflow`` when it leaves 64 bits.
    ///
    /// - Parameters:
    ///   - amounts: the amounts to add, in rials; an empty sequence sums to 0.
    /// - Returns: the total, in rials.
    /// - Throws: ``Overflow`` when a partial sum leaves `Int64` (the first that does).
    public static func sum(_ amounts: some Sequence<Rials>) throws(Overflow) -> Rials {
        var total: Rials = 0
        for amount in amounts { total = try add(total, amount) }
        return total
    }
}
