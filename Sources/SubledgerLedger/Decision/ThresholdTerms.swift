package import SubledgerStore

/// The threshold terms of a line under one edition, compared exactly in integers (THR-2).
package struct ThresholdTerms {
    let edition: PolicyEdition
    let plan: Plan
    let service: Service
    /// The line's region, whose `noDeposit` threshold an edition may set apart (POL-3).
    let region: String?
    let depositHeld: Rials
    let guaranteeHeld: Rials

    /// The terms of `line` under `edition`, with the amounts held given (at a notice's sending, a debt
    /// change) or, when `nil`, the line's own.
    ///
    /// - Parameters:
    ///   - edition: the edition judging.
    ///   - line: the line: its plan, service and region.
    ///   - depositHeld: the deposit held then, in rials, or `nil` for the line's now.
    ///   - guaranteeHeld: the guarantee held then, in rials, or `nil` for the line's now.
    package init(edition: PolicyEdition, line: LineState, depositHeld: Rials? = nil, guaranteeHeld: Rials? = nil) {
        self.edition = edition
        plan = line.plan
        service = line.service
        region = line.region
        self.depositHeld = depositHeld ?? line.depositHeld
        self.guaranteeHeld = guaranteeHeld ?? line.guaranteeHeld
    }

    /// The threshold of THR-1, rounded down for reporting.
    package var thresholdRials: Rials {
        edition.thresholdRials(
            plan: plan, service: service, region: region, depositHeldRials: depositHeld,
            guaranteeHeldRials: guaranteeHeld)
    }

    /// Whether `debt` is at or above `percent` % of the threshold, exactly.
    func reaches(_ debt: Rials, percentOfThreshold percent: Int64) -> Bool {
        edition.reaches(
            debtRials: debt, percentOfThreshold: percent, plan: plan, service: service, region: region,
            depositHeldRials: depositHeld, guaranteeHeldRials: guaranteeHeld)
    }

    /// Whether a threshold notice is due at this debt (NTC-1 of this edition).
    ///
    /// - Parameters:
    ///   - debt: the unpaid usage, in rials.
    /// - Returns: `true` when the debt reaches the notice trigger of the threshold plan.
    package func noticeIsDue(_ debt: Rials) -> Bool {
        edition.noticeIsDue(
            debtRials: debt, plan: plan, service: service, region: region, depositHeldRials: depositHeld,
            guaranteeHeldRials: guaranteeHeld)
    }

    /// Whether a threshold cut may happen at this debt (CUT-1 (c)).
    ///
    /// - Parameters:
    ///   - debt: the unpaid usage, in rials.
    /// - Returns: `true` when the debt reaches the edition's `cutLevelPercent` of the threshold.
    package func cutLevelReached(_ debt: Rials) -> Bool {
        edition.cutLevelReached(
            debtRials: debt, plan: plan, service: service, region: region, depositHeldRials: depositHeld,
            guaranteeHeldRials: guaranteeHeld)
    }

    /// The least time a threshold notice must give (NTC-1), in hours.
    var noticeMinimumHours: Int {
        edition.noticeMinimumDeadlineHours(plan: plan, depositHeldRials: depositHeld, guaranteeHeldRials: guaranteeHeld)
    }

    /// The earliest deadline a threshold notice sent or delivered at `time` may have (NTC-1).
    ///
    /// - Parameters:
    ///   - time: when the notice was sent, or delivered (DLV-1).
    /// - Returns: `time` + the minimum hours, exactly (TIME-1).
    package func noticeMinimumDeadline(from time: Timestamp) -> Timestamp {
        time.adding(hours: Int64(noticeMinimumHours))
    }

    /// The percent of the threshold at which the notice is due (NTC-1), for the threshold
    /// plan (THR-1: `noDeposit`'s for a line with nothing held).
    var noticeTriggerPercent: Int64 {
        edition.noticeTriggerPercent(
            for: edition.thresholdPlan(plan, depositHeldRials: depositHeld, guaranteeHeldRials: guaranteeHeld))
    }

    /// Why a threshold notice sent at `sentAt`, when the unpaid usage was `debt`, with
    /// `deadline`, does not count (NTC-2); `nil` when it counts. These terms must be those
    /// in force when it was sent, with the amounts held then.
    func noticeProblem(debt: Rials, sentAt: Timestamp, deadline: Timestamp?) -> String? {
        guard noticeIsDue(debt) else {
            let percent = noticeTriggerPercent
            return "sent when unpaid usage was \(debt), before it reached the level that makes it due "
                + "(NTC-1: \(percent) % of the threshold \(thresholdRials))"
        }
        guard let deadline else { return "states no deadline (at least \(noticeMinimumHours) hours, NTC-1)" }
        let minimum = noticeMinimumDeadline(from: sentAt)
        guard deadline >= minimum else {
            return "its deadline \(deadline) gives less than \(noticeMinimumHours) hours (at least \(minimum), NTC-1)"
        }
        return nil
    }
}
