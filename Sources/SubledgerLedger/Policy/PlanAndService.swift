/// A postpaid line's plan, chosen at sign-up (PLAN-1).
public enum Plan: String, Hashable, Sendable, CaseIterable {
    /// Only the connection fee, tax and duties were paid.
    case noDeposit
    /// A refundable deposit was paid too.
    case deposit
    /// A payment guarantee was paid too.
    case guarantee
}

/// Whether a line is mobile or fixed (PLAN-2).
public enum Service: String, Hashable, Sendable, CaseIterable {
    case mobile
    case fixed
}
