public import SubledgerStore

/// One edition of the directive as data (POL-1): every number of `rules.md` and every
/// choice of its section 9, with the instant the edition takes effect. A new edition is a
/// JSON file (``init(jsonText:)``, ``load(from:)``), not new code. `docs/rules-as-data.md`
/// lists every parameter.
///
/// Editions are validated when made: counts and amounts are never negative, percents are
/// in 1...100, the id is a short token. Names end with their unit.
public struct PolicyEdition: Hashable, Sendable, CustomStringConvertible {
    /// The edition's name (`"2021"`, `"older"`), written in the metadata of the events that
    /// `apply` records (POL-2).
    public let id: String
    /// The instant from which the edition is in force (POL-1).
    public let effectiveDate: Timestamp
    /// Where the numbers come from (free text, may be empty).
    public let source: String

    // MARK: THR-1: the usage threshold

    /// The threshold of a fixed line on the `noDeposit` plan (of a line of any region not in
    /// ``noDepositFixedThresholdRialsByRegion``, or of none).
    public let noDepositFixedThresholdRials: Rials
    /// The threshold of a mobile line on the `noDeposit` plan (of a line of any region not in
    /// ``noDepositMobileThresholdRialsByRegion``, or of none).
    public let noDepositMobileThresholdRials: Rials
    /// The threshold of a `deposit` line, in percent of the deposit held.
    public let depositThresholdPercent: Int64
    /// The threshold of a `guarantee` line, in percent of the guarantee held.
    public let guaranteeThresholdPercent: Int64

    // MARK: NTC-1 and CUT-1: notices and the mid-period cut

    /// The unpaid usage, in percent of the threshold, at which a threshold notice is due.
    public let noticeTriggerPercent: PerPlan<Int64>
    /// The least time a threshold notice gives the subscriber to pay, in exact hours.
    public let noticeMinimumDeadlineHours: PerPlan<Int>
    /// The unpaid usage, in percent of the threshold, that a threshold cut requires (CUT-1 (c)).
    public let cutLevelPercent: Int64

    // MARK: BIL, OVD: invoices and the overdue ladder

    /// The least interval between two invoices of a line, in Solar Hijri months (BIL-1).
    public let invoiceMinimumIntervalMonths: Int
    /// The time to pay an invoice from its issue, in exact days (BIL-3).
    public let invoicePaymentDays: Int
    /// The least time a line stays one-way before it may become two-way, in exact days (OVD-2).
    public let oneWayMinimumDays: Int
    /// The grace after the written warning, in Solar Hijri years (OVD-3).
    public let graceAfterWrittenWarningYears: Int

    // MARK: VAN, LEG, RET, GEN

    /// How much longer a vanity number is held after the grace, in Solar Hijri years (VAN-1).
    public let vanityExtraHoldYears: Int
    /// How long a non-governmental legal entity's mobile line must have been active for
    /// LEG-1's longer grace, in Solar Hijri years.
    public let legalEntityMinimumActiveYears: Int
    /// LEG-1's grace, in Solar Hijri years.
    public let legalEntityGraceYears: Int
    /// How long personal data is kept after the last subscription ends, in Solar Hijri
    /// months (RET-1).
    public let retentionMonthsAfterLastSubscription: Int
    /// The tariff's reconnection fee (GEN-3), when known: a higher fee is refused. `nil`
    /// (the default) when the tariff is not part of the edition: any fee is accepted.
    public let maximumReconnectionFeeRials: Rials?

    // MARK: Section 9: where the sources are silent

    /// Whether a threshold cut starts one-way or two-way (CUT-2). Default: one-way.
    public let thresholdCutDirection: CutDirection
    /// Whether every cut for debt needs a notice at or before it (GEN-5). Default: yes.
    public let noticeRequiredBeforeEveryDebtCut: Bool
    /// Whether the deposit and guarantee held are netted against the debt at revocation,
    /// the rest refunded (VAN-3, LEG-2). Default: yes.
    public let netDepositAndGuaranteeAtRevocation: Bool
    /// Whether OVD-3's grace runs from the written warning (else from the start of the
    /// current cut). Default: yes.
    public let graceRunsFromWrittenWarning: Bool
    /// Whether OVD-3's grace runs from the written warning's delivery when a delivery receipt
    /// is recorded (else from its sending either way). Default: yes (reading).
    public let graceRunsFromWarningDelivery: Bool
    /// Whether only a written warning sent by `letter` counts for OVD-3. Default: yes (reading).
    public let writtenWarningByLetterOnly: Bool
    /// Whether a `deposit`/`guarantee` line with nothing held, which has the `noDeposit`
    /// threshold and notice level (THR-1), keeps its own plan's minimum deadline (72 h, the
    /// longer). Default: yes (reading).
    public let unheldPlanKeepsItsNoticeMinimum: Bool
    /// Whether LEG-1's two years come on top of OVD-3's year (as VAN-1's do). Default: yes (reading).
    public let legalEntityGraceAddsToOVD3Grace: Bool
    /// How long after a restoration is owed a line may stay cut before it is a warning
    /// (GEN-3, KYC-1), in exact hours. Default: 24 (reading).
    public let restorationWarningHours: Int
    /// The time the operator has to answer a complaint (CMP-1), in days from the day it was
    /// filed: to the end of that calendar day in Tehran (TIME-1). Default: 15 (reading).
    public let complaintAnswerDays: Int

    // MARK: POL-3: thresholds by the line's region

    /// The `noDeposit` threshold of a fixed line by its region (`LineActivated.region`), where
    /// the edition sets one apart (the 2023 decision by region); empty by default.
    public let noDepositFixedThresholdRialsByRegion: [String: Rials]
    /// The `noDeposit` threshold of a mobile line by its region; empty by default.
    public let noDepositMobileThresholdRialsByRegion: [String: Rials]
    /// SUS-2 (c): this many lines or more, of two or more subscribers, suspended for the same
    /// reason other than debt within ``massSuspensionWindowMinutes`` are a mass suspension
    /// (a warning on each). Default: 10 (reading).
    public let massSuspensionLines: Int
    /// SUS-2 (c): the window of a mass suspension, in minutes from its first suspension to
    /// its last, both included. Default: 60 (reading).
    public let massSuspensionWindowMinutes: Int

    /// An edition; every parameter defaults to its value in edition 2021. Throws when a
    /// value is out of range (the error names the parameter).
    ///
    /// - Parameters: one for each property of the same name, which says what it holds and its unit.
    /// - Throws: ``PolicyEditionError`` for the first invalid value, named as in the JSON form: an id
    ///   that is empty, longer than 64 or not of letters, digits, `.`, `_`, `-`
    ///   (``PolicyEditionError/Reason/invalidIdentifier(_:)``); an amount or a count below zero
    ///   (``PolicyEditionError/Reason/negative(_:)``); a percent outside 1...100
    ///   (``PolicyEditionError/Reason/percentOutOfRange(_:)``); a duration beyond its bound
    ///   (``PolicyEditionError/Reason/tooLarge(_:maximum:)``).
    public init(
        id: String,
        effectiveDate: Timestamp,
        source: String = "",
        noDepositFixedThresholdRials: Rials = 200_000,
        noDepositMobileThresholdRials: Rials = 300_000,
        depositThresholdPercent: Int64 = 80,
        guaranteeThresholdPercent: Int64 = 80,
        noticeTriggerPercent: PerPlan<Int64> = PerPlan(noDeposit: 80, deposit: 100, guarantee: 100),
        noticeMinimumDeadlineHours: PerPlan<Int> = PerPlan(noDeposit: 24, deposit: 72, guarantee: 72),
        cutLevelPercent: Int64 = 100,
        invoiceMinimumIntervalMonths: Int = 1,
        invoicePaymentDays: Int = 15,
        oneWayMinimumDays: Int = 14,
        graceAfterWrittenWarningYears: Int = 1,
        vanityExtraHoldYears: Int = 2,
        legalEntityMinimumActiveYears: Int = 10,
        legalEntityGraceYears: Int = 2,
        retentionMonthsAfterLastSubscription: Int = 6,
        maximumReconnectionFeeRials: Rials? = nil,
        thresholdCutDirection: CutDirection = .oneWay,
        noticeRequiredBeforeEveryDebtCut: Bool = true,
        netDepositAndGuaranteeAtRevocation: Bool = true,
        graceRunsFromWrittenWarning: Bool = true,
        graceRunsFromWarningDelivery: Bool = true,
        writtenWarningByLetterOnly: Bool = true,
        unheldPlanKeepsItsNoticeMinimum: Bool = true,
        legalEntityGraceAddsToOVD3Grace: Bool = true,
        restorationWarningHours: Int = 24,
        complaintAnswerDays: Int = 15,
        noDepositFixedThresholdRialsByRegion: [String: Rials] = [:],
        noDepositMobileThresholdRialsByRegion: [String: Rials] = [:],
        massSuspensionLines: Int = 10,
        massSuspensionWindowMinutes: Int = 60
    ) throws(PolicyEditionError) {
        self.id = id
        self.effectiveDate = effectiveDate
        self.source = source
        self.noDepositFixedThresholdRials = noDepositFixedThresholdRials
        self.noDepositMobileThresholdRials = noDepositMobileThresholdRials
        self.depositThresholdPercent = depositThresholdPercent
        self.guaranteeThresholdPercent = guaranteeThresholdPercent
        self.noticeTriggerPercent = noticeTriggerPercent
        self.noticeMinimumDeadlineHours = noticeMinimumDeadlineHours
        self.cutLevelPercent = cutLevelPercent
        self.invoiceMinimumIntervalMonths = invoiceMinimumIntervalMonths
        self.invoicePaymentDays = invoicePaymentDays
        self.oneWayMinimumDays = oneWayMinimumDays
        self.graceAfterWrittenWarningYears = graceAfterWrittenWarningYears
        self.vanityExtraHoldYears = vanityExtraHoldYears
        self.legalEntityMinimumActiveYears = legalEntityMinimumActiveYears
        self.legalEntityGraceYears = legalEntityGraceYears
        self.retentionMonthsAfterLastSubscription = retentionMonthsAfterLastSubscription
        self.maximumReconnectionFeeRials = maximumReconnectionFeeRials
        self.thresholdCutDirection = thresholdCutDirection
        self.noticeRequiredBeforeEveryDebtCut = noticeRequiredBeforeEveryDebtCut
        self.netDepositAndGuaranteeAtRevocation = netDepositAndGuaranteeAtRevocation
        self.graceRunsFromWrittenWarning = graceRunsFromWrittenWarning
        self.graceRunsFromWarningDelivery = graceRunsFromWarningDelivery
        self.writtenWarningByLetterOnly = writtenWarningByLetterOnly
        self.unheldPlanKeepsItsNoticeMinimum = unheldPlanKeepsItsNoticeMinimum
        self.legalEntityGraceAddsToOVD3Grace = legalEntityGraceAddsToOVD3Grace
        self.restorationWarningHours = restorationWarningHours
        self.complaintAnswerDays = complaintAnswerDays
        self.noDepositFixedThresholdRialsByRegion = noDepositFixedThresholdRialsByRegion
        self.noDepositMobileThresholdRialsByRegion = noDepositMobileThresholdRialsByRegion
        self.massSuspensionLines = massSuspensionLines
        self.massSuspensionWindowMinutes = massSuspensionWindowMinutes
        try validate()
    }

    // MARK: Built-in editions

    /// The older edition of the directive (`002_…`): every notice is due when unpaid usage
    /// reaches the threshold. The sources do not date it: it is taken to be in force from
    /// 2000-01-01T00:00:00Z, and before that too (POL-1: the oldest edition covers all
    /// earlier times).
    public static let older: PolicyEdition = builtIn(
        id: "older", effectiveDate: Timestamp(millisecondsSinceEpoch: 946_684_800_000),
        source: "the regulator's directive on debtor subscribers, older edition (seeds/002_992e64d9970ad7cd.txt)",
        noticeTriggerPercent: PerPlan(all: 100)
    )

    /// Edition 2021 (`004_…`, 2021-08-21 = 1400-05-30): a `noDeposit` line's notice is due
    /// at 80 % of the threshold. In force from 1400-05-30 00:00 Tehran time
    /// (+04:30, daylight saving time) = 2021-08-20T19:30:00Z.
    public static let edition2021: PolicyEdition = builtIn(
        id: "2021", effectiveDate: Timestamp(millisecondsSinceEpoch: 1_629_487_800_000),
        source: "article of 2021-08-21 (1400-05-30) on the directive for mobile lines (seeds/004_f8897d22dd290132.txt)",
        noticeTriggerPercent: PerPlan(noDeposit: 80, deposit: 100, guarantee: 100)
    )

    private static func builtIn(
        id: String, effectiveDate: Timestamp, source: String, noticeTriggerPercent: PerPlan<Int64>
    ) -> PolicyEdition {
        do {
            return try PolicyEdition(
                id: id, effectiveDate: effectiveDate, source: source, noticeTriggerPercent: noticeTriggerPercent)
        } catch {
            preconditionFailure("built-in policy edition \(id) is invalid: \(error)")
        }
    }

    /// `policy edition ID (from EFFECTIVE DATE)`, for a person.
    public var description: String { "policy edition \(id) (from \(effectiveDate))" }

    // MARK: Per-plan look-ups

    /// The unpaid usage, in percent of the threshold, at which a threshold notice is due (NTC-1).
    ///
    /// - Parameters:
    ///   - plan: the line's plan.
    /// - Returns: the percent, 1...100.
    public func noticeTriggerPercent(for plan: Plan) -> Int64 { noticeTriggerPercent[plan] }

    /// The least time a threshold notice gives, in exact hours (NTC-1).
    ///
    /// - Parameters:
    ///   - plan: the line's plan.
    /// - Returns: the hours, 0 or more.
    public func noticeMinimumDeadlineHours(for plan: Plan) -> Int { noticeMinimumDeadlineHours[plan] }

    // MARK: Deadlines

    /// The earliest deadline a threshold notice sent (or delivered, DLV-1) at `time` may
    /// write: `time` + the plan's minimum hours, exactly (NTC-1, TIME-1).
    ///
    /// - Parameters:
    ///   - plan: the line's plan.
    ///   - time: when the notice was sent, or delivered.
    /// - Returns: the earliest lawful deadline, saturated at `Timestamp.maximum`.
    public func noticeMinimumDeadline(plan: Plan, from time: Timestamp) -> Timestamp {
        time.adding(hours: Int64(noticeMinimumDeadlineHours[plan]))
    }

    /// The end of the time to pay an invoice issued at `issuedAt`: the end (23:59:59) of the
    /// ``invoicePaymentDays``-th calendar day after its day of issue, in Tehran (BIL-3,
    /// TIME-1): an invoice issued on 1402-11-10 at any hour may be paid until 1402-11-25
    /// 23:59:59 Tehran time.
    ///
    /// - Parameters:
    ///   - issuedAt: when the invoice was issued.
    ///   - calendar: the Tehran calendar the days are counted in.
    /// - Returns: the last second the invoice may be paid in.
    public func invoicePaymentDeadline(issuedAt: Timestamp, calendar: TehranCalendar) -> Timestamp {
        Self.endOfCalendarDay(invoicePaymentDays, after: issuedAt, calendar: calendar)
    }

    /// The end of the time to answer a complaint filed at `filedAt` (CMP-1): the end
    /// (23:59:59) of the ``complaintAnswerDays``-th calendar day after the day it was filed,
    /// in Tehran (TIME-1's reading of a period in days from a date): a complaint filed on
    /// 1402-11-10 at any hour may be answered until 1402-11-25 23:59:59 Tehran time; an
    /// answer after that, or none by then, is a warning.
    ///
    /// - Parameters:
    ///   - filedAt: when the complaint was filed.
    ///   - calendar: the Tehran calendar the days are counted in.
    /// - Returns: the last second the complaint may be answered in.
    public func complaintAnswerDeadline(filedAt: Timestamp, calendar: TehranCalendar) -> Timestamp {
        Self.endOfCalendarDay(complaintAnswerDays, after: filedAt, calendar: calendar)
    }

    /// 23:59:59 Tehran time of the `days`-th calendar day after the day of `time` (TIME-1).
    static func endOfCalendarDay(_ days: Int, after time: Timestamp, calendar: TehranCalendar) -> Timestamp {
        let nextDay = calendar.addingCalendarDays(days + 1, to: time)
        guard nextDay < .maximum else { return .maximum }
        return calendar.startOfDay(nextDay).adding(seconds: -1)
    }

    /// The earliest instant a line one-way since `oneWaySince` may become two-way (OVD-2).
    /// The days are exact durations (TIME-1).
    ///
    /// - Parameters:
    ///   - oneWaySince: when the line's one-way cut began.
    /// - Returns: `oneWaySince` + ``oneWayMinimumDays`` × 24 h.
    public func earliestTwoWayCut(oneWaySince: Timestamp) -> Timestamp {
        oneWaySince.adding(days: Int64(oneWayMinimumDays))
    }

    /// The earliest instant the next invoice of a line may be issued (BIL-1).
    ///
    /// - Parameters:
    ///   - previous: when the line's previous invoice was issued.
    ///   - calendar: the Tehran calendar the months are counted in.
    /// - Returns: `previous` + ``invoiceMinimumIntervalMonths`` Solar Hijri months.
    public func earliestNextInvoice(after previous: Timestamp, calendar: TehranCalendar) -> Timestamp {
        calendar.addingMonths(invoiceMinimumIntervalMonths, to: previous)
    }

    /// When personal data kept for a subscription that ended at `end` must be made
    /// unreadable (RET-1).
    ///
    /// - Parameters:
    ///   - end: when the subscriber's last subscription ended.
    ///   - calendar: the Tehran calendar the months are counted in.
    /// - Returns: `end` + ``retentionMonthsAfterLastSubscription`` Solar Hijri months.
    public func retentionEnd(lastSubscriptionEndedAt end: Timestamp, calendar: TehranCalendar) -> Timestamp {
        calendar.addingMonths(retentionMonthsAfterLastSubscription, to: end)
    }
}
