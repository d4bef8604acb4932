import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerLedger
import SubledgerStoreTesting

/// The seeded simulator one level up (issue 12 item 7): random facts (usage, payments, some
/// recorded late), operator actions (notices, cuts, restorations) and reads (state, status
/// as of now and as of / known at earlier moments, due, audit, the stored projection rebuilt,
/// verify) on a ledger whose store fails below the log (`StorageFaults`). The reference is
/// plain: each line's state is the fold of the facts accepted on it, in order; an action must
/// record what `decide` makes of that state; the other reads must answer as a ledger holding
/// the same facts on a store without faults. An operation that fails must fail with a
/// ``LedgerError`` and change nothing. `SUBLEDGER_SIM_SEED` / `SUBLEDGER_SIM_STEPS` rerun one.
@Suite("Simulation: ledger operations with faults below the log against a fold")
struct SimulationLedgerTests {
    @Test func everyLedgerOperationMatchesTheFoldOrFailsTypedChangingNothing() throws {
        let environment = ProcessInfo.processInfo.environment
        let seeds: [UInt64] = environment["SUBLEDGER_SIM_SEED"].flatMap { UInt64($0) }.map { [$0] } ?? [1, 2, 3]
        let steps = environment["SUBLEDGER_SIM_STEPS"].flatMap { Int($0) } ?? 120
        for seed in seeds {
            let simulation = try LedgerSimulation(seed: seed)
            for step in 0..<steps {
                if let problem = simulation.step() {
                    let rerun = "SUBLEDGER_SIM_SEED=\(seed) SUBLEDGER_SIM_STEPS=\(step + 1)"
                    let command = "swift test --skip-build --filter SimulationLedgerTests"
                    Issue.record("seed \(seed), step \(step): \(problem); rerun with \(rerun) \(command)")
                    return
                }
            }
            #expect(simulation.faultsReached > 0, "seed \(seed): no fault was reached")
            print("ledger simulation (seed \(seed)): \(steps) steps, \(simulation.summary)")
        }
    }
}

/// One run: the ledger under test over a fault-injecting store, its shadow without faults,
/// and the facts accepted.
final class LedgerSimulation {
    static let lines: [LineNumber] = ["+989120000001", "+989120000002", "+989120000003"]
    let faults = StorageFaults()
    let clock = ManualClock(.at("2025-01-02T00:00:00Z"))
    let ledger: Ledger
    let shadow: Ledger
    var random: SeededRandom
    /// The facts accepted, in the order recorded.
    var accepted: [LedgerFact] = []
    private(set) var faultsReached = 0
    private var counts: [String: Int] = [:]
    var made = 0
    /// Whether this step armed a fault (a read that meets one may report a bad store).
    private(set) var armedThisStep = false

    init(seed: UInt64) throws {
        random = SeededRandom(seed: seed)
        let store = EventStore.faultInjecting(faults, clock: clock, projection: LedgerProjection())
        ledger = Ledger(store: store, clock: clock)
        shadow = Ledger.inMemory(clock: clock)
        var opening = Array(Given.mobileLine().prefix(2))
        for line in Self.lines {
            opening.append(
                .line(
                    line, .at("2025-01-01T00:00:00Z"),
                    .lineActivated(
                        LineActivated(
                            subscriberID: "S-1", service: .mobile, plan: .noDeposit, connectionFee: 0,
                            vanityPremium: 0))))
        }
        try ledger.record(opening)
        try shadow.record(opening)
        accepted = opening
    }

    var summary: String {
        "\(faultsReached) faults reached; " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }

    func count(_ what: String) { counts[what, default: 0] += 1 }

    /// The fold of the accepted facts of `line` in the order they occurred (a fact recorded
    /// late counts at its time; ties in the order recorded), and of its subscriber: the reference.
    func folded(_ line: LineNumber) -> (line: LineState, subscriber: SubscriberState?) {
        var state: LineState?
        var subscriber: SubscriberState?
        let positioned = accepted.enumerated().map { (position: UInt64($0.offset + 1), fact: $0.element) }
        let inOrder = positioned.sorted { ($0.fact.occurredAt, $0.position) < ($1.fact.occurredAt, $1.position) }
        for (position, fact) in inOrder {
            switch fact.stream {
            case .line(line.text): state = try! LineState.checkedEvolve(state, fact, position: position)
            case .subscriber: subscriber = try! SubscriberState.checkedEvolve(subscriber, fact)
            default: continue
            }
        }
        return (state!, subscriber)
    }

    /// One random operation with, one step in three, a fault armed; the problem, or `nil`.
    func step() -> String? {
        clock.advance(milliseconds: Int64(1 + random.below(6 * 3_600_000)))
        let fault = armFault()
        let name: String
        var problem: String?
        var thrown: LedgerError?
        do {
            switch random.below(10) {
            case 0..<3: (name, problem) = ("record", try record())
            case 3..<5: (name, problem) = ("apply", try applyAction())
            default: (name, problem) = try read()
            }
        } catch {
            (name, thrown) = ("operation", error)
        }
        let reached = fault != nil && !faults.isArmed && !faults.isCorruptionArmed
        faults.disarm()
        faultsReached += reached ? 1 : 0
        let context = "\(name) (fault: \(fault ?? "none"))"
        if let problem { return "\(context): \(problem)" }
        if let thrown {
            guard reached, thrown.code == .store else { return "\(context) failed: \(thrown)" }
            count("failed \(name)")
        } else {
            count(reached ? "\(name) despite a fault" : name)
        }
        return unchanged().map { "\(context): \($0)" }
    }

    /// The store holds exactly the accepted facts, and each line reads as their fold.
    func unchanged() -> String? {
        do {
            let head = try ledger.store.head().position
            guard head == UInt64(accepted.count) else { return "the store holds \(head), the model \(accepted.count)" }
            for line in Self.lines where try ledger.state(of: line) != folded(line).line {
                return "line \(line) does not read as the fold of its facts"
            }
            return nil
        } catch {
            return "reading the store without faults failed: \(error)"
        }
    }

    private func armFault() -> String? {
        armedThisStep = false
        guard random.below(3) == 0 else { return nil }
        armedThisStep = true
        let occurrence = 1 + random.below(12)
        guard random.below(3) != 0 else {
            let flip = StorageFaults.Corruption.flip(byte: random.below(200), mask: UInt8(1 + random.below(255)))
            faults.armCorruption(flip, ofValue: occurrence)
            return "value \(occurrence) read corrupt"
        }
        let operation = StorageFaults.Operation.allCases[random.below(StorageFaults.Operation.allCases.count)]
        faults.arm(operation, occurrence: occurrence)
        return "\(operation) \(occurrence) fails"
    }
}
