import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// SUS-1: the reasons of a suspension, and a legal order's `orderedBy` and `reference`
/// (issue 11, item 8).
@Suite("Suspensions: SUS-1")
struct SuspensionRuleTests {
    static let clock = ManualClock(.at("2026-01-01T00:00:00Z"))

    static func audit(_ facts: [LedgerFact], editions: PolicyEditions = .builtIn) throws -> [Finding] {
        let ledger = Ledger.inMemory(editions: editions, clock: clock)
        try ledger.record(facts)
        return try ledger.audit()
    }

    static func suspension(
        _ reason: LineSuspended.Reason, direction: LineSuspended.Direction = .oneWay,
        orderedBy: String? = nil, reference: String? = nil
    ) -> LineSuspended {
        LineSuspended(
            direction: direction, reason: reason, debtLine: reason.isForDebt ? Given.number.text : nil,
            orderedBy: orderedBy, reference: reference)
    }

    // MARK: SUS-1

    @Test func SUS1_licensingIsAReasonAndALegalOrderCarriesWhoOrderedItAndItsReference() throws {
        let licensing = try LedgerEvent(type: .lineSuspended, data: ["direction": "twoWay", "reason": "licensing"])
        #expect(licensing == .lineSuspended(Self.suspension(.licensing, direction: .twoWay)))
        let order = try LedgerEvent(
            type: .lineSuspended,
            data: [
                "direction": "twoWay", "reason": "legalOrder",
                "orderedBy": "Tehran prosecutor's office", "reference": "1403-7781",
            ])
        #expect(
            order
                == .lineSuspended(
                    Self.suspension(
                        .legalOrder, direction: .twoWay, orderedBy: "Tehran prosecutor's office", reference: "1403-7781"
                    )))
        #expect(order.data["orderedBy"] == .string("Tehran prosecutor's office"))
        #expect(order.data["reference"] == .string("1403-7781"))
        // Written only when present: a suspension without them has the data of before (its hash unchanged).
        let plain = try LedgerEvent(type: .lineSuspended, data: ["direction": "twoWay", "reason": "fraud"])
        #expect(plain.data.members.map(\.key).sorted() == ["direction", "reason"])
    }

    @Test func SUS1_anEmptyOrTooLongOrderedByOrReferenceIsBadInputNamingTheField() throws {
        let empty = try #require(throws: FactError.self) {
            try LedgerEvent(
                type: .lineSuspended, data: ["direction": "twoWay", "reason": "legalOrder", "orderedBy": ""])
        }
        #expect(empty.field == "data.orderedBy")
        let long = try #require(throws: FactError.self) {
            try LedgerEvent(
                type: .lineSuspended,
                data: [
                    "direction": "twoWay", "reason": "legalOrder",
                    "reference": .string(String(repeating: "r", count: FactLimits.identifierMaximumBytes + 1)),
                ])
        }
        #expect(long.field == "data.reference")
        _ = try LedgerEvent(
            type: .lineSuspended,
            data: [
                "direction": "twoWay", "reason": "legalOrder",
                "reference": .string(String(repeating: "r", count: FactLimits.identifierMaximumBytes)),
            ])
        // A fact built in Swift is checked as one read from JSON.
        let built = LedgerFact.on("2025-02-04T06:00:00Z", .lineSuspended(Self.suspension(.legalOrder, orderedBy: "")))
        #expect(throws: FactError.self) { try built.checkContent() }
    }

    @Test func SUS1_aLegalOrderMissingWhoOrderedItOrItsReferenceIsAWarning() throws {
        let given = Given(Given.mobileLine())
        for (orderedBy, reference, missing) in [
            (nil, nil, "who ordered it (orderedBy) and its reference"),
            ("Court 12", nil, "its reference"), (nil, "R-1", "who ordered it (orderedBy)"),
        ] as [(String?, String?, String)] {
            let judged = given.judge(
                .lineSuspended(
                    Self.suspension(.legalOrder, direction: .twoWay, orderedBy: orderedBy, reference: reference)),
                at: "2025-02-04T06:00:00Z")
            #expect(
                judged.contains { $0.rule == "SUS-1" && $0.isWarning && $0.reason.hasSuffix("missing \(missing)") },
                "\(judged)")
            #expect(!judged.contains { $0.isForbidden })
        }
        let complete = given.judge(
            .lineSuspended(Self.suspension(.legalOrder, direction: .twoWay, orderedBy: "Court 12", reference: "R-1")),
            at: "2025-02-04T06:00:00Z")
        #expect(!complete.contains { $0.isWarning })
        let fraud = given.judge(.lineSuspended(Self.suspension(.fraud, direction: .twoWay)), at: "2025-02-04T06:00:00Z")
        #expect(!fraud.contains { $0.isWarning })
        // `apply` records it (the rule that allowed it is SUS-1) and the audit warns.
        let decision = try given.when(
            .cut(direction: .twoWay, reason: .legalOrder, orderedBy: "Court 12"), at: "2025-02-04T06:00:00Z"
        ).get()
        #expect(
            decision.facts.map(\.event) == [
                .lineSuspended(Self.suspension(.legalOrder, direction: .twoWay, orderedBy: "Court 12"))
            ])
        #expect(decision.facts[0].metadata["rule"] == "SUS-1")
        let findings = try Self.audit(given.facts + decision.facts)
        #expect(
            findings.contains {
                $0.rule == "SUS-1" && $0.severity == .warning && $0.message.contains("missing its reference")
            })
        #expect(!findings.contains { $0.severity == .violation })
    }

    @Test func SUS1_theFieldsAreKeptInTheStoredProjectionAndExported() throws {
        let ledger = Ledger.inMemory(clock: Self.clock)
        let order = Self.suspension(.legalOrder, direction: .twoWay, orderedBy: "Court 12", reference: "R-1")
        try ledger.record(Given.mobileLine() + [.on("2025-02-04T06:00:00Z", .lineSuspended(order))])
        let stored = try ledger.state(of: Given.number)
        #expect(stored.cuts.last?.suspension == order)
        #expect(stored == (try ledger.state(of: Given.number, view: .init(knownAt: .maximum))))
        let recorded = try #require(try ledger.history(of: Given.number).facts.last)
        #expect(recorded.event.data["orderedBy"] == .string("Court 12"))
        #expect(recorded.event.data["reference"] == .string("R-1"))
    }
}
