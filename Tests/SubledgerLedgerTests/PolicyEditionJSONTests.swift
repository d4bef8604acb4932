import Foundation
import Testing
import SubledgerLedger
import SubledgerStore

/// POL-1: editions as JSON, their round trip, their files and every refusal of a malformed one.
extension PolicyEditionTests {
    // MARK: JSON

    @Test("POL-1: the built-in editions survive a round trip through their JSON form")
    func jsonRoundTrip() throws {
        for edition in [older, edition2021] {
            #expect(try PolicyEdition(jsonText: edition.jsonText) == edition)
            #expect(try PolicyEdition(json: edition.json) == edition)
            #expect(try PolicyEdition(jsonData: Data(edition.jsonText.utf8)) == edition)
        }
        let custom = try PolicyEdition(
            id: "region-7.v2", effectiveDate: at("2026-01-01T08:15:00.123Z"),
            source: "a \"quoted\" source\nwith a newline",
            noDepositFixedThresholdRials: 0,
            noticeMinimumDeadlineHours: PerPlan(noDeposit: 48, deposit: 96, guarantee: 0),
            maximumReconnectionFeeRials: 150_000, thresholdCutDirection: .twoWay,
            noticeRequiredBeforeEveryDebtCut: false
        )
        #expect(try PolicyEdition(jsonText: custom.jsonText) == custom)
        #expect(
            edition2021.jsonText.contains(
                #"  "noticeTriggerPercent": {"noDeposit": 80, "deposit": 100, "guarantee": 100},"#))
        #expect(edition2021.jsonText.contains(#"  "effectiveDate": "2021-08-20T19:30:00.000Z","#))
    }

    @Test("POL-1: an edition loads from a file, and a folder of files adds to the built-in editions")
    func loadsFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "policy-editions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let edition2030 = try PolicyEdition(
            id: "2030", effectiveDate: at("2030-03-20T20:30:00Z"), noDepositFixedThresholdRials: 400_000)
        let file = folder.appendingPathComponent("2030.json")
        try Data(edition2030.jsonText.utf8).write(to: file)
        try Data("not a policy".utf8).write(to: folder.appendingPathComponent("README.txt"))
        #expect(try PolicyEdition.load(from: file.path) == edition2030)
        let editions = try PolicyEditions.load(directory: folder.path)
        #expect(editions.editions.map(\.id) == ["older", "2021", "2030"])
        #expect(try PolicyEditions.load(directory: folder.path, includingBuiltIn: false).editions == [edition2030])

        let bad = folder.appendingPathComponent("bad.json")
        try Data(#"{"id": "x"}"#.utf8).write(to: bad)
        let error = try #require(throws: PolicyEditionError.self) { try PolicyEdition.load(from: bad.path) }
        #expect(error.file == bad.path)
        #expect(error.description.contains(bad.path))
        #expect(throws: PolicyEditionError.self) { try PolicyEditions.load(directory: folder.path) }
        let missing = try #require(throws: PolicyEditionError.self) {
            try PolicyEdition.load(from: folder.appendingPathComponent("none.json").path)
        }
        if case .unreadableFile = missing.reason {
        } else {
            Issue.record("expected unreadableFile, got \(missing.reason)")
        }
    }

    /// The 2021 edition's JSON object with `change` applied to its members.
    private func editedJSON(_ change: (inout JSONObject) -> Void) -> String {
        var object = edition2021.json.objectValue!
        change(&object)
        return String(decoding: CanonicalJSON.encode(.object(object)), as: UTF8.self)
    }

    private func refusal(_ change: (inout JSONObject) -> Void) throws -> PolicyEditionError {
        let text = editedJSON(change)
        return try #require(throws: PolicyEditionError.self) { try PolicyEdition(jsonText: text) }
    }

    @Test(
        "POL-1: a missing field is named",
        arguments: [
            "id", "effectiveDate", "noDepositFixedThresholdRials", "noDepositMobileThresholdRials",
            "depositThresholdPercent", "guaranteeThresholdPercent", "noticeTriggerPercent",
            "noticeMinimumDeadlineHours", "cutLevelPercent", "invoiceMinimumIntervalMonths",
            "invoicePaymentDays", "oneWayMinimumDays", "graceAfterWrittenWarningYears",
            "vanityExtraHoldYears", "legalEntityMinimumActiveYears", "legalEntityGraceYears",
            "retentionMonthsAfterLastSubscription", "thresholdCutDirection",
            "noticeRequiredBeforeEveryDebtCut", "netDepositAndGuaranteeAtRevocation", "graceRunsFromWrittenWarning",
            "graceRunsFromWarningDelivery", "writtenWarningByLetterOnly", "unheldPlanKeepsItsNoticeMinimum",
            "legalEntityGraceAddsToOVD3Grace", "restorationWarningHours", "complaintAnswerDays",
            "massSuspensionLines", "massSuspensionWindowMinutes",
        ])
    func missingField(_ field: String) throws {
        let error = try refusal { $0[field] = nil }
        #expect(error == PolicyEditionError(field: field, reason: .missingField))
        #expect(error.description == "policy edition: field \(field): missing field")
    }

    @Test("POL-1: optional fields may be absent or null")
    func optionalFields() throws {
        let text = editedJSON {
            $0["source"] = nil
            $0["maximumReconnectionFeeRials"] = .null
        }
        let edition = try PolicyEdition(jsonText: text)
        #expect(edition.source == "")
        #expect(edition.maximumReconnectionFeeRials == nil)
    }

    @Test("POL-1: a missing plan of a per-plan parameter is named")
    func missingPlan() throws {
        let error = try refusal {
            $0["noticeMinimumDeadlineHours"] = .object(["noDeposit": .integer(24), "guarantee": .integer(72)])
        }
        #expect(error == PolicyEditionError(field: "noticeMinimumDeadlineHours.deposit", reason: .missingField))
    }

    @Test(
        "POL-1: a negative number is refused and named",
        arguments: [
            "noDepositFixedThresholdRials", "noDepositMobileThresholdRials", "invoiceMinimumIntervalMonths",
            "invoicePaymentDays", "oneWayMinimumDays", "graceAfterWrittenWarningYears", "vanityExtraHoldYears",
            "legalEntityMinimumActiveYears", "legalEntityGraceYears", "retentionMonthsAfterLastSubscription",
            "maximumReconnectionFeeRials", "complaintAnswerDays",
        ])
    func negativeNumber(_ field: String) throws {
        let error = try refusal { $0[field] = .integer(-1) }
        #expect(error == PolicyEditionError(field: field, reason: .negative(-1)))
    }

    @Test("POL-1: a negative deadline of one plan is named")
    func negativeDeadline() throws {
        let error = try refusal {
            $0["noticeMinimumDeadlineHours"] = .object([
                "noDeposit": .integer(-24), "deposit": .integer(72), "guarantee": .integer(72),
            ])
        }
        #expect(error == PolicyEditionError(field: "noticeMinimumDeadlineHours.noDeposit", reason: .negative(-24)))
    }

    @Test(
        "POL-1: a percent outside 1...100 is refused and named",
        arguments: [
            ("depositThresholdPercent", Int64(0)), ("guaranteeThresholdPercent", 101), ("cutLevelPercent", -5),
            ("cutLevelPercent", 0),
        ])
    func percentOutOfRange(_ field: String, _ value: Int64) throws {
        let error = try refusal { $0[field] = .integer(value) }
        #expect(error == PolicyEditionError(field: field, reason: .percentOutOfRange(value)))
        #expect(error.description.contains("outside 1...100"))
    }

    @Test("POL-1: a per-plan percent outside 1...100 is named with its plan")
    func perPlanPercentOutOfRange() throws {
        let error = try refusal {
            $0["noticeTriggerPercent"] = .object([
                "noDeposit": .integer(80), "deposit": .integer(120), "guarantee": .integer(100),
            ])
        }
        #expect(error == PolicyEditionError(field: "noticeTriggerPercent.deposit", reason: .percentOutOfRange(120)))
    }

    @Test("POL-1: an unknown key is refused and named, at the top and inside a per-plan object")
    func unknownKey() throws {
        let top = try refusal { $0["cutLevelPercentage"] = .integer(100) }
        #expect(top == PolicyEditionError(field: "cutLevelPercentage", reason: .unknownField))
        let nested = try refusal {
            $0["noticeTriggerPercent"] = .object([
                "noDeposit": .integer(80), "deposit": .integer(100), "guarantee": .integer(100),
                "prepaid": .integer(50),
            ])
        }
        #expect(nested == PolicyEditionError(field: "noticeTriggerPercent.prepaid", reason: .unknownField))
    }

    @Test(
        "POL-1: an effective date that is not RFC 3339 nor a date is refused and named",
        arguments: [
            "2021-08-21T00:00:00", "1400-05-30T00:00:00+04:30x", "yesterday", "2021-8-21", "2021-02-30",
        ])
    func effectiveDateNotRFC3339(_ text: String) throws {
        let error = try refusal { $0["effectiveDate"] = .string(text) }
        #expect(error.field == "effectiveDate")
        if case .notRFC3339 = error.reason {} else { Issue.record("expected notRFC3339, got \(error.reason)") }
    }

    @Test("POL-1, POL-3: an effective date written as a date is 00:00 Tehran time on it (interchange.md)")
    func effectiveDateAsADate() throws {
        // 2021-08-21: Tehran at +04:30 (daylight saving time), 2021-08-20T19:30:00Z.
        #expect(
            try PolicyEdition(jsonText: editedJSON { $0["effectiveDate"] = .string("2021-08-21") }).effectiveDate
                == edition2021.effectiveDate)
        // 2023-01-10: Tehran at +03:30 (no daylight saving time since 2022), 2023-01-09T20:30:00Z.
        let winter = try PolicyEdition(jsonText: editedJSON { $0["effectiveDate"] = .string("2023-01-10") })
        #expect(winter.effectiveDate == (try Timestamp(rfc3339: "2023-01-09T20:30:00Z")))
    }

    @Test("POL-1: an effective date with a Tehran offset is read as the instant it names")
    func effectiveDateWithOffset() throws {
        let edition = try PolicyEdition(
            jsonText: editedJSON { $0["effectiveDate"] = .string("2021-08-21T00:00:00+04:30") })
        #expect(edition.effectiveDate == edition2021.effectiveDate)
    }

    @Test("POL-1: ill-typed values, unknown choices, bad ids and bad JSON are refused and named")
    func otherRefusals() throws {
        #expect(
            try refusal { $0["invoicePaymentDays"] = .string("15") }
                == PolicyEditionError(
                    field: "invoicePaymentDays", reason: .wrongType(expected: "integer", found: "string")))
        #expect(
            try refusal { $0["graceRunsFromWrittenWarning"] = .integer(1) }
                == PolicyEditionError(
                    field: "graceRunsFromWrittenWarning", reason: .wrongType(expected: "boolean", found: "integer")))
        #expect(try refusal { $0["noticeTriggerPercent"] = .integer(80) }.field == "noticeTriggerPercent")
        #expect(
            try refusal { $0["thresholdCutDirection"] = .string("threeWay") }
                == PolicyEditionError(
                    field: "thresholdCutDirection", reason: .unknownChoice("threeWay", allowed: ["oneWay", "twoWay"])))
        #expect(try refusal { $0["id"] = .string("") }.reason == .invalidIdentifier(""))
        #expect(try refusal { $0["id"] = .string("2021 edition") }.field == "id")
        #expect(
            try refusal { $0["oneWayMinimumDays"] = .integer(1_000_000) }
                == PolicyEditionError(field: "oneWayMinimumDays", reason: .tooLarge(1_000_000, maximum: 100_000)))

        let notJSON = try #require(throws: PolicyEditionError.self) { try PolicyEdition(jsonText: #"{"id": "x",}"#) }
        if case .invalidJSON = notJSON.reason {} else { Issue.record("expected invalidJSON, got \(notJSON.reason)") }
        let fraction = try #require(throws: PolicyEditionError.self) {
            try PolicyEdition(
                jsonText: editedJSON { $0["cutLevelPercent"] = .integer(0) }.replacingOccurrences(
                    of: #""cutLevelPercent":0"#, with: #""cutLevelPercent":99.5"#))
        }
        if case .invalidJSON = fraction.reason {} else { Issue.record("expected invalidJSON, got \(fraction.reason)") }
        #expect(
            try #require(throws: PolicyEditionError.self) { try PolicyEdition(jsonText: "[1]") }
                == PolicyEditionError(field: "", reason: .wrongType(expected: "object", found: "array")))
    }

    @Test("POL-1: editions made in code are validated too")
    func codeValidation() throws {
        #expect(throws: PolicyEditionError(field: "cutLevelPercent", reason: .percentOutOfRange(150))) {
            try PolicyEdition(id: "x", effectiveDate: at("2030-01-01T00:00:00Z"), cutLevelPercent: 150)
        }
        #expect(throws: PolicyEditionError(field: "noticeMinimumDeadlineHours.guarantee", reason: .negative(-1))) {
            try PolicyEdition(
                id: "x", effectiveDate: at("2030-01-01T00:00:00Z"),
                noticeMinimumDeadlineHours: PerPlan(noDeposit: 24, deposit: 72, guarantee: -1))
        }
    }
}
