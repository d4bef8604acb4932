import Foundation
public import SubledgerStore

/// The JSON form of an edition: one object, every parameter by its Swift name, all
/// required except `source` and `maximumReconnectionFeeRials` (absent or `null` = none).
/// (An edition *file* adopted as a fact, ``init(file:base:checkingBase:)``, needs only `id`
/// and `effectiveDate`: it keeps its `basedOn`'s parameters where it sets none, POL-3.)
/// `noDepositFixedThresholdRials` and `noDepositMobileThresholdRials` are a number or an
/// object from a line's region to a number, with `"default"` (POL-3).
/// Per-plan parameters are objects with the keys `noDeposit`, `deposit`, `guarantee`;
/// `effectiveDate` is an RFC 3339 string; `thresholdCutDirection` is `oneWay` or `twoWay`.
/// An unknown key is refused, so a misspelt parameter cannot silently fall back to a default.
extension PolicyEdition {
    /// The keys of the JSON form, in the order ``jsonText`` writes them.
    static let jsonKeys: [String] = [
        "id", "effectiveDate", "source",
        "noDepositFixedThresholdRials", "noDepositMobileThresholdRials",
        "depositThresholdPercent", "guaranteeThresholdPercent",
        "noticeTriggerPercent", "noticeMinimumDeadlineHours", "cutLevelPercent",
        "invoiceMinimumIntervalMonths", "invoicePaymentDays", "oneWayMinimumDays",
        "graceAfterWrittenWarningYears", "vanityExtraHoldYears",
        "legalEntityMinimumActiveYears", "legalEntityGraceYears",
        "retentionMonthsAfterLastSubscription", "maximumReconnectionFeeRials",
        "thresholdCutDirection", "noticeRequiredBeforeEveryDebtCut",
        "netDepositAndGuaranteeAtRevocation", "graceRunsFromWrittenWarning",
        "graceRunsFromWarningDelivery", "writtenWarningByLetterOnly", "unheldPlanKeepsItsNoticeMinimum",
        "legalEntityGraceAddsToOVD3Grace", "restorationWarningHours", "complaintAnswerDays",
        "massSuspensionLines", "massSuspensionWindowMinutes",
    ]
    static let optionalJSONKeys: Set<String> = ["source", "maximumReconnectionFeeRials"]

    /// Reads an edition from a JSON file.
    ///
    /// - Parameters:
    ///   - path: the file's path.
    /// - Returns: the edition.
    /// - Throws: ``PolicyEditionError`` naming the file: ``PolicyEditionError/Reason/unreadableFile(_:)``, or
    ///   what ``init(jsonData:)`` throws.
    public static func load(from path: String) throws(PolicyEditionError) -> PolicyEdition {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PolicyEditionError(field: "", reason: .unreadableFile(String(describing: error)), file: path)
        }
        do {
            return try PolicyEdition(jsonData: data)
        } catch {
            var located = error
            located.file = path
            throw located
        }
    }

    /// Reads an edition from the bytes of a JSON document (UTF-8).
    ///
    /// - Parameters:
    ///   - jsonData: the document's bytes.
    /// - Throws: ``PolicyEditionError``: ``PolicyEditionError/Reason/invalidJSON(_:)`` at the path the
    ///   parser reached, or what ``init(json:)`` throws.
    public init(jsonData: some Collection<UInt8>) throws(PolicyEditionError) {
        let bytes = Array(jsonData)
        let parsed = bytes.withUnsafeBytes { buffer -> Result<JSONValue, JSONParseError> in
            do throws(JSONParseError) { return .success(try JSONParser.parse(bytes: buffer)) } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .success(let value): try self.init(json: value)
        case .failure(let error): throw PolicyEditionError(field: error.path, reason: .invalidJSON(error.description))
        }
    }

    /// Reads an edition from the text of a JSON document.
    ///
    /// - Parameters:
    ///   - jsonText: the document.
    /// - Throws: ``PolicyEditionError``, as ``init(jsonData:)``.
    public init(jsonText: String) throws(PolicyEditionError) {
        try self.init(jsonData: Array(jsonText.utf8))
    }

    /// Reads an edition from a parsed JSON value.
    ///
    /// - Parameters:
    ///   - json: an object with every required key (see the extension).
    /// - Throws: ``PolicyEditionError`` naming the field: not an object, an unknown or a missing key, a
    ///   value of another type, an effective date that is not RFC 3339, a direction other than `oneWay` or
    ///   `twoWay`, or a value out of range.
    public init(json: JSONValue) throws(PolicyEditionError) {
        guard case .object(let object) = json else {
            throw PolicyEditionError(field: "", reason: .wrongType(expected: "object", found: json.typeName))
        }
        let reader = EditionFieldReader(object: object, prefix: "")
        try reader.refuseUnknownKeys(allowed: Set(Self.jsonKeys))
        let effectiveDate = try Self.effectiveDate(try reader.string("effectiveDate"))
        let fixedThreshold = try reader.regional("noDepositFixedThresholdRials")
        let mobileThreshold = try reader.regional("noDepositMobileThresholdRials")
        let directionText = try reader.string("thresholdCutDirection")
        guard let direction = CutDirection(rawValue: directionText) else {
            throw PolicyEditionError(
                field: "thresholdCutDirection",
                reason: .unknownChoice(directionText, allowed: CutDirection.allCases.map(\.rawValue))
            )
        }
        try self.init(
            id: try reader.string("id"),
            effectiveDate: effectiveDate,
            source: try reader.optionalString("source") ?? "",
            noDepositFixedThresholdRials: fixedThreshold.default,
            noDepositMobileThresholdRials: mobileThreshold.default,
            depositThresholdPercent: try reader.integer("depositThresholdPercent"),
            guaranteeThresholdPercent: try reader.integer("guaranteeThresholdPercent"),
            noticeTriggerPercent: try reader.perPlan("noticeTriggerPercent") { $0 },
            noticeMinimumDeadlineHours: try reader.perPlan("noticeMinimumDeadlineHours") {
                Int(truncatingIfNeeded: $0)
            },
            cutLevelPercent: try reader.integer("cutLevelPercent"),
            invoiceMinimumIntervalMonths: try reader.count("invoiceMinimumIntervalMonths"),
            invoicePaymentDays: try reader.count("invoicePaymentDays"),
            oneWayMinimumDays: try reader.count("oneWayMinimumDays"),
            graceAfterWrittenWarningYears: try reader.count("graceAfterWrittenWarningYears"),
            vanityExtraHoldYears: try reader.count("vanityExtraHoldYears"),
            legalEntityMinimumActiveYears: try reader.count("legalEntityMinimumActiveYears"),
            legalEntityGraceYears: try reader.count("legalEntityGraceYears"),
            retentionMonthsAfterLastSubscription: try reader.count("retentionMonthsAfterLastSubscription"),
            maximumReconnectionFeeRials: try reader.optionalInteger("maximumReconnectionFeeRials"),
            thresholdCutDirection: direction,
            noticeRequiredBeforeEveryDebtCut: try reader.bool("noticeRequiredBeforeEveryDebtCut"),
            netDepositAndGuaranteeAtRevocation: try reader.bool("netDepositAndGuaranteeAtRevocation"),
            graceRunsFromWrittenWarning: try reader.bool("graceRunsFromWrittenWarning"),
            graceRunsFromWarningDelivery: try reader.bool("graceRunsFromWarningDelivery"),
            writtenWarningByLetterOnly: try reader.bool("writtenWarningByLetterOnly"),
            unheldPlanKeepsItsNoticeMinimum: try reader.bool("unheldPlanKeepsItsNoticeMinimum"),
            legalEntityGraceAddsToOVD3Grace: try reader.bool("legalEntityGraceAddsToOVD3Grace"),
            restorationWarningHours: try reader.count("restorationWarningHours"),
            complaintAnswerDays: try reader.count("complaintAnswerDays"),
            noDepositFixedThresholdRialsByRegion: fixedThreshold.byRegion,
            noDepositMobileThresholdRialsByRegion: mobileThreshold.byRegion,
            massSuspensionLines: try reader.count("massSuspensionLines"),
            massSuspensionWindowMinutes: try reader.count("massSuspensionWindowMinutes")
        )
    }

    /// An edition's `effectiveDate`: an RFC 3339 time, or a date `YYYY-MM-DD`, which means
    /// 00:00 Tehran time on it (POL-1: `2021-08-21` is 2021-08-20T19:30:00Z).
    static func effectiveDate(_ text: String) throws(PolicyEditionError) -> Timestamp {
        let bytes = Array(text.utf8)
        let isDate =
            bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy {
                $0.offset == 4 || $0.offset == 7 || ($0.element >= 0x30 && $0.element <= 0x39)
            }
        do {
            guard isDate else { return try Timestamp(rfc3339: text) }
            // Noon UTC falls on the same date in Tehran (+03:30 or +04:30): its start of day.
            return TehranCalendar.standard.startOfDay(try Timestamp(rfc3339: text + "T12:00:00Z"))
        } catch {
            throw PolicyEditionError(
                field: "effectiveDate",
                reason: .notRFC3339(
                    "\(error.description) (write an RFC 3339 time or a date YYYY-MM-DD, 00:00 Tehran time)"))
        }
    }

    /// The keys an edition file may have (POL-3): every parameter, and `basedOn`.
    static var fileKeys: Set<String> { Set(jsonKeys).union(["basedOn"]) }

    /// Reads an edition file (POL-3, interchange.md): `id`, `effectiveDate`, optional
    /// `basedOn` and any parameters by name; every parameter it does not set is `base`'s
    /// (the edition its `basedOn` names, which the caller resolved; with `checkingBase`,
    /// `basedOn` must name `base`). `source` is the file's own (empty when it sets none). An
    /// unknown key is refused, naming it.
    ///
    /// - Parameters:
    ///   - file: the edition file's object.
    ///   - base: the edition whose parameters it keeps where it sets none.
    ///   - checkingBase: whether `basedOn` (edition `2021` when absent) must be `base`'s id.
    /// - Throws: ``PolicyEditionError`` naming the field: an unknown key, a missing `id` or
    ///   `effectiveDate`, a `basedOn` other than `base` (``PolicyEditionError/Reason/unknownChoice(_:allowed:)``),
    ///   or what ``init(json:)`` throws for the merged parameters.
    public init(file: JSONObject, base: PolicyEdition, checkingBase: Bool = true) throws(PolicyEditionError) {
        let reader = EditionFieldReader(object: file, prefix: "")
        try reader.refuseUnknownKeys(allowed: Self.fileKeys)
        _ = try reader.string("id")
        _ = try reader.string("effectiveDate")
        let basedOn = try reader.optionalString("basedOn") ?? PolicyEdition.edition2021.id
        if checkingBase, basedOn != base.id {
            throw PolicyEditionError(field: "basedOn", reason: .unknownChoice(basedOn, allowed: [base.id]))
        }
        guard case .object(var merged) = base.json else { preconditionFailure("an edition's JSON form is an object") }
        merged["source"] = nil
        for member in file where member.key != "basedOn" { merged[member.key] = member.value }
        try self.init(json: .object(merged))
    }

    /// The edition as a JSON value (what ``init(json:)`` reads back).
    public var json: JSONValue {
        func perPlan<Value: Hashable & Sendable>(_ values: PerPlan<Value>, _ encode: (Value) -> JSONValue) -> JSONValue
        {
            .object(JSONObject(Plan.allCases.map { ($0.rawValue, encode(values[$0])) }))
        }
        let members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("effectiveDate", .string(effectiveDate.rfc3339)),
            ("source", .string(source)),
            (
                "noDepositFixedThresholdRials",
                Self.regionalJSON(noDepositFixedThresholdRials, noDepositFixedThresholdRialsByRegion)
            ),
            (
                "noDepositMobileThresholdRials",
                Self.regionalJSON(noDepositMobileThresholdRials, noDepositMobileThresholdRialsByRegion)
            ),
            ("depositThresholdPercent", .integer(depositThresholdPercent)),
            ("guaranteeThresholdPercent", .integer(guaranteeThresholdPercent)),
            ("noticeTriggerPercent", perPlan(noticeTriggerPercent) { .integer($0) }),
            ("noticeMinimumDeadlineHours", perPlan(noticeMinimumDeadlineHours) { .integer(Int64($0)) }),
            ("cutLevelPercent", .integer(cutLevelPercent)),
            ("invoiceMinimumIntervalMonths", .integer(Int64(invoiceMinimumIntervalMonths))),
            ("invoicePaymentDays", .integer(Int64(invoicePaymentDays))),
            ("oneWayMinimumDays", .integer(Int64(oneWayMinimumDays))),
            ("graceAfterWrittenWarningYears", .integer(Int64(graceAfterWrittenWarningYears))),
            ("vanityExtraHoldYears", .integer(Int64(vanityExtraHoldYears))),
            ("legalEntityMinimumActiveYears", .integer(Int64(legalEntityMinimumActiveYears))),
            ("legalEntityGraceYears", .integer(Int64(legalEntityGraceYears))),
            ("retentionMonthsAfterLastSubscription", .integer(Int64(retentionMonthsAfterLastSubscription))),
            ("maximumReconnectionFeeRials", maximumReconnectionFeeRials.map { .integer($0) } ?? .null),
            ("thresholdCutDirection", .string(thresholdCutDirection.rawValue)),
            ("noticeRequiredBeforeEveryDebtCut", .bool(noticeRequiredBeforeEveryDebtCut)),
            ("netDepositAndGuaranteeAtRevocation", .bool(netDepositAndGuaranteeAtRevocation)),
            ("graceRunsFromWrittenWarning", .bool(graceRunsFromWrittenWarning)),
            ("graceRunsFromWarningDelivery", .bool(graceRunsFromWarningDelivery)),
            ("writtenWarningByLetterOnly", .bool(writtenWarningByLetterOnly)),
            ("unheldPlanKeepsItsNoticeMinimum", .bool(unheldPlanKeepsItsNoticeMinimum)),
            ("legalEntityGraceAddsToOVD3Grace", .bool(legalEntityGraceAddsToOVD3Grace)),
            ("restorationWarningHours", .integer(Int64(restorationWarningHours))),
            ("complaintAnswerDays", .integer(Int64(complaintAnswerDays))),
            ("massSuspensionLines", .integer(Int64(massSuspensionLines))),
            ("massSuspensionWindowMinutes", .integer(Int64(massSuspensionWindowMinutes))),
        ]
        return .object(JSONObject(members))
    }

    /// A threshold as the JSON form writes it: a number, or `{"default": …, region: …}` (keys
    /// sorted, as every JSON object here) when the edition sets regions apart (POL-3).
    private static func regionalJSON(_ amount: Rials, _ byRegion: [String: Rials]) -> JSONValue {
        guard !byRegion.isEmpty else { return .integer(amount) }
        return .object(
            JSONObject([(defaultRegionKey, .integer(amount))] + byRegion.map { ($0.key, .integer($0.value)) }))
    }

    /// The edition as a JSON file people edit: one parameter a line, in the order of
    /// `docs/rules-as-data.md`, per-plan values on one line.
    public var jsonText: String {
        guard case .object(let object) = json else { return "{}" }
        var lines: [String] = []
        for key in Self.jsonKeys {
            guard let value = object[key] else { continue }
            var bytes: [UInt8] = Array("  ".utf8)
            CanonicalJSON.writeString(key, into: &bytes)
            bytes += Array(": ".utf8)
            if case .object(let inner) = value, inner[Plan.noDeposit.rawValue] != nil {
                // Plans in the order of PLAN-1, not sorted.
                bytes.append(UInt8(ascii: "{"))
                for (index, plan) in Plan.allCases.enumerated() {
                    if index > 0 { bytes += Array(", ".utf8) }
                    CanonicalJSON.writeString(plan.rawValue, into: &bytes)
                    bytes += Array(": ".utf8)
                    CanonicalJSON.write(inner[plan.rawValue] ?? .null, into: &bytes)
                }
                bytes.append(UInt8(ascii: "}"))
            } else {
                CanonicalJSON.write(value, into: &bytes)
            }
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }
}

/// Reads the members of one JSON object, naming the field in every refusal.
private struct EditionFieldReader {
    let object: JSONObject
    let prefix: String

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    func refuseUnknownKeys(allowed: Set<String>) throws(PolicyEditionError) {
        for member in object where !allowed.contains(member.key) {
            throw PolicyEditionError(field: path(member.key), reason: .unknownField)
        }
    }

    private func value(_ key: String) throws(PolicyEditionError) -> JSONValue {
        guard let value = object[key] else { throw PolicyEditionError(field: path(key), reason: .missingField) }
        return value
    }

    private func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> PolicyEditionError {
        PolicyEditionError(field: path(key), reason: .wrongType(expected: expected, found: found.typeName))
    }

    func string(_ key: String) throws(PolicyEditionError) -> String {
        let found = try value(key)
        guard case .string(let text) = found else { throw wrongType(key, "string", found) }
        return text
    }

    func optionalString(_ key: String) throws(PolicyEditionError) -> String? {
        guard let found = object[key], found != .null else { return nil }
        guard case .string(let text) = found else { throw wrongType(key, "string", found) }
        return text
    }

    func integer(_ key: String) throws(PolicyEditionError) -> Int64 {
        let found = try value(key)
        guard case .integer(let number) = found else { throw wrongType(key, "integer", found) }
        return number
    }

    func optionalInteger(_ key: String) throws(PolicyEditionError) -> Int64? {
        guard let found = object[key], found != .null else { return nil }
        guard case .integer(let number) = found else { throw wrongType(key, "integer or null", found) }
        return number
    }

    /// An integer as an `Int` count, refusing a negative one here (before it is narrowed).
    func count(_ key: String) throws(PolicyEditionError) -> Int {
        let number = try integer(key)
        guard number >= 0 else { throw PolicyEditionError(field: path(key), reason: .negative(number)) }
        return Int(truncatingIfNeeded: number)
    }

    /// A threshold in rials (POL-3): a number, or an object from a line's region to a
    /// number with `"default"` for lines of any other region or of none.
    func regional(_ key: String) throws(PolicyEditionError) -> (default: Rials, byRegion: [String: Rials]) {
        let found = try value(key)
        switch found {
        case .integer(let amount): return (amount, [:])
        case .object(let inner):
            let reader = EditionFieldReader(object: inner, prefix: path(key))
            let amount = try reader.integer(PolicyEdition.defaultRegionKey)
            var byRegion: [String: Rials] = [:]
            for member in inner where member.key != PolicyEdition.defaultRegionKey {
                byRegion[member.key] = try reader.integer(member.key)
            }
            return (amount, byRegion)
        default:
            throw wrongType(key, "integer, or object from region to integer with \"default\"", found)
        }
    }

    func bool(_ key: String) throws(PolicyEditionError) -> Bool {
        let found = try value(key)
        guard case .bool(let flag) = found else { throw wrongType(key, "boolean", found) }
        return flag
    }

    func perPlan<Value: Hashable & Sendable>(_ key: String, _ convert: (Int64) -> Value) throws(PolicyEditionError)
        -> PerPlan<Value>
    {
        let found = try value(key)
        guard case .object(let inner) = found else {
            throw wrongType(key, "object with noDeposit, deposit, guarantee", found)
        }
        let reader = EditionFieldReader(object: inner, prefix: path(key))
        try reader.refuseUnknownKeys(allowed: Set(Plan.allCases.map(\.rawValue)))
        return PerPlan(
            noDeposit: convert(try reader.integer(Plan.noDeposit.rawValue)),
            deposit: convert(try reader.integer(Plan.deposit.rawValue)),
            guarantee: convert(try reader.integer(Plan.guarantee.rawValue))
        )
    }
}
