import Foundation
import Testing
import SubledgerLedger
import SubledgerReports
import SubledgerStore
import SubledgerStoreTesting

/// The replay's chart (issue 9, item 17): NTC-1's notice level drawn where the edition in
/// force puts it below the threshold, and the findings' marks (SUS-2's among them) inside
/// the picture, drawn over everything else.
@Suite("Replay chart: NTC-1's notice level, the findings' marks")
struct ReplayChartTests {
    let line: LineNumber = "+989351112233"

    func replay(_ facts: [LedgerFact], of number: String = "+989351112233", now: String = "2025-03-01T00:00:00Z") throws
        -> LineReplay
    {
        let ledger = Ledger.inMemory(clock: ManualClock(.at(now)))
        try ledger.record(facts)
        return try ledger.replay(of: LineNumber(stored: number))
    }

    /// The first chart of the page.
    func chart(_ replay: LineReplay) throws -> Substring {
        let html = ReplayHTML().render(replay)
        let start = try #require(html.range(of: "<svg class=\"chart\""))
        let end = try #require(html[start.lowerBound...].range(of: "</svg>"))
        return html[start.lowerBound..<end.upperBound]
    }

    /// The worked example, five years earlier: under the older edition (NTC-1: every notice
    /// is due at the threshold).
    func underTheOlderEdition() throws -> [LedgerFact] {
        try WorkedExample.facts().map { fact in
            var earlier = fact
            earlier.occurredAt = Timestamp(
                millisecondsSinceEpoch: fact.occurredAt.millisecondsSinceEpoch - 5 * 365 * 86_400_000)
            return earlier
        }
    }

    @Test(
        "NTC-1 (2021): a noDeposit line's notice level is 80 % of its threshold; the older edition's and a deposit line's are the threshold"
    )
    func NTC1_theNoticeLevelOfTheEditionInForce() throws {
        let worked = try replay(try WorkedExample.facts())
        #expect(worked.entries.allSatisfy { $0.state.noticeLevel == 240_000 && $0.state.threshold == 300_000 })
        let older = try replay(try underTheOlderEdition(), now: "2020-03-01T00:00:00Z")
        #expect(
            older.entries.allSatisfy { $0.state.policyEdition != "2021" && $0.state.noticeLevel == $0.state.threshold })
        // A deposit of 333,333: threshold 80 % of it, 266,666.4, shown rounded down; the
        // notice is due at the threshold itself, from 266,667 whole rials.
        var facts = Given.mobileLine(plan: .deposit, activatedAt: "2024-06-01T08:00:00Z")
        facts += [
            .on("2024-06-01T09:00:00Z", .depositPaid(DepositPaid(amount: 333_333))),
            .on("2024-07-01T09:00:00Z", .usageRecorded(UsageRecorded(amount: 100_000, description: "usage"))),
        ]
        let deposit = try replay(facts, of: Given.number.text)
        let state = try #require(deposit.entries.last?.state)
        #expect(state.threshold == 266_666)
        #expect(state.noticeLevel == 266_667)
        // The level is where the rules start to owe the notice, exactly (THR-2).
        let edition = PolicyEditions.builtIn.edition(at: .at("2024-07-01T09:00:00Z"))
        let due = { (debt: Rials, plan: Plan, held: Rials) in
            edition.noticeIsDue(
                debtRials: debt, plan: plan, service: .mobile, depositHeldRials: held, guaranteeHeldRials: 0)
        }
        #expect(due(266_667, .deposit, 333_333) && !due(266_666, .deposit, 333_333))
        #expect(due(240_000, .noDeposit, 0) && !due(239_999, .noDeposit, 0))
    }

    @Test(
        "NTC-1: the chart draws the notice level at 240,000 for the worked example, under the threshold's line, and not at all where it is the threshold"
    )
    func NTC1_theChartDrawsTheNoticeLevel() throws {
        let svg = try chart(try replay(try WorkedExample.facts()))
        let level = try #require(Self.tag(in: svg, starting: "<polyline class=\"notice-level\""))
        let axis = try Self.axis(svg)
        let levelYs = Self.points(level).map(\.1)
        #expect(!levelYs.isEmpty)
        for y in levelYs {
            #expect(abs(y - axis(240_000)) <= 0.11, "the notice level is drawn at \(y), 240,000 is at \(axis(240_000))")
        }
        let threshold = try #require(Self.tag(in: svg, starting: "<polyline class=\"threshold\""))
        for y in Self.points(threshold).map(\.1) { #expect(abs(y - axis(300_000)) <= 0.11) }
        #expect(svg.contains("240,000 of 300,000 (edition 2021)"))
        // Drawn before the threshold and the debt, which stay on top of it.
        let order = [
            "class=\"debt-area\"", "class=\"notice-level\"", "class=\"threshold\"", "<polyline class=\"debt\"",
        ]
        .map { svg.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(ReplayHTML().render(try replay(try WorkedExample.facts())).contains("notice level (NTC-1)</li>"))

        let older = try chart(try replay(try underTheOlderEdition(), now: "2020-03-01T00:00:00Z"))
        #expect(!older.contains("notice-level"))
    }

    /// A cut on a Thursday afternoon after the only threshold notice failed: a CUT-1
    /// violation and a SUS-2 warning on the same event, as on the demo's disputed line.
    func disputedCut() throws -> [LedgerFact] {
        var facts = try WorkedExample.facts()
        // 2025-02-06 is a Thursday; 13:00 Tehran is 09:30 UTC.
        facts.insert(
            .line(line, .at("2025-02-02T18:11:00Z"), .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: "N-7"))),
            at: 6)
        facts.removeAll { if case .noticeDelivered = $0.event { true } else { false } }
        for index in facts.indices where facts[index].occurredAt >= .at("2025-02-03T19:00:00Z") {
            facts[index].occurredAt = Timestamp(
                millisecondsSinceEpoch: facts[index].occurredAt.millisecondsSinceEpoch + 86_400_000 * 2 + 14 * 3_600_000
                    + 1_800_000)
        }
        return facts
    }

    @Test(
        "SUS-2: the warning's mark beside a violation's at the same cut is drawn, inside the picture, after every area, line and mark"
    )
    func SUS2_theWarningMarkStaysVisible() throws {
        let replay = try replay(try disputedCut())
        let cut = try #require(replay.entries.first { $0.type == .lineSuspended })
        #expect(cut.findings.contains { $0.rule == "CUT-1" && $0.severity == .violation }, "\(cut.findings)")
        #expect(cut.findings.contains { $0.rule == "SUS-2" && $0.severity == .warning }, "\(cut.findings)")
        let svg = try chart(replay)
        let warning = try #require(Self.tag(in: svg, starting: "<g class=\"mark finding warning\""))
        #expect(warning.contains("data-rules=\"SUS-2\""))
        let violation = try #require(Self.tag(in: svg, starting: "<g class=\"mark finding violation\""))
        #expect(violation.contains("data-rules=\"CUT-1\""))
        // Both diamonds inside the viewBox, side by side (not one over the other).
        let svgTag = try #require(Self.tag(in: svg, starting: "<svg"))
        let viewBox = try #require(Self.attribute("viewBox", in: svgTag)).split(separator: " ").compactMap {
            Double($0)
        }
        #expect(viewBox.count == 4)
        var centres: [Double] = []
        for kind in ["warning", "violation"] {
            let start = try #require(svg.range(of: "<g class=\"mark finding \(kind)\""))
            let path = try #require(Self.tag(in: svg[start.lowerBound...], starting: "<path"))
            let d = try #require(Self.attribute("d", in: path))
            let numbers = d.dropFirst().split { $0 == " " || $0 == "l" || $0 == "z" }.compactMap { Double($0) }
            let (x, y) = (numbers[0], numbers[1])
            #expect(x - 7 >= viewBox[0] && x + 7 <= viewBox[0] + viewBox[2], "\(kind) diamond at x \(x)")
            #expect(y >= viewBox[1] && y + 18 <= viewBox[1] + viewBox[3], "\(kind) diamond at y \(y)")
            centres.append(x)
        }
        #expect(abs(centres[0] - centres[1]) >= 14, "the two diamonds overlap: \(centres)")
        // Drawn last: nothing after the first finding's mark but other findings' marks.
        let firstFinding = try #require(svg.range(of: "<g class=\"mark finding"))
        let rest = svg[firstFinding.lowerBound...]
        for drawnBefore in [
            "debt-area", "<polyline", "<g class=\"mark cut\"", "<g class=\"mark restore\"", "<g class=\"mark notice",
        ] {
            #expect(!rest.contains(drawnBefore), "\(drawnBefore) is drawn over the findings")
        }
        let warningMark = try #require(svg.range(of: "<g class=\"mark finding warning\"")).lowerBound
        let warningGroup = svg[warningMark...].prefix { $0 != "/" }
        #expect(
            warningGroup.contains(
                "SUS-2: LineSuspended: suspended on 1403-11-18 13:00 Tehran (2025-02-06), Thursday, before the weekend"),
            "\(warningGroup)")
    }

    // MARK: Reading the SVG

    static func tag(in text: Substring, starting prefix: String) -> Substring? {
        guard let start = text.range(of: prefix), let end = text[start.lowerBound...].firstIndex(of: ">") else {
            return nil
        }
        return text[start.lowerBound...end]
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let value = tag[start.upperBound...]
        return value.firstIndex(of: "\"").map { String(value[..<$0]) }
    }

    static func points(_ polyline: Substring) -> [(Double, Double)] {
        (attribute("points", in: polyline) ?? "").split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// The y of an amount, from the axis's labels (`<text … y="…" class="ylabel">100,000</text>`,
    /// each 4 below its grid line).
    static func axis(_ svg: Substring) throws -> (Rials) -> Double {
        var labels: [(Rials, Double)] = []
        var rest = svg[...]
        while let range = rest.range(of: "class=\"ylabel\">") {
            let opening = rest[..<range.lowerBound]
            let tagStart = try #require(opening.range(of: "<text", options: .backwards))
            let yText = try #require(attribute("y", in: rest[tagStart.lowerBound..<range.upperBound]))
            let y = try #require(Double(yText))
            let value = rest[range.upperBound...].prefix { $0 != "<" }.filter { $0 != "," }
            let amount = try #require(Rials(String(value)))
            labels.append((amount, y - 4))
            rest = rest[range.upperBound...]
        }
        let zero = try #require(labels.first { $0.0 == 0 })
        let other = try #require(labels.last { $0.0 != 0 })
        return { amount in zero.1 + (other.1 - zero.1) * Double(amount) / Double(other.0) }
    }
}
