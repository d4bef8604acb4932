import Testing
import SubledgerLedger
import SubledgerReports
import SubledgerStore
import SubledgerStoreTesting

/// What a dispute officer reads of a replay (issue 9, item 14): one shape for every time
/// (TIME-1: Tehran time, both calendars, no `.000`), the weekday on the timeline, the end
/// of a view never called "now", and a revoked or sold line's debt shown as netted
/// (VAN-3, LEG-2).
@Suite("Replay as people read it: TIME-1, VAN-3, LEG-2")
struct ReplayReadingTests {
    let line: LineNumber = "+989351112233"

    func ledger(_ facts: [LedgerFact], now: String = "2025-03-01T00:00:00Z") throws -> Ledger {
        let ledger = Ledger.inMemory(clock: ManualClock(.at(now)))
        try ledger.record(facts)
        return ledger
    }

    @Test("TIME-1: one shape for every time: Tehran wall clock, Solar Hijri and Gregorian dates, no .000")
    func oneShapeForEveryTime() {
        let format = DisplayFormat()
        #expect(format.time(.at("2024-02-01T13:00:00Z")) == "1402-11-12 16:30 Tehran (2024-02-01)")
        #expect(format.time(.at("2024-02-01T13:00:04Z")) == "1402-11-12 16:30:04 Tehran (2024-02-01)")
        // Milliseconds only when they are not zero: a view's edge that turns on them is shown.
        #expect(format.time(.at("2024-02-01T13:00:04.250Z")) == "1402-11-12 16:30:04.250 Tehran (2024-02-01)")
        #expect(format.time(.at("2024-02-01T13:00:00.007Z")) == "1402-11-12 16:30:00.007 Tehran (2024-02-01)")
        // A summer before 2022: Tehran was at +04:30.
        #expect(format.time(.at("2021-07-01T12:00:00Z")) == "1400-04-10 16:30 Tehran (2021-07-01)")
        #expect(format.timeWithWeekday(.at("2024-02-01T13:00:00Z")) == "Thursday 1402-11-12 16:30 Tehran (2024-02-01)")
        #expect(
            format.humanize("deadline 2024-02-01T13:00:00.000Z passed")
                == "deadline 1402-11-12 16:30 Tehran (2024-02-01) passed")
        #expect(
            Weekday.allCases.map(DisplayFormat.weekdayName)
                == ["Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
    }

    @Test("The timeline shows the weekday: in English in the text, with the Persian name on the page")
    func theTimelineShowsTheWeekday() throws {
        let replay = try ledger(try WorkedExample.facts()).replay(of: line)
        let text = ReplayText().render(replay)
        let noticeRow = try #require(text.split(separator: "\n").first { $0.drop { $0 == " " }.hasPrefix("5  ") })
        #expect(noticeRow.contains("Sunday 1403-11-14 21:40 Tehran (2025-02-02)"), "\(noticeRow)")
        let cutRow = try #require(text.split(separator: "\n").first { $0.drop { $0 == " " }.hasPrefix("9  ") })
        #expect(cutRow.contains("Monday 1403-11-15 22:30 Tehran (2025-02-03)"), "\(cutRow)")
        let html = ReplayHTML().render(replay)
        #expect(
            html.contains(
                #"<tr id="e5" class="op"><td class="pos">5</td><td class="time"><span class="weekday">Sunday <span lang="fa" dir="rtl">یکشنبه</span></span>1403-11-14 21:40 Tehran (2025-02-02)"#
            ))
        #expect(
            html.contains(
                #"<span class="weekday">Monday <span lang="fa" dir="rtl">دوشنبه</span></span>1403-11-15 22:30 Tehran (2025-02-03)"#
            ))
    }

    @Test("An as-of or known-at view ends \"at the end of this view\", never \"now\"; its header has no .000")
    func aViewEndsAtTheEndOfTheView() throws {
        let ledger = try ledger(try WorkedExample.facts())
        let asOf = try ledger.replay(of: line, view: .init(asOf: .at("2025-02-03T20:00:00Z")))
        let events = try ledger.store.events(from: 1)
        let knownAt = try ledger.replay(of: line, view: .init(knownAt: events[6].recordedAt))
        for replay in [asOf, knownAt] {
            let text = ReplayText().render(replay)
            #expect(!text.contains("Now"), "\(text)")
            #expect(!text.contains(".000"), "\(text)")
            #expect(text.contains("\nAt the end of this view, "), "\(text)")
            let html = ReplayHTML().render(replay)
            #expect(!html.contains("Now"))
            #expect(html.contains(#"<p class="cards-at">At the end of this view, "#))
        }
        let text = ReplayText().render(asOf)
        #expect(
            text.contains("View: events that occurred by 1403-11-15 23:30 Tehran (2025-02-03); 7 event(s)"), "\(text)")
        #expect(
            text.contains("At the end of this view, 1403-11-15 23:30 Tehran (2025-02-03): oneWay, debt 315,000"),
            "\(text)")
        let precise = ReplayText().render(
            try ledger.replay(of: line, view: .init(asOf: .at("2025-02-03T20:00:00.500Z"))))
        #expect(
            precise.contains("View: events that occurred by 1403-11-15 23:30:00.500 Tehran (2025-02-03);"), "\(precise)"
        )
        // The whole history is judged at its last event, not at the present moment either.
        let whole = ReplayText().render(try ledger.replay(of: line))
        #expect(
            whole.contains("\nAfter the last event, 1403-11-16 11:50 Tehran (2025-02-04): active, debt 0,"), "\(whole)")
        #expect(!whole.contains("Now"))
    }

    /// The line of RevocationRuleTests' VAN-3 case: a vanity number sold at auction for
    /// 90,000,000 with a debt of 500,000 and a deposit of 200,000 held.
    func soldLine() throws -> [LedgerFact] {
        var facts = try Ladder.warned(Given.mobileLine(vanityPremium: 50_000_000), at: "2025-03-01T00:00:00Z")
        facts += [.on("2024-01-01T09:00:00Z", .depositPaid(DepositPaid(amount: 200_000)))]
        for (action, time) in [
            (OperatorAction.recordExpertValuation(amount: 80_000_000), "2028-03-15T00:00:00Z"),
            (.sellAtAuction(price: 90_000_000), "2028-04-01T00:00:00Z"),
        ] {
            facts += try Given(facts).when(action, at: time).get().facts
        }
        return facts
    }

    @Test(
        "VAN-3: a sold line's text and cards say the debt was netted against the proceeds, the refund and what is still owed"
    )
    func VAN3_aSoldLineSaysItsDebtWasNetted() throws {
        let replay = try ledger(try soldLine(), now: "2029-01-01T00:00:00Z").replay(of: Given.number)
        let netting = try #require(replay.netting)
        #expect(netting.refund == 89_700_000)
        let sentence =
            "The debt of 500,000 was netted against the auction proceeds of 90,000,000 and the deposit of 200,000 held (VAN-3): "
            + "refund 89,700,000, residual debt 0 still owed; refunds paid 0, refund due 89,700,000."
        let text = ReplayText().render(replay)
        #expect(text.contains(": sold, debt 500,000 (netted), credit"), "\(text)")
        #expect(text.contains("\n" + sentence + "\n"), "\(text)")
        let html = ReplayHTML().render(replay)
        #expect(html.contains(#"<span class="label">debt, netted</span><span class="value">500,000</span>"#))
        #expect(html.contains(#"<span class="label">refund</span><span class="value">89,700,000</span>"#))
        #expect(html.contains(#"<span class="label">residual debt</span><span class="value">0</span>"#))
        #expect(html.contains(#"<p class="netting">\#(sentence)</p>"#))
    }

    @Test("LEG-2: a revoked ten-year legal entity's line says its debt was netted against the subscription's value")
    func LEG2_aRevokedLineSaysItsDebtWasNettedAgainstTheValue() throws {
        let base = Given.mobileLine(kind: .legalEntity, governmental: false, activatedAt: "2015-03-01T00:00:00Z")
        var facts = try Ladder.warned(base, at: "2025-03-01T00:00:00Z")
        facts += try Given(facts).when(.revoke(reason: "debt"), at: "2027-03-02T00:00:00Z").get().facts
        let revoked = try ledger(facts, now: "2028-01-01T00:00:00Z").replay(of: Given.number)
        // Revoked before the value is settled: netted against nothing yet, all still owed.
        #expect(
            ReplayText().render(revoked).contains(
                "The debt of 500,000 was netted against nothing (no proceeds, value, deposit or guarantee) (VAN-3): refund 0, residual debt 500,000 still owed;"
            ))
        facts += try Given(facts).when(.settleSubscriptionValue(value: 2_000_000), at: "2027-04-01T00:00:00Z").get()
            .facts
        let replay = try ledger(facts, now: "2028-01-01T00:00:00Z").replay(of: Given.number)
        let sentence =
            "The debt of 500,000 was netted against the subscription's value of 2,000,000 (LEG-2): "
            + "refund 1,500,000, residual debt 0 still owed; refunds paid 0, refund due 1,500,000."
        #expect(ReplayText().render(replay).contains(sentence))
        let html = ReplayHTML().render(replay)
        #expect(
            html.contains(
                #"<p class="netting">The debt of 500,000 was netted against the subscription&#39;s value of 2,000,000 (LEG-2): "#
            ))
        #expect(html.contains(#"<span class="label">debt, netted</span>"#))
    }

    @Test("A line neither revoked nor sold says nothing of netting")
    func anOpenLineIsNotNetted() throws {
        let replay = try ledger(try WorkedExample.facts()).replay(of: line)
        #expect(replay.netting == nil)
        #expect(!ReplayText().render(replay).contains("netted"))
        let html = ReplayHTML().render(replay)
        #expect(!html.contains("netted"))
        #expect(html.contains(#"<span class="label">debt</span><span class="value">0</span>"#))
    }
}
