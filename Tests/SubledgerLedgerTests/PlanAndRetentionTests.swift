import Testing
import SubledgerLedger
import SubledgerStore

@Suite("Plans, services and retention: PLAN-1, PLAN-2, PLAN-3, RET-1")
struct PlanAndRetentionTests {
    func activation(_ data: JSONObject) throws -> LedgerEvent {
        try LedgerEvent(type: .lineActivated, data: data)
    }

    static let valid: JSONObject = [
        "subscriberId": "S-1", "service": "mobile", "plan": "deposit", "connectionFee": 150_000, "vanityPremium": 0,
    ]

    @Test func PLAN1_aLineIsOnOneOfThreePlans() throws {
        for plan in ["noDeposit", "deposit", "guarantee"] {
            var data = Self.valid
            data["plan"] = .string(plan)
            guard case .lineActivated(let activated) = try activation(data) else {
                Issue.record("not an activation"); return
            }
            #expect(activated.plan.rawValue == plan)
        }
        var prepaid = Self.valid
        prepaid["plan"] = "prepaid"
        #expect { try activation(prepaid) } throws: { ($0 as? FactError)?.field == "data.plan" }
    }

    @Test func PLAN2_aLineIsMobileOrFixedAndASubscriberAnIndividualOrALegalEntity() throws {
        var satellite = Self.valid
        satellite["service"] = "satellite"
        #expect { try activation(satellite) } throws: { ($0 as? FactError)?.field == "data.service" }
        let registration: JSONObject = [
            "subscriberId": "S-2", "kind": "legalEntity", "governmental": true, "name": "وزارت", "nationalId": "10100",
        ]
        guard
            case .subscriberRegistered(let registered) = try LedgerEvent(
                type: .subscriberRegistered, data: registration)
        else {
            Issue.record("not a registration")
            return
        }
        #expect(registered.kind == .legalEntity && registered.governmental)
        var partnership = registration
        partnership["kind"] = "partnership"
        #expect { try LedgerEvent(type: .subscriberRegistered, data: partnership) } throws: {
            ($0 as? FactError)?.field == "data.kind"
        }
    }

    @Test func PLAN3_aVanityNumberRecordsItsPremium() throws {
        var vanity = Self.valid
        vanity["vanityPremium"] = 50_000_000
        let line = LineState(
            number: Given.number.text,
            activated: {
                guard case .lineActivated(let activated) = try! activation(vanity) else { fatalError() }
                return activated
            }(), at: .at("2024-01-01T00:00:00Z"))
        #expect(line.isVanity && line.vanityPremium == 50_000_000)
        var negative = Self.valid
        negative["vanityPremium"] = -1
        #expect { try activation(negative) } throws: { ($0 as? FactError)?.field == "data.vanityPremium" }
    }

    @Test func RET1_personalDataIsKeptSixMonthsAfterTheLastSubscriptionEnds() throws {
        var facts = try Ladder.warned(Given.mobileLine(), at: "2025-03-01T00:00:00Z")
        let open = Given(facts).line
        #expect(Retention.personalDataRetainedUntil(lines: [open], editions: .builtIn, calendar: .standard) == nil)
        facts += try Given(facts).when(.revoke(reason: "debt"), at: "2026-03-02T00:00:00Z").get().facts
        let closed = Given(facts).line
        let until = try #require(
            Retention.personalDataRetainedUntil(lines: [closed], editions: .builtIn, calendar: .standard))
        #expect(until == TehranCalendar.standard.addingMonths(6, to: .at("2026-03-02T00:00:00Z")))
        #expect(
            Retention.personalDataRetainedUntil(lines: [closed, open], editions: .builtIn, calendar: .standard) == nil)
    }
}
