/// The usage threshold of a line (THR-1) as an exact fraction: `percentOfBase` % of
/// `baseRials`. For a `noDeposit` line the base is the fixed amount of its service and the
/// percent 100; for a `deposit` (`guarantee`) line the base is the deposit (guarantee) held
/// and the percent the edition's 80.
///
/// Decisions compare exactly, in integers (THR-2), never with a rounded threshold:
/// unpaid usage `debt` reaches `p` % of the threshold when
/// `debt × 100 × 100 ≥ p × percentOfBase × baseRials`. The products are taken in 128 bits,
/// so no 64-bit amount can overflow them. Only ``reportedRials``, the figure shown to
/// people, is rounded (down).
public struct Threshold: Hashable, Sendable, CustomStringConvertible {
    /// The fixed amount (`noDeposit`) or the amount held (`deposit`, `guarantee`); an
    /// amount held below zero (refunds recorded beyond deposits) counts as zero.
    public let baseRials: Rials
    /// The percent of the base that is the threshold: 100 for `noDeposit`.
    public let percentOfBase: Int64

    /// The threshold `percentOfBase` % of `baseRials`.
    ///
    /// - Parameters:
    ///   - baseRials: the fixed amount or the amount held, in rials; below zero is taken as zero.
    ///   - percentOfBase: the percent of the base, as the edition sets it (1...100 in a valid edition).
    public init(baseRials: Rials, percentOfBase: Int64) {
        self.baseRials = max(0, baseRials)
        self.percentOfBase = percentOfBase
    }

    /// The threshold in rials, rounded down: 80 % of a deposit of 333,333 is 266,666.
    public var reportedRials: Rials {
        let exact = Int128(baseRials) * Int128(percentOfBase)
        let (quotient, remainder) = exact.quotientAndRemainder(dividingBy: 100)
        let floored = remainder < 0 ? quotient - 1 : quotient
        return Rials(clamping: floored)
    }

    /// Whether unpaid usage `debtRials` is at or above `percent` % of this threshold,
    /// exactly (THR-2). A debt of zero or less reaches nothing: a line that owes nothing
    /// is never due a notice or a cut, even with a threshold of zero (nothing held).
    ///
    /// - Parameters:
    ///   - debtRials: the line's unpaid usage, in rials.
    ///   - percent: the percent of this threshold asked about (a notice trigger, the cut level).
    /// - Returns: `true` when `debtRials` is positive and at or above the level.
    public func isReached(byDebtRials debtRials: Rials, percent: Int64) -> Bool {
        guard debtRials > 0 else { return false }
        let scaledDebt = Int128(debtRials) * 10_000
        let (factor, factorOverflow) = Int128(percent).multipliedReportingOverflow(by: Int128(percentOfBase))
        let (bar, barOverflow) = factor.multipliedReportingOverflow(by: Int128(baseRials))
        if factorOverflow || barOverflow {
            // The true bar has the sign of `percent × percentOfBase` and is beyond 128 bits:
            // far beyond any debt when positive, below every positive debt when negative.
            return (percent < 0) != (percentOfBase < 0)
        }
        return scaledDebt >= bar
    }

    /// `266666 (80 % of 333333)`, or `300000` for a fixed amount.
    public var description: String {
        percentOfBase == 100 ? "\(reportedRials)" : "\(reportedRials) (\(percentOfBase) % of \(baseRials))"
    }
}

extension PolicyEdition {
    /// The `noDeposit` threshold of a line of `service` in `region` (THR-1, POL-3): the
    /// edition's amount for that region where it sets one, else its default amount.
    ///
    /// - Parameters:
    ///   - service: the line's service, fixed or mobile.
    ///   - region: the line's region (`LineActivated.region`), or `nil` for none.
    /// - Returns: the threshold, in rials.
    public func noDepositThresholdRials(service: Service, region: String?) -> Rials {
        let (byRegion, amount) =
            service == .fixed
            ? (noDepositFixedThresholdRialsByRegion, noDepositFixedThresholdRials)
            : (noDepositMobileThresholdRialsByRegion, noDepositMobileThresholdRials)
        return region.flatMap { byRegion[$0] } ?? amount
    }

    /// The threshold of a line (THR-1): the plan and service (and, for `noDeposit`, the
    /// line's region, POL-3) decide the base; the deposit (guarantee) held matters only to a
    /// `deposit` (`guarantee`) line.
    ///
    /// - Parameters:
    ///   - plan: the line's plan.
    ///   - service: the line's service.
    ///   - region: the line's region, or `nil`; it matters only to a `noDeposit` threshold.
    ///   - depositHeldRials: the deposit the operator holds for the line, in rials.
    ///   - guaranteeHeldRials: the guarantee the operator holds for the line, in rials.
    /// - Returns: the exact threshold.
    public func threshold(
        plan: Plan, service: Service, region: String? = nil, depositHeldRials: Rials, guaranteeHeldRials: Rials
    ) -> Threshold {
        switch thresholdPlan(plan, depositHeldRials: depositHeldRials, guaranteeHeldRials: guaranteeHeldRials) {
        case .noDeposit:
            return Threshold(baseRials: noDepositThresholdRials(service: service, region: region), percentOfBase: 100)
        case .deposit:
            return Threshold(baseRials: depositHeldRials, percentOfBase: depositThresholdPercent)
        case .guarantee:
            return Threshold(baseRials: guaranteeHeldRials, percentOfBase: guaranteeThresholdPercent)
        }
    }

    /// The plan whose threshold and notice level a line has (THR-1): its own, except that a
    /// `deposit` (`guarantee`) line with nothing held is a line "with no deposit or guarantee
    /// held by the operator", which is how 002 defines `noDeposit`.
    ///
    /// - Parameters:
    ///   - plan: the line's own plan.
    ///   - depositHeldRials: the deposit held, in rials.
    ///   - guaranteeHeldRials: the guarantee held, in rials.
    /// - Returns: the plan, or ``Plan/noDeposit`` when the plan's amount held is zero or less.
    public func thresholdPlan(_ plan: Plan, depositHeldRials: Rials, guaranteeHeldRials: Rials) -> Plan {
        switch plan {
        case .noDeposit: .noDeposit
        case .deposit: depositHeldRials > 0 ? .deposit : .noDeposit
        case .guarantee: guaranteeHeldRials > 0 ? .guarantee : .noDeposit
        }
    }

    /// The least time, in exact hours, a threshold notice to such a line gives (NTC-1): its
    /// own plan's (72 h for `deposit`/`guarantee`, even with nothing held, the longer:
    /// ``unheldPlanKeepsItsNoticeMinimum``), or the threshold plan's when that reading is off.
    ///
    /// - Parameters:
    ///   - plan: the line's own plan.
    ///   - depositHeldRials: the deposit held, in rials.
    ///   - guaranteeHeldRials: the guarantee held, in rials.
    /// - Returns: the hours.
    public func noticeMinimumDeadlineHours(plan: Plan, depositHeldRials: Rials, guaranteeHeldRials: Rials) -> Int {
        let thresholdPlan = thresholdPlan(
            plan, depositHeldRials: depositHeldRials, guaranteeHeldRials: guaranteeHeldRials)
        return unheldPlanKeepsItsNoticeMinimum
            ? noticeMinimumDeadlineHours[plan] : noticeMinimumDeadlineHours[thresholdPlan]
    }

    /// The threshold in rials as reported (THR-1), rounded down: 80 % of 333,333 is 266,666.
    /// Decide with
    /// ``reaches(debtRials:percentOfThreshold:plan:service:region:depositHeldRials:guaranteeHeldRials:)``,
    /// never with this figure.
    ///
    /// - Parameters:
    ///   - plan: the line's plan.
    ///   - service: the line's service.
    ///   - region: the line's region, or `nil`.
    ///   - depositHeldRials: the deposit held, in rials.
    ///   - guaranteeHeldRials: the guarantee held, in rials.
    /// - Returns: the reported threshold, in rials.
    public func thresholdRials(
        plan: Plan, service: Service, region: String? = nil, depositHeldRials: Rials, guaranteeHeldRials: Rials
    ) -> Rials {
        threshold(
            plan: plan, service: service, region: region, depositHeldRials: depositHeldRials,
            guaranteeHeldRials: guaranteeHeldRials
        ).reportedRials
    }

    /// Whether unpaid usage `debtRials` is at or above `percent` % of the line's threshold,
    /// compared exactly (THR-2). For a `deposit` line, 100 % of the threshold is 80 % of
    /// the deposit held, and 80 % of the threshold 64 % of it.
    ///
    /// - Parameters:
    ///   - debtRials: the line's unpaid usage, in rials.
    ///   - percent: the percent of the threshold asked about.
    ///   - plan: the line's plan; with `service`, `region` and the amounts held (in rials),
    ///     what ``threshold(plan:service:region:depositHeldRials:guaranteeHeldRials:)`` reads.
    ///   - service: the line's service.
    ///   - region: the line's region, or `nil`.
    ///   - depositHeldRials: the deposit held.
    ///   - guaranteeHeldRials: the guarantee held.
    /// - Returns: `true` when the debt is positive and at or above the level.
    public func reaches(
        debtRials: Rials, percentOfThreshold percent: Int64, plan: Plan, service: Service, region: String? = nil,
        depositHeldRials: Rials, guaranteeHeldRials: Rials
    ) -> Bool {
        threshold(
            plan: plan, service: service, region: region, depositHeldRials: depositHeldRials,
            guaranteeHeldRials: guaranteeHeldRials
        )
        .isReached(byDebtRials: debtRials, percent: percent)
    }

    /// Whether a threshold notice is due at this unpaid usage (NTC-1 of this edition).
    /// The trigger is the edition's `noticeTriggerPercent` for the line's threshold plan
    /// (``thresholdPlan(_:depositHeldRials:guaranteeHeldRials:)``).
    ///
    /// - Parameters:
    ///   - debtRials: the line's unpaid usage, in rials.
    ///   - plan: the line's plan, read with the others as
    ///     ``threshold(plan:service:region:depositHeldRials:guaranteeHeldRials:)`` does.
    ///   - service: the line's service.
    ///   - region: its region, or `nil`.
    ///   - depositHeldRials: its deposit held.
    ///   - guaranteeHeldRials: its guarantee held.
    /// - Returns: `true` when the notice is due.
    public func noticeIsDue(
        debtRials: Rials, plan: Plan, service: Service, region: String? = nil, depositHeldRials: Rials,
        guaranteeHeldRials: Rials
    ) -> Bool {
        let trigger = noticeTriggerPercent[
            thresholdPlan(plan, depositHeldRials: depositHeldRials, guaranteeHeldRials: guaranteeHeldRials)]
        return reaches(
            debtRials: debtRials, percentOfThreshold: trigger, plan: plan, service: service, region: region,
            depositHeldRials: depositHeldRials, guaranteeHeldRials: guaranteeHeldRials)
    }

    /// Whether unpaid usage is at the level a threshold cut requires (CUT-1 (c)).
    /// The level is the edition's ``cutLevelPercent`` of the line's threshold.
    ///
    /// - Parameters:
    ///   - debtRials: the unpaid usage, in rials.
    ///   - plan: the plan; the line is read with the others as
    ///     ``threshold(plan:service:region:depositHeldRials:guaranteeHeldRials:)`` does.
    ///   - service: the service.
    ///   - region: the region, or `nil`.
    ///   - depositHeldRials: the deposit held by the operator.
    ///   - guaranteeHeldRials: the guarantee held by the operator.
    /// - Returns: `true` when a threshold cut's debt level is reached.
    public func cutLevelReached(
        debtRials: Rials, plan: Plan, service: Service, region: String? = nil, depositHeldRials: Rials,
        guaranteeHeldRials: Rials
    ) -> Bool {
        reaches(
            debtRials: debtRials, percentOfThreshold: cutLevelPercent, plan: plan, service: service, region: region,
            depositHeldRials: depositHeldRials, guaranteeHeldRials: guaranteeHeldRials)
    }
}
