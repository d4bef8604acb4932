import Foundation
import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// POL-3 (issue 11 item 11): editions are facts. A `PolicyEditionAdopted` in the policy
/// stream adds an edition from its `occurredAt` on; the audit judges each action under the
/// editions known when it was recorded (a breach is a violation) and under those in force
/// with all known now (a breach only there is a warning). Thresholds by the line's region.
@Suite("Editions as facts, thresholds by region (POL-3, THR-1)")
struct PolicyAdoptionTests {
    /// The shipped example: docs/editions/2023-fixed-line-regions.json.
    static let regionsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/editions/2023-fixed-line-regions.json")

    static func regionsEdition() throws -> PolicyEditionAdopted {
        try PolicyEditionAdopted(jsonText: try String(contentsOf: regionsFile, encoding: .utf8))
    }

    /// 1402-01-01 00:00 Tehran (+03:30 then): the example's effective date.
    static let effective = "2023-03-20T20:30:00Z"

    static func adoption(_ edition: PolicyEditionAdopted, at time: String) -> LedgerFact {
        LedgerFact(stream: .debtorSubscribersPolicy, occurredAt: .at(time), event: .policyEditionAdopted(edition))
    }

    static func edition(_ text: String) throws -> PolicyEditionAdopted { try PolicyEditionAdopted(jsonText: text) }

    /// A registered subscriber and a fixed noDeposit line in `region`, activated early in 2023.
    static func fixedLine(_ number: String, subscriber: String, region: String?) -> [LedgerFact] {
        [
            LedgerFact(
                stream: .subscriber(subscriber), occurredAt: .at("2022-12-01T08:00:00Z"),
                event: .subscriberRegistered(
                    SubscriberRegistered(
                        subscriberID: subscriber, kind: .individual, governmental: false,
                        name: "Test", nationalID: "0012345678"))),
            LedgerFact(
                stream: .subscriber(subscriber), occurredAt: .at("2022-12-01T09:00:00Z"),
                event: .identityVerified(IdentityVerified(documents: ["id"]))),
            .line(
                LineNumber(stored: number), .at("2023-01-01T08:00:00Z"),
                .lineActivated(
                    LineActivated(
                        subscriberID: subscriber, service: .fixed, plan: .noDeposit,
                        connectionFee: 0, vanityPremium: 0, region: region))),
        ]
    }

    /// Usage of 250,000 (over 2021's 200,000, under the 2023 Tehran 600,000), a threshold
    /// notice with a 24 h deadline, a cut notice and a one-way cut after it: lawful under
    /// edition 2021 (GEN-5's notice before the cut).
    static func cutAtTwoHundredFiftyThousand(_ number: String) -> [LedgerFact] {
        [
            .line(
                LineNumber(stored: number), .at("2023-06-01T08:00:00Z"),
                .usageRecorded(UsageRecorded(amount: 250_000, description: "calls"))),
            .line(
                LineNumber(stored: number), .at("2023-06-01T10:00:00Z"),
                .noticeSent(
                    NoticeSent(
                        noticeID: "N-\(number)", kind: .thresholdReached, channel: .sms,
                        deadline: .at("2023-06-02T10:00:00Z"), fee: 0))),
            .line(
                LineNumber(stored: number), .at("2023-06-03T06:00:00Z"),
                .noticeSent(
                    NoticeSent(
                        noticeID: "C-\(number)", kind: .oneWayCut, channel: .sms,
                        deadline: nil, fee: 0))),
            .line(
                LineNumber(stored: number), .at("2023-06-03T07:00:00Z"),
                .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: number))),
        ]
    }

    // MARK: The edition file

    @Test("POL-3: an edition file keeps its basedOn's parameters where it sets none; a date means 00:00 Tehran")
    func anEditionFileKeepsItsBasesParameters() throws {
        let editions = try PolicyEditions.builtIn.adopting(
            try Self.regionsEdition(), at: .at("2024-01-01T00:00:00Z"), position: 1)
        let adopted = try #require(editions.edition(id: "2023-fixed-line-regions"))
        #expect(adopted.effectiveDate == .at(Self.effective))
        #expect(adopted.noticeTriggerPercent == PolicyEdition.edition2021.noticeTriggerPercent)
        #expect(adopted.noDepositMobileThresholdRials == 300_000)
        #expect(adopted.noDepositFixedThresholdRials == 600_000)
        #expect(
            adopted.noDepositFixedThresholdRialsByRegion == [
                "tehran": 600_000, "provincialCentre": 450_000, "city": 300_000, "village": 250_000,
            ])
        #expect(editions.adoptions["2023-fixed-line-regions"]?.basedOn == "2021")
        // The JSON form writes the regions as an object and reads back the same edition.
        let reread = try PolicyEdition(jsonText: adopted.jsonText)
        #expect(reread == adopted)
    }

    @Test("POL-3, THR-1: the noDeposit threshold by region: each region's amount, the default for any other or none")
    func thresholdsByRegion() throws {
        let edition = try #require(
            try PolicyEditions.builtIn.adopting(try Self.regionsEdition(), at: .at("2024-01-01T00:00:00Z"), position: 1)
                .edition(id: "2023-fixed-line-regions"))
        func threshold(_ region: String?, _ service: Service = .fixed) -> Rials {
            edition.thresholdRials(
                plan: .noDeposit, service: service, region: region, depositHeldRials: 0, guaranteeHeldRials: 0)
        }
        #expect(threshold("tehran") == 600_000)
        #expect(threshold("provincialCentre") == 450_000)
        #expect(threshold("city") == 300_000)
        #expect(threshold("village") == 250_000)
        #expect(threshold("atlantis") == 600_000)
        #expect(threshold(nil) == 600_000)
        // Mobile lines keep edition 2021's 300,000 whatever their region.
        #expect(threshold("village", .mobile) == 300_000)
        // A village line's notice (80 %) is due at 200,000 exactly: one rial less is not.
        #expect(
            !edition.noticeIsDue(
                debtRials: 199_999, plan: .noDeposit, service: .fixed, region: "village", depositHeldRials: 0,
                guaranteeHeldRials: 0))
        #expect(
            edition.noticeIsDue(
                debtRials: 200_000, plan: .noDeposit, service: .fixed, region: "village", depositHeldRials: 0,
                guaranteeHeldRials: 0))
    }

    @Test("POL-3: an unknown parameter, a missing default region, an unknown basedOn, a known id are refused")
    func badEditionFilesAreRefused() throws {
        let known = PolicyEditions.builtIn
        let at = Timestamp.at("2024-01-01T00:00:00Z")
        func refusal(_ text: String) throws -> PolicyEditionError? {
            let file = try Self.edition(text)
            do { _ = try known.adopting(file, at: at, position: 1) } catch { return error }
            return nil
        }
        #expect(
            try refusal(#"{"id":"x","effectiveDate":"2024-01-01","noDepositFixedThreshold":5}"#)?.field
                == "noDepositFixedThreshold")
        #expect(
            try refusal(#"{"id":"x","effectiveDate":"2024-01-01","noDepositFixedThresholdRials":{"tehran":5}}"#)?.field
                == "noDepositFixedThresholdRials.default")
        #expect(try refusal(#"{"id":"x","effectiveDate":"2024-01-01","basedOn":"2030"}"#)?.field == "basedOn")
        #expect(try refusal(#"{"id":"2021","effectiveDate":"2024-01-01"}"#)?.reason == .alreadyKnown("2021"))
        #expect(try refusal(#"{"id":"x","effectiveDate":"2021-08-21"}"#)?.field == "effectiveDate")  // edition 2021's instant
        #expect(try refusal(#"{"id":"x","effectiveDate":"2024-13-01"}"#)?.field == "effectiveDate")
        #expect(try refusal(#"{"effectiveDate":"2024-01-01"}"#)?.field == "id")
        #expect(
            try refusal(
                #"{"id":"x","effectiveDate":"2024-01-01","noDepositFixedThresholdRials":{"default":1,"bad region":2}}"#)?
                .field
                == "noDepositFixedThresholdRials.bad region")
        #expect(
            try refusal(#"{"id":"x","effectiveDate":"2024-01-01","noDepositFixedThresholdRials":{"default":-1}}"#)?
                .field
                == "noDepositFixedThresholdRials")
        #expect(try refusal(#"{"id":"x","effectiveDate":"2024-01-01"}"#) == nil)
    }

    @Test("POL-3: basedOn resolves against editions adopted before; an edition is known from its adoption's occurredAt")
    func basedOnAnAdoptedEditionAndKnownAt() throws {
        let first = try PolicyEditions.builtIn.adopting(
            try Self.regionsEdition(), at: .at("2024-01-01T00:00:00Z"), position: 1)
        let second = try first.adopting(
            try Self.edition(
                #"{"id":"2025-village","effectiveDate":"2025-03-21","basedOn":"2023-fixed-line-regions","noDepositMobileThresholdRials":350000}"#
            ),
            at: .at("2025-01-01T00:00:00Z"), position: 2)
        let edition = try #require(second.edition(id: "2025-village"))
        #expect(edition.noDepositFixedThresholdRialsByRegion["village"] == 250_000)
        #expect(edition.noDepositMobileThresholdRials == 350_000)
        // Known from the adoption on: one second before, not yet.
        #expect(second.known(at: .at("2023-12-31T23:59:59Z")).editions.map(\.id) == ["older", "2021"])
        #expect(
            second.known(at: .at("2024-01-01T00:00:00Z")).editions.map(\.id) == [
                "older", "2021", "2023-fixed-line-regions",
            ])
        #expect(second.known(at: .at("2025-01-01T00:00:00Z")) == second)
    }

    // MARK: The ledger

    @Test(
        "POL-3, THR-1: adopting the 2023 regions edition changes a Tehran fixed line's threshold from its effective date on, and only then"
    )
    func adoptingChangesTheTehranThresholdFromItsEffectiveDate() throws {
        let clock = ManualClock(.at("2023-12-31T23:59:59Z"))
        let ledger = Ledger.inMemory(clock: clock)
        try ledger.record(
            Self.fixedLine("+982188001122", subscriber: "S-T", region: "tehran")
                + Self.fixedLine("+982188001133", subscriber: "S-V", region: "village"))
        clock.set(.at("2024-01-01T00:00:00Z"))
        let before = LineHistory.View(asOf: .at("2023-03-20T20:29:59Z"))
        let from = LineHistory.View(asOf: .at(Self.effective))
        #expect(try ledger.status(of: "+982188001122", view: from).threshold == 200_000)  // not adopted yet
        try ledger.record([Self.adoption(try Self.regionsEdition(), at: "2024-01-01T00:00:00Z")])
        #expect(try ledger.status(of: "+982188001122", view: before).threshold == 200_000)
        #expect(try ledger.status(of: "+982188001122", view: before).policyEdition == "2021")
        #expect(try ledger.status(of: "+982188001122", view: from).threshold == 600_000)
        #expect(try ledger.status(of: "+982188001122", view: from).policyEdition == "2023-fixed-line-regions")
        #expect(try ledger.status(of: "+982188001133", view: from).threshold == 250_000)
        // Known at a time before the adoption: the old threshold, though in force by then.
        let knownBefore = LineHistory.View(asOf: .at(Self.effective), knownAt: .at("2023-12-31T23:59:59Z"))
        #expect(try ledger.status(of: "+982188001122", view: knownBefore).threshold == 200_000)
        #expect(try ledger.knownEditions().editions.map(\.id) == ["older", "2021", "2023-fixed-line-regions"])
    }

    @Test(
        "POL-3: a cut recorded before the edition was known is a warning; the same cut recorded once it was known is a violation"
    )
    func theAuditJudgesUnderTheEditionsKnownAndInForce() throws {
        let clock = ManualClock(.at("2023-12-31T23:59:59Z"))
        let ledger = Ledger.inMemory(clock: clock)
        // Line A's history recorded one second before the adoption; line B's at it.
        try ledger.record(
            Self.fixedLine("+982188001122", subscriber: "S-A", region: "tehran")
                + Self.cutAtTwoHundredFiftyThousand("+982188001122"))
        clock.set(.at("2024-01-01T00:00:00Z"))
        try ledger.record([Self.adoption(try Self.regionsEdition(), at: "2024-01-01T00:00:00Z")])
        try ledger.record(
            Self.fixedLine("+982188001133", subscriber: "S-B", region: "tehran")
                + Self.cutAtTwoHundredFiftyThousand("+982188001133"))
        let findings = try ledger.audit()
        let a = findings.filter { $0.line == "+982188001122" }
        let b = findings.filter { $0.line == "+982188001133" }
        // A: right on the editions known then (2021's 200,000), wrong under the one in force (600,000).
        #expect(!a.contains { $0.severity == .violation }, "\(a)")
        #expect(
            a.contains {
                $0.rule == "CUT-1" && $0.severity == .warning && $0.edition == "2023-fixed-line-regions"
                    && $0.message.contains("adopted later")
            }, "\(a)")
        #expect(a.contains { $0.rule == "NTC-2" && $0.severity == .warning }, "\(a)")
        // B: recorded when the edition was known: violations under it.
        #expect(
            b.contains { $0.rule == "CUT-1" && $0.severity == .violation && $0.edition == "2023-fixed-line-regions" },
            "\(b)")
        #expect(b.contains { $0.rule == "NTC-2" && $0.severity == .violation }, "\(b)")
    }

    @Test(
        "POL-3: apply judges under the editions known now: one second before the adoption's time the old edition, at it the new"
    )
    func applyUsesTheEditionsKnownNow() throws {
        let clock = ManualClock(.at("2024-01-01T00:00:00Z"))
        let ledger = Ledger.inMemory(clock: clock)
        for (number, subscriber) in [("+982188001122", "S-A"), ("+982188001133", "S-B")] {
            try ledger.record(
                Self.fixedLine(number, subscriber: subscriber, region: "tehran")
                    + Array(Self.cutAtTwoHundredFiftyThousand(number).prefix(3)))
        }
        // Adopted 4 minutes from now (at most 5 minutes ahead is accepted): not known before then.
        try ledger.record([Self.adoption(try Self.regionsEdition(), at: "2024-01-01T00:04:00Z")])
        func cut(_ number: String) -> LedgerFact {
            .line(
                LineNumber(stored: number), .at("2023-06-03T07:00:00Z"),
                .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: number)))
        }
        clock.set(.at("2024-01-01T00:03:59Z"))
        try ledger.apply([cut("+982188001122")])
        #expect(try ledger.status(of: "+982188001122").status == .oneWay)
        clock.set(.at("2024-01-01T00:04:00Z"))
        let refusal = #expect(throws: LedgerError.self) { try ledger.apply([cut("+982188001133")]) }
        guard let violation = refusal?.violation else {
            Issue.record("not a rule violation: \(String(describing: refusal))"); return
        }
        #expect(violation.rule == "CUT-1" && violation.edition == "2023-fixed-line-regions", "\(violation)")
    }

    @Test("POL-3: an edition id adopted twice is refused, and so is a basedOn not known; nothing is recorded")
    func adoptingTwiceIsRefused() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2024-01-01T00:00:00Z")))
        try ledger.record([Self.adoption(try Self.regionsEdition(), at: "2024-01-01T00:00:00Z")])
        #expect(throws: LedgerError.self) {
            try ledger.record([Self.adoption(try Self.regionsEdition(), at: "2024-01-01T00:00:00Z")])
        }
        let unknownBase = try Self.edition(#"{"id":"y","effectiveDate":"2025-01-01","basedOn":"nope"}"#)
        #expect(throws: LedgerError.self) {
            try ledger.record([Self.adoption(unknownBase, at: "2024-01-01T00:00:00Z")])
        }
        #expect(try ledger.store.head().position == 1)
        // Two adopted in one batch: the second may be based on the first.
        let next = try Self.edition(#"{"id":"z","effectiveDate":"2026-01-01","basedOn":"2023-fixed-line-regions"}"#)
        let last = try Self.edition(#"{"id":"w","effectiveDate":"2027-01-01","basedOn":"z"}"#)
        try ledger.record([
            Self.adoption(next, at: "2024-01-01T00:00:00Z"), Self.adoption(last, at: "2024-01-01T00:00:00Z"),
        ])
        #expect(try ledger.knownEditions().edition(id: "w")?.noDepositFixedThresholdRialsByRegion["tehran"] == 600_000)
    }

    @Test("POL-3: PolicyEditionAdopted reads from and writes to the input format, in the policy stream only")
    func theFactsInputForm() throws {
        let text =
            #"{"type":"PolicyEditionAdopted","policy":"debtor-subscribers","occurredAt":"2024-01-01T00:00:00Z","data":{"edition":{"id":"x","effectiveDate":"2024-03-20"}}}"#
        guard case .object(let object) = try JSONParser.parse(text) else { Issue.record("not an object"); return }
        let fact = try LedgerFact(input: object)
        #expect(fact.stream == .debtorSubscribersPolicy)
        #expect(fact.event.data == ["edition": .object(["id": "x", "effectiveDate": "2024-03-20"])])
        func refusal(_ text: String) throws -> FactError? {
            guard case .object(let object) = try JSONParser.parse(text) else { return nil }
            do { _ = try LedgerFact(input: object) } catch { return error }
            return nil
        }
        #expect(
            try refusal(
                text.replacingOccurrences(of: #""policy":"debtor-subscribers""#, with: #""line":"+989121234567""#))?
                .field == "line")
        #expect(try refusal(text.replacingOccurrences(of: "debtor-subscribers", with: "other"))?.field == "policy")
        #expect(
            try refusal(text.replacingOccurrences(of: #""id":"x""#, with: #""id":"x","cutLevel":90"#))?.field
                == "data.edition.cutLevel")
        #expect(
            try refusal(text.replacingOccurrences(of: #"{"id":"x","effectiveDate":"2024-03-20"}"#, with: "[1]"))?.field
                == "data.edition")
        // Bounded as every fact's text (FactLimits): a source of 1,000 bytes is accepted, 1,001 refused.
        func source(_ bytes: Int) -> String {
            text.replacingOccurrences(
                of: #""id":"x""#, with: #""id":"x","source":""# + String(repeating: "s", count: bytes) + "\"")
        }
        #expect(try refusal(source(1000)) == nil)
        #expect(try refusal(source(1001))?.field == "data.edition.source")
    }

    @Test(
        "POL-3: LineActivated's region is written only when present (old events hash the same) and kept by the stored projection"
    )
    func theRegionIsOptional() throws {
        let without = LineActivated(
            subscriberID: "S-1", service: .fixed, plan: .noDeposit, connectionFee: 0, vanityPremium: 0)
        #expect(LedgerEvent.lineActivated(without).data["region"] == nil)
        var with = without
        with.region = "tehran"
        #expect(LedgerEvent.lineActivated(with).data["region"] == .string("tehran"))
        #expect(
            try LedgerEvent(type: .lineActivated, data: LedgerEvent.lineActivated(with).data) == .lineActivated(with))
        var bad = LedgerEvent.lineActivated(with).data
        bad["region"] = .string(String(repeating: "r", count: 65))
        #expect(throws: FactError.self) { try LedgerEvent(type: .lineActivated, data: bad) }
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2024-01-01T00:00:00Z")))
        try ledger.record(Self.fixedLine("+982188001122", subscriber: "S-T", region: "tehran"))
        #expect(try ledger.state(of: "+982188001122").region == "tehran")
        #expect(
            try ledger.state(of: "+982188001122", view: .init(knownAt: .at("2024-01-01T00:00:00Z"))).region == "tehran")
    }
}

@Suite("Replay under the editions known (POL-3)")
struct PolicyReplayTests {
    @Test(
        "POL-3: replay judges each action under the editions known when it was recorded, and --known-at before the adoption shows no later edition"
    )
    func replayUsesTheEditionsKnown() throws {
        let clock = ManualClock(.at("2023-12-31T23:59:59Z"))
        let ledger = Ledger.inMemory(clock: clock)
        let number = "+982188001122"
        try ledger.record(
            PolicyAdoptionTests.fixedLine(number, subscriber: "S-A", region: "tehran")
                + PolicyAdoptionTests.cutAtTwoHundredFiftyThousand(number))
        clock.set(.at("2024-01-01T00:00:00Z"))
        try ledger.record([
            PolicyAdoptionTests.adoption(try PolicyAdoptionTests.regionsEdition(), at: "2024-01-01T00:00:00Z")
        ])
        let replay = try ledger.replay(of: LineNumber(stored: number))
        let cut = try #require(replay.entries.last)
        // Judged on what was known: edition 2021 allowed the cut (CUT-1), the finding is a warning.
        #expect(
            cut.judgements.contains { $0.rule == "CUT-1" && !$0.isForbidden && $0.edition == "2021" },
            "\(cut.judgements)")
        #expect(cut.findings.contains { $0.rule == "CUT-1" && $0.severity == .warning })
        let before = try ledger.replay(
            of: LineNumber(stored: number), view: .init(knownAt: .at("2023-12-31T23:59:59Z")))
        #expect(!(before.entries.last?.findings ?? []).contains { $0.rule == "CUT-1" })
        #expect(before.entries.last?.state.threshold == 200_000)
        #expect(replay.entries.last?.state.threshold == 600_000)
    }
}

@Suite("due under the editions known at its time (POL-3)")
struct PolicyDueTests {
    @Test(
        "POL-3, NTC-1: due --at one second before the adoption owes a Tehran line's notice at 250,000 (edition 2021); at the adoption it does not (600,000)"
    )
    func dueUsesTheEditionsKnownAtItsTime() throws {
        let clock = ManualClock(.at("2024-01-01T00:00:00Z"))
        let ledger = Ledger.inMemory(clock: clock)
        let number = "+982188001122"
        try ledger.record(
            PolicyAdoptionTests.fixedLine(number, subscriber: "S-A", region: "tehran")
                + Array(PolicyAdoptionTests.cutAtTwoHundredFiftyThousand(number).prefix(1)))
        try ledger.record([
            PolicyAdoptionTests.adoption(try PolicyAdoptionTests.regionsEdition(), at: "2024-01-01T00:00:00Z")
        ])
        let before = try ledger.due(at: .at("2023-12-31T23:59:59Z")).filter { $0.line == number }
        #expect(before.contains { $0.action == .notice && $0.rule == "NTC-1" }, "\(before)")
        let at = try ledger.due(at: .at("2024-01-01T00:00:00Z")).filter { $0.line == number }
        #expect(!at.contains { $0.action == .notice }, "\(at)")
    }
}
