import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// Issue 12, item 2: `evolve` is total and pure; the refusals are admission's
/// (`LineState.admit`, `SubscriberState.admit`), run once by the ledger's validation.
@Suite("evolve is total; admission refuses (issue 12 item 2)")
struct TotalEvolveTests {
    /// The corpus's facts (every event type), with facts admission refuses: amounts at the
    /// top of 64 bits, a fact of another line, ids never recorded.
    static func facts() throws -> [LedgerFact] {
        let corpus = try FactCorpus.lines.map(BadInputLibraryTests.fact)
        let time = Timestamp.at("2024-03-01T00:00:00Z")
        let extreme: [LedgerEvent] = [
            .usageRecorded(UsageRecorded(amount: .max, description: "all of it")),
            .paymentReceived(PaymentReceived(paymentID: "P-1", amount: .max, method: "card")),
            .paymentReversed(PaymentReversed(paymentID: "P-none")),
            .lineRestored(LineRestored(reconnectionFee: .max)),
            .depositRefunded(DepositRefunded(amount: .max)),
            .noticeDelivered(NoticeDelivered(noticeID: "N-none")),
            .complaintAnswered(ComplaintAnswered(complaintID: "C-none", outcome: .rejected)),
        ]
        let other = LedgerFact.line("+989120000000", time, .usageRecorded(UsageRecorded(amount: 1, description: "x")))
        return corpus + extreme.map { LedgerFact.line(LineNumber(stored: FactCorpus.line), time, $0) } + [other]
    }

    @Test(
        "given any state (nil included), when any fact of the corpus is folded, then evolve returns without trapping (seeded)"
    )
    func evolveIsTotalOnEveryEventTypeAndState() throws {
        let facts = try Self.facts()
        var random = SplitMix64(seed: 0x12_0002)
        for round in 0..<400 {
            var line: LineState?
            var subscriber: SubscriberState?
            for step in 0..<Int.random(in: 0...30, using: &random) {
                let fact = facts.randomElement(using: &random)!
                let position = UInt64(step + 1)
                let before = line
                line = LineState.evolve(line, fact, position: position)
                subscriber = SubscriberState.evolve(subscriber, fact)
                // Whatever was folded, the derived figures are computed without trapping.
                if let line { #expect(line.debt >= 0 && line.credit >= 0, "round \(round)") }
                if case .line = fact.stream {
                    if before == nil, !fact.event.isActivation {
                        #expect(line == nil, "a fact of no line leaves nil (round \(round))")
                    }
                } else {
                    #expect(line == before, "a fact of another stream leaves the line unchanged (round \(round))")
                }
            }
            _ = subscriber
        }
    }

    @Test(
        "given a line folded from the corpus, when each fact is admitted or refused, then checkedEvolve is admit followed by evolve"
    )
    func checkedEvolveIsAdmissionThenTheTotalFold() throws {
        let facts = try Self.facts()
        var random = SplitMix64(seed: 0x12_0003)
        var admitted = 0, refused = 0
        for _ in 0..<300 {
            var line: LineState?
            for step in 0..<Int.random(in: 1...25, using: &random) {
                let fact = facts.randomElement(using: &random)!
                let position = UInt64(step + 1)
                do {
                    let checked = try LineState.checkedEvolve(line, fact, position: position)
                    #expect(checked == LineState.evolve(line, fact, position: position))
                    line = checked
                    admitted += 1
                } catch {
                    #expect(throws: FactError.self) { try LineState.admit(fact, to: line, position: position) }
                    refused += 1
                }
            }
        }
        #expect(admitted > 0 && refused > 0)
    }

    /// The overflow boundary, one rial either side: admission refuses what the total fold saturates.
    @Test(
        "given a line with usage Rials.max - 1, when 1 rial is admitted then 2, then 1 fits and 2 is refused naming the line; evolve saturates"
    )
    func admissionRefusesOneRialPastSixtyFourBits() throws {
        var line = Given(Given.mobileLine()).line
        line.usage = .max - 1
        let one = LedgerFact.on("2024-02-01T00:00:00Z", .usageRecorded(UsageRecorded(amount: 1, description: "x")))
        let two = LedgerFact.on("2024-02-01T00:00:00Z", .usageRecorded(UsageRecorded(amount: 2, description: "x")))
        try LineState.admit(one, to: line, position: 9)
        #expect(try LineState.checkedEvolve(line, one, position: 9).usage == .max)
        let refusal = #expect(throws: FactError.self) { try LineState.admit(two, to: line, position: 9) }
        #expect(refusal?.field == "data.amount")
        #expect(refusal?.reason.contains("line \(Given.number)") == true)
        #expect(refusal?.reason.contains("position 9") == true)
        #expect(refusal?.reason.contains("beyond 64-bit rials") == true)
        #expect(LineState.evolve(line, two, position: 9)?.usage == .max)
    }

    @Test(
        "given no line, when a usage is admitted, then it is refused as a line that does not exist; evolve leaves nil")
    func aFactOfALineThatDoesNotExistIsRefusedByAdmissionOnly() throws {
        let usage = LedgerFact.on("2024-02-01T00:00:00Z", .usageRecorded(UsageRecorded(amount: 1, description: "x")))
        let refusal = #expect(throws: FactError.self) { try LineState.admit(usage, to: nil, position: 0) }
        #expect(refusal?.field == "line")
        #expect(refusal?.reason.contains("does not exist yet") == true)
        #expect(LineState.evolve(nil, usage, position: 0) == nil)
    }

    /// Step 2: the stored projection folds with the total `evolve`; it no longer judges a fact
    /// again inside the write transaction. A fact appended below the ledger (no admission)
    /// is stored, and a read of the line's history, which admits as it folds, reports it.
    @Test(
        "given a reversal of no payment appended below the ledger, when the projection folds it, then the append succeeds and the history's fold refuses it, naming the payment"
    )
    func theStoredProjectionFoldsWithoutJudgingAgain() throws {
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2025-06-01T00:00:00Z")))
        try ledger.record(Given.mobileLine())
        let reversal = LedgerFact.on("2024-02-01T00:00:00Z", .paymentReversed(PaymentReversed(paymentID: "P-none")))
        _ = try ledger.store.append([reversal.proposedEvent()])
        #expect(try ledger.store.head().position == 4)
        #expect(try ledger.status(of: Given.number).debt == 0)
        let refused = #expect(throws: LedgerError.self) {
            try ledger.state(of: Given.number, view: .init(knownAt: .maximum))
        }
        #expect(refused.map { String(describing: $0) }?.contains("no payment P-none on line \(Given.number)") == true)
    }
}

extension LedgerEvent {
    var isActivation: Bool {
        if case .lineActivated = self { true } else { false }
    }
}
