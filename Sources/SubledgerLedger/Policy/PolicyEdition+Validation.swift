import SubledgerStore

extension PolicyEdition {
    /// Bounds of the duration parameters: far beyond any directive, near enough that the
    /// calendar arithmetic stays inside the range the format can write.
    static let maximumHours: Int64 = 1_000_000
    static let maximumDays: Int64 = 100_000
    static let maximumMonths: Int64 = 12_000
    static let maximumYears: Int64 = 1_000
    /// A count of lines (SUS-2's mass suspension).
    static let maximumLines: Int64 = 1_000_000_000
    /// The longest id.
    static let maximumIdentifierLength = 64
    /// The key of a by-region threshold for lines of any other region, or of none (POL-3).
    public static let defaultRegionKey = "default"

    /// Throws the first out-of-range parameter, named as in the JSON form.
    func validate() throws(PolicyEditionError) {
        try Self.validateIdentifier(id)
        guard effectiveDate >= .minimum, effectiveDate <= .maximum else {
            throw PolicyEditionError(field: "effectiveDate", reason: .notRFC3339("out of the range 0001...9999"))
        }
        try Self.checkAmount(noDepositFixedThresholdRials, "noDepositFixedThresholdRials")
        try Self.checkAmount(noDepositMobileThresholdRials, "noDepositMobileThresholdRials")
        for (name, byRegion) in [
            ("noDepositFixedThresholdRials", noDepositFixedThresholdRialsByRegion),
            ("noDepositMobileThresholdRials", noDepositMobileThresholdRialsByRegion),
        ] {
            for (region, amount) in byRegion.sorted(by: { $0.key < $1.key }) {
                try Self.validateIdentifier(region, field: "\(name).\(region)")
                guard region != Self.defaultRegionKey else {
                    throw PolicyEditionError(field: "\(name).\(region)", reason: .invalidIdentifier(region))
                }
                try Self.checkAmount(amount, "\(name).\(region)")
            }
        }
        try Self.checkPercent(depositThresholdPercent, "depositThresholdPercent")
        try Self.checkPercent(guaranteeThresholdPercent, "guaranteeThresholdPercent")
        for plan in Plan.allCases {
            try Self.checkPercent(noticeTriggerPercent[plan], "noticeTriggerPercent.\(plan.rawValue)")
        }
        for plan in Plan.allCases {
            try Self.checkCount(
                noticeMinimumDeadlineHours[plan], "noticeMinimumDeadlineHours.\(plan.rawValue)",
                maximum: Self.maximumHours)
        }
        try Self.checkPercent(cutLevelPercent, "cutLevelPercent")
        try Self.checkCount(invoiceMinimumIntervalMonths, "invoiceMinimumIntervalMonths", maximum: Self.maximumMonths)
        try Self.checkCount(invoicePaymentDays, "invoicePaymentDays", maximum: Self.maximumDays)
        try Self.checkCount(oneWayMinimumDays, "oneWayMinimumDays", maximum: Self.maximumDays)
        try Self.checkCount(graceAfterWrittenWarningYears, "graceAfterWrittenWarningYears", maximum: Self.maximumYears)
        try Self.checkCount(vanityExtraHoldYears, "vanityExtraHoldYears", maximum: Self.maximumYears)
        try Self.checkCount(legalEntityMinimumActiveYears, "legalEntityMinimumActiveYears", maximum: Self.maximumYears)
        try Self.checkCount(legalEntityGraceYears, "legalEntityGraceYears", maximum: Self.maximumYears)
        try Self.checkCount(
            retentionMonthsAfterLastSubscription, "retentionMonthsAfterLastSubscription", maximum: Self.maximumMonths)
        try Self.checkCount(restorationWarningHours, "restorationWarningHours", maximum: Self.maximumHours)
        try Self.checkCount(complaintAnswerDays, "complaintAnswerDays", maximum: Self.maximumDays)
        try Self.checkCount(massSuspensionLines, "massSuspensionLines", maximum: Self.maximumLines)
        try Self.checkCount(massSuspensionWindowMinutes, "massSuspensionWindowMinutes", maximum: Self.maximumHours * 60)
        if let fee = maximumReconnectionFeeRials {
            try Self.checkAmount(fee, "maximumReconnectionFeeRials")
        }
    }

    static func validateIdentifier(_ id: String, field: String = "id") throws(PolicyEditionError) {
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard !id.isEmpty, id.utf8.count <= maximumIdentifierLength, allowed else {
            throw PolicyEditionError(field: field, reason: .invalidIdentifier(String(id.prefix(80))))
        }
    }

    private static func checkAmount(_ value: Rials, _ field: String) throws(PolicyEditionError) {
        guard value >= 0 else { throw PolicyEditionError(field: field, reason: .negative(value)) }
    }

    private static func checkPercent(_ value: Int64, _ field: String) throws(PolicyEditionError) {
        guard (1...100).contains(value) else {
            throw PolicyEditionError(field: field, reason: .percentOutOfRange(value))
        }
    }

    private static func checkCount(_ value: Int, _ field: String, maximum: Int64) throws(PolicyEditionError) {
        let value = Int64(value)
        guard value >= 0 else { throw PolicyEditionError(field: field, reason: .negative(value)) }
        guard value <= maximum else {
            throw PolicyEditionError(field: field, reason: .tooLarge(value, maximum: maximum))
        }
    }
}
