import SubledgerStore

/// How a replay tells people that a revoked or sold line's debt was netted (VAN-3, LEG-2):
/// against what, what came back to the subscriber and what is still owed. The text and
/// the HTML page say it in the same words.
package enum ReplayNetting {
    /// The rule the netting comes under: LEG-2 for a subscription's value, VAN-3 for
    /// auction proceeds and for deposits and guarantees held (rules.md, section 9).
    static func rule(_ netting: NettingStatement) -> RuleID {
        netting.credits.subscriptionValue > 0 ? "LEG-2" : "VAN-3"
    }

    /// `the auction proceeds of 500,000 and the deposit of 100,000 held`.
    static func credits(_ netting: NettingStatement) -> String {
        let rials = DisplayFormat.rials
        let credits = netting.credits
        var parts: [String] = []
        if credits.auctionProceeds != 0 { parts.append("the auction proceeds of \(rials(credits.auctionProceeds))") }
        if credits.subscriptionValue != 0 {
            parts.append("the subscription's value of \(rials(credits.subscriptionValue))")
        }
        if credits.deposit != 0 { parts.append("the deposit of \(rials(credits.deposit)) held") }
        if credits.guarantee != 0 { parts.append("the guarantee of \(rials(credits.guarantee)) held") }
        guard let last = parts.popLast() else { return "nothing (no proceeds, value, deposit or guarantee)" }
        return parts.isEmpty ? last : parts.joined(separator: ", ") + " and " + last
    }

    /// `The debt of 315,000 was netted against the auction proceeds of 500,000 (VAN-3):
    /// refund 185,000, residual debt 0 still owed; refunds paid 0, refund due 185,000.`
    ///
    /// - Parameters:
    ///   - netting: the statement of a revoked or sold line.
    /// - Returns: the sentence, amounts in rials with digit grouping.
    package static func sentence(_ netting: NettingStatement) -> String {
        let rials = DisplayFormat.rials
        return "The debt of \(rials(netting.debt)) was netted against \(credits(netting)) (\(rule(netting))): "
            + "refund \(rials(netting.refund)), residual debt \(rials(netting.residualDebt)) still owed; "
            + "refunds paid \(rials(netting.refundsPaid)), refund due \(rials(netting.refundDue))."
    }

    /// `At the end of this view, 1403-11-15 23:30 Tehran (2025-02-03)` for a view that leaves events out (`--as-of`,
    /// `--known-at`), `After the last event, …` for the whole history: never "now", for
    /// the figures are judged at that moment, not at the present one.
    ///
    /// - Parameters:
    ///   - replay: the replay whose final figures are headed.
    ///   - format: how the moment is written.
    /// - Returns: the heading, with the moment of ``LineReplay/finalStateAt`` when there is one.
    package static func finalHeading(_ replay: LineReplay, format: DisplayFormat) -> String {
        let heading = replay.isPartialView ? "At the end of this view" : "After the last event"
        guard let at = replay.finalStateAt else { return heading }
        return "\(heading), \(format.time(at))"
    }
}
