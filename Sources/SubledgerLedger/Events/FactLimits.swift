import SubledgerStore

/// The limits of an input fact (interchange.md), each named once. The JSON reader
/// (``LedgerFact/init(input:)``) and ``LedgerFact/checkContent()``, which every way of
/// recording runs, check them through the same `FactCheck` functions, so a fact built in
/// Swift is judged exactly as one read from JSON.
public enum FactLimits: Sendable {
    /// The largest amount one fact may carry: 10^15 rials (interchange.md: "an amount above
    /// 10^15 rials" is bad input). Far above any real bill, and low enough that an invoice's
    /// items (at most ``itemsMaximumCount``) always sum within 64 bits.
    public static let amountMaximumRials: Rials = 1_000_000_000_000_000

    /// How far after the store's present (``Ledger``'s clock) a fact's `occurredAt` may be:
    /// 5 minutes, for clocks that differ a little between the operator's systems and the
    /// store's. A fact dated later has not occurred yet, so it is bad input.
    public static let occurredAtAheadOfPresentMaximumMilliseconds: Int64 = 5 * 60 * 1000

    /// Ids: a subscriber's, a payment's, a notice's, an invoice's (never empty).
    public static let identifierMaximumBytes = 200
    /// Free text: a name, a description, a reason, a metadata value.
    public static let textMaximumBytes = 1000
    /// Short codes: a national id, a payment method, a time, an event id.
    public static let codeMaximumBytes = 64
    /// An invoice's items, and any other array of a fact.
    public static let itemsMaximumCount = 1000
    /// The documents of an identity verification.
    public static let documentsMaximumCount = 100
    /// An import or apply that records more events than this ends with a signed checkpoint
    /// (issue 10, item 3), so that a large history is covered by one without a second step.
    public static let eventsRecordedWithoutCheckpointMaximum = 10_000
    /// The events `migrate` reads from the old store and appends at a time, within its one
    /// append session: what it holds in memory at once, whatever the old log's length.
    public static let migratedEventsPerAppend = 4096
}

/// The checks of one value of a fact that need nothing but the value, each naming the field.
enum FactCheck {
    static func text(_ text: String, field: String, maximumBytes: Int = FactLimits.textMaximumBytes) throws(FactError) {
        guard text.utf8.count <= maximumBytes else {
            throw FactError(field: field, reason: "longer than \(maximumBytes) bytes")
        }
    }

    /// Free text that must say something (a legal order's `orderedBy`, SUS-1).
    static func nonEmptyText(_ text: String, field: String) throws(FactError) {
        try Self.text(text, field: field)
        guard !text.isEmpty else { throw FactError(field: field, reason: "must not be empty") }
    }

    /// An id: not empty, within ``FactLimits/identifierMaximumBytes``, and no control
    /// character (Unicode's Cc: U+0000-U+001F, U+007F-U+009F), which would break the lines
    /// and tables an id is printed in.
    static func identifier(_ text: String, field: String) throws(FactError) {
        try Self.text(text, field: field, maximumBytes: FactLimits.identifierMaximumBytes)
        guard !text.isEmpty else { throw FactError(field: field, reason: "must not be empty") }
        if let control = firstControlCharacter(in: text) {
            let code = String(control, radix: 16, uppercase: true)
            throw FactError(
                field: field,
                reason: "holds the control character U+\(String(repeating: "0", count: 4 - code.count))\(code)")
        }
    }

    /// The first control character (Cc) of `text`, found in its UTF-8 bytes: U+0000-U+001F
    /// and U+007F are one byte each, U+0080-U+009F are 0xC2 then 0x80-0x9F. (Unicode's
    /// general-category lookup per scalar cost 5 % of a service's batch append: every fact's
    /// line number is an id.)
    private static func firstControlCharacter(in text: String) -> UInt32? {
        var afterC2 = false
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return UInt32(byte) }
            if afterC2, (0x80...0x9F).contains(byte) { return UInt32(byte) }
            afterC2 = byte == 0xC2
        }
        return nil
    }

    /// A line's number: an id in E.164 (`+`, then 7 to 15 digits, the first not 0).
    static func lineNumber(_ number: String, field: String) throws(FactError) {
        _ = try LineNumber(number, field: field)
    }

    /// A whole number of rials within ``FactLimits/amountMaximumRials``; `positive` refuses
    /// zero where zero means nothing happened.
    static func amount(_ amount: Rials, field: String, positive: Bool) throws(FactError) {
        guard amount >= 0 else { throw FactError(field: field, reason: "must not be negative (\(amount))") }
        guard !positive || amount > 0 else {
            throw FactError(field: field, reason: "must be more than 0: a zero amount is not a fact")
        }
        guard amount <= FactLimits.amountMaximumRials else {
            throw FactError(
                field: field,
                reason: "\(amount) rials is above the limit of 10^15 rials (\(FactLimits.amountMaximumRials))")
        }
    }

    static func metadataValue(_ text: String, key: String) throws(FactError) {
        guard text.utf8.count <= FactLimits.textMaximumBytes else {
            throw FactError(
                field: "metadata.\(key)", reason: "must be a string of at most \(FactLimits.textMaximumBytes) bytes")
        }
    }

    static func count(_ count: Int, field: String, maximum: Int) throws(FactError) {
        guard count <= maximum else { throw FactError(field: field, reason: "more than \(maximum) elements") }
    }

    /// The refusal of an event on the wrong kind of stream.
    static func wrongStream(_ type: EventType) -> FactError {
        if type.isPolicyEvent {
            return FactError(
                field: "line",
                reason: "\(type.rawValue) belongs to the policy stream (\"policy\": \"\(LedgerStream.policyName)\")")
        }
        return type.isSubscriberEvent
            ? FactError(field: "line", reason: "\(type.rawValue) belongs to a subscriber stream, not a line")
            : FactError(field: "subscriber", reason: "\(type.rawValue) belongs to a line stream")
    }

    /// A suspension's `debtLine`: required for a suspension for debt (SUS-1), an E.164 number.
    static func debtLine(_ debtLine: String?, reason: LineSuspended.Reason) throws(FactError) {
        if reason.isForDebt, debtLine == nil {
            throw FactError(
                field: "data.debtLine",
                reason: "missing: a suspension for debt names the line whose debt it cites (SUS-1)")
        }
        if let debtLine { try lineNumber(debtLine, field: "data.debtLine") }
    }

    /// Refuses an `occurredAt` more than ``FactLimits/occurredAtAheadOfPresentMaximumMilliseconds``
    /// after `present`, the store's present: such a fact has not occurred yet.
    static func occurredAt(_ time: Timestamp, notAfter present: Timestamp) throws(FactError) {
        let latest = Timestamp(
            millisecondsSinceEpoch: present.millisecondsSinceEpoch
                + FactLimits.occurredAtAheadOfPresentMaximumMilliseconds)
        guard time <= latest else {
            throw FactError(
                field: "occurredAt",
                reason: "\(time) is more than 5 minutes after the store's present "
                    + "(\(present)): a fact cannot have occurred in the future")
        }
    }

    /// A position of the log: 1 or more (CMP-1's `position`).
    static func position(_ position: UInt64, field: String) throws(FactError) {
        guard position >= 1 else {
            throw FactError(field: field, reason: "must be a position of the log (1 or more), not 0")
        }
    }

    static func period(start: Timestamp, end: Timestamp) throws(FactError) {
        guard end >= start else { throw FactError(field: "data.periodEnd", reason: "is before periodStart") }
    }
}
