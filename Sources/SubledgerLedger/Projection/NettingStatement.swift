/// The netting of a revoked or sold line (VAN-3, LEG-2; interchange.md "What the figures
/// mean"): what is credited against the debt, the refund owed and the debt that remains.
public struct NettingStatement: Hashable, Sendable {
    /// What is credited against the debt, in rials; all 0 before the line is revoked or sold.
    public struct Credits: Hashable, Sendable {
        /// The price the number sold for at auction (VAN-3); 0 if not sold.
        public var auctionProceeds: Rials
        /// The deposit held, when held amounts count; 0 otherwise.
        public var deposit: Rials
        /// The guarantee held, when held amounts count; 0 otherwise.
        public var guarantee: Rials
        /// The subscription's value settled (LEG-2); 0 if none.
        public var subscriptionValue: Rials

        /// Fits in 64 bits: admission keeps the line's netting credits within them (`LineState.admit`).
        public var total: Rials { auctionProceeds + deposit + guarantee + subscriptionValue }
    }

    /// The line's debt, in rials (``LineState/debt``).
    public var debt: Rials
    /// What is credited against it.
    public var credits: Credits
    /// max(0, credits − debt).
    public var refund: Rials
    /// max(0, debt − credits): still owed.
    public var residualDebt: Rials
    /// The refunds already paid, in rials.
    public var refundsPaid: Rials
    /// refund − refunds paid; 0 before the line is revoked or sold.
    public var refundDue: Rials
    /// Whether netting has happened (the line is revoked or sold).
    public var isNetted: Bool

    /// The statement of `line`; deposit and guarantee count when `countHeldAmounts`
    /// (section 9's default: yes).
    /// - Parameters:
    ///   - line: the line's state.
    ///   - countHeldAmounts: whether the deposit and guarantee held are credited against the debt.
    public init(line: LineState, countHeldAmounts: Bool) {
        debt = line.debt
        refundsPaid = line.refundsPaid
        isNetted = line.isClosed
        guard isNetted else {
            credits = Credits(auctionProceeds: 0, deposit: 0, guarantee: 0, subscriptionValue: 0)
            refund = 0
            residualDebt = debt
            refundDue = 0
            return
        }
        credits = Credits(
            auctionProceeds: line.auctionPrice ?? 0,
            deposit: countHeldAmounts ? line.depositHeld : 0,
            guarantee: countHeldAmounts ? line.guaranteeHeld : 0,
            subscriptionValue: line.subscriptionValue ?? 0
        )
        let total = credits.total
        // Differences of amounts in 0...Int64.max: they fit.
        refund = max(0, total - debt)
        residualDebt = max(0, debt - total)
        refundDue = max(0, refund - refundsPaid)
    }
}
