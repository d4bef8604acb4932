import Crypto
import Foundation
import Testing
@_spi(Testing) import SubledgerStore
import SubledgerStoreTesting

/// The seeded simulator (issue 12 item 7), after TigerBeetle's VOPR and FoundationDB's
/// simulation: random sequences of appends, retries, reads, verifications, checkpoints and
/// reopenings, checked against ``SimulationModel``, with faults injected below the log (a
/// failed put, commit, sync or read; a torn or corrupt value read). Each operation either
/// succeeds and answers as the model does, or fails with an ``EventStoreError`` and changes
/// nothing. A failure names its seed and step: `SUBLEDGER_SIM_SEED=<seed> SUBLEDGER_SIM_STEPS=<steps>`
/// reruns exactly that sequence (docs/testing.md).
@Suite("Simulation: random operations with faults below the log against a model")
struct SimulationTests {
    /// The seeds run by default, on both backends; `SUBLEDGER_SIM_SEED` runs one instead.
    static let defaultSeeds: [UInt64] = [1, 2, 3, 0x5EED]

    static var seeds: [UInt64] {
        ProcessInfo.processInfo.environment["SUBLEDGER_SIM_SEED"].flatMap { UInt64($0) }.map { [$0] } ?? defaultSeeds
    }

    static func steps(_ backend: Backend) -> Int {
        ProcessInfo.processInfo.environment["SUBLEDGER_SIM_STEPS"].flatMap { Int($0) } ?? (backend == .lmdb ? 150 : 300)
    }

    @Test(arguments: Backend.reachingStoredBytes)
    func everyOperationMatchesTheModelOrFailsTypedChangingNothing(_ backend: Backend) throws {
        for seed in Self.seeds {
            let simulation = try StoreSimulation(backend: backend, seed: seed)
            defer { simulation.removeFolder() }
            let steps = Self.steps(backend)
            do {
                try simulation.run(steps: steps)
            } catch {
                let rerun = "SUBLEDGER_SIM_SEED=\(seed) SUBLEDGER_SIM_STEPS=\(error.step + 1)"
                let command = "swift test --skip-build --filter SimulationTests"
                Issue.record("\(backend) \(error); rerun with \(rerun) \(command)")
                return
            }
            #expect(simulation.faultsReached > 0, "seed \(seed): no fault was reached")
            print("simulation (\(backend), seed \(seed)): \(steps) steps, \(simulation.summary)")
        }
    }
}

/// Why the simulation stopped: the step, what it did, and what went wrong.
struct SimulationFailure: Error, CustomStringConvertible {
    var seed: UInt64
    var step: Int
    var operation: String
    var fault: String
    var problem: String

    var description: String { "seed \(seed), step \(step) (\(operation), fault: \(fault)): \(problem)" }
}

/// One run of the simulator on one backend.
final class StoreSimulation {
    enum Operation: CustomStringConvertible {
        case append([ProposedEvent], expecting: [StreamID: ExpectedVersion])
        case read(SimulationRead)
        case verify
        case checkpoint
        case reopen

        var description: String {
            switch self {
            case .append(let batch, let expecting):
                let events = batch.map { "\($0.type) \($0.eventID) on \($0.stream)" }.joined(separator: ", ")
                return "append \(events) expecting \(expecting)"
            case .read(let read): return "read \(read)"
            case .verify: return "verify"
            case .checkpoint: return "record a checkpoint"
            case .reopen: return "close and reopen"
            }
        }
    }

    let backend: Backend
    let seed: UInt64
    let faults = StorageFaults()
    let clock = ManualClock(.at("2025-01-01T00:00:00Z"))
    let folder: String?
    let signingKey = Curve25519.Signing.PrivateKey()
    var store: EventStore?
    var random: SeededRandom
    var proposals: SimulationProposals
    var model = SimulationModel()
    /// Whether this step's fault is a torn or corrupt read.
    var armedCorruption = false
    private(set) var faultsReached = 0
    private var counts: [String: Int] = [:]

    init(backend: Backend, seed: UInt64) throws {
        self.backend = backend
        self.seed = seed
        random = SeededRandom(seed: seed)
        proposals = SimulationProposals(random: SeededRandom(seed: seed ^ 0x9E37_79B9_7F4A_7C15))
        folder = backend == .lmdb ? temporaryFolder() : nil
        store = try open()
    }

    func removeFolder() {
        store = nil
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }

    var summary: String {
        "\(faultsReached) faults reached; " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }

    func open() throws -> EventStore {
        guard let folder else { return EventStore.faultInjecting(faults, clock: clock) }
        return try EventStore.openFaultInjecting(
            at: folder, options: .init(initialMapSizeBytes: 64 << 10, clock: clock), faults: faults)
    }

    /// `SUBLEDGER_SIM_TRACE=1` prints each step, its operation and its fault (docs/testing.md).
    static var tracing: Bool { ProcessInfo.processInfo.environment["SUBLEDGER_SIM_TRACE"] == "1" }

    func run(steps: Int) throws(SimulationFailure) {
        for step in 0..<steps {
            clock.advance(milliseconds: Int64(1 + random.below(5000)))
            let operation = nextOperation()
            let fault = nextFault()
            let fail = { (problem: String) in
                SimulationFailure(
                    seed: self.seed, step: step, operation: "\(operation)", fault: fault ?? "none", problem: problem)
            }
            let problem = perform(operation, fault: fault)
            if Self.tracing { print("sim \(backend) step \(step): \(operation); fault \(fault ?? "none")") }
            if let problem { throw fail(problem) }
            if step % 25 == 24 || step == steps - 1, let problem = compareWithModel() { throw fail(problem) }
        }
    }

    /// Runs `operation` with `fault` armed; the problem found, or `nil`.
    private func perform(_ operation: Operation, fault: String?) -> String? {
        var problem: String?
        var thrown: (any Error)?
        do { problem = try run(operation) } catch { thrown = error }
        let reached = fault != nil && !faults.isArmed && !faults.isCorruptionArmed
        faults.disarm()
        faultsReached += reached ? 1 : 0
        if let problem { return problem }
        guard let thrown else {
            count(reached ? "succeeded despite a fault" : "succeeded")
            return nil
        }
        guard let error = thrown as? EventStoreError else { return "failed with an untyped error: \(thrown)" }
        guard reached else { return "failed without a fault: \(error)" }
        count("failed \(error.code.rawValue)")
        if store == nil { store = try? open() }
        // Nothing may have changed: the whole store must still be the model's.
        return compareWithModel().map { "after failing with \(error): \($0)" }
    }

    private func count(_ what: String) { counts[what, default: 0] += 1 }

    /// Runs `operation` on the store; the problem with its answer, or `nil`; throws what the store threw.
    private func run(_ operation: Operation) throws -> String? {
        guard let store else { return "the store is closed" }
        switch operation {
        case .append(let batch, let expecting): return try append(batch, expecting: expecting, to: store)
        case .read(let read): return try read.check(store, against: &model)
        case .verify:
            let report = try store.verify()
            if report.isValid, report.verifiedCount != model.head {
                return "verify checked \(report.verifiedCount) of \(model.head) events"
            }
            // A corrupt read may make verify report a bad event: that is the corruption found.
            return report.isValid || armedCorruption && !faults.isCorruptionArmed
                ? nil : "verify found \(report.problem ?? "a problem") in a good store"
        case .checkpoint: return try checkpoint(store)
        case .reopen:
            self.store = nil
            self.store = try open()
            return nil
        }
    }

    private func append(_ batch: [ProposedEvent], expecting: [StreamID: ExpectedVersion], to store: EventStore)
        throws -> String?
    {
        let outcome = model.outcome(of: batch, expecting: expecting)
        let result: AppendResult
        do {
            result = try store.append(batch, expecting: expecting)
        } catch let error as EventStoreError where outcome.refuses(with: error.code) {
            count("refused \(error.code.rawValue) as the model")
            return nil
        }
        guard case .appended(let positions, let newCount) = outcome else {
            return "appended at \(result.positions), the model refuses (\(outcome))"
        }
        guard result.positions == positions, result.appendedCount == newCount,
            result.headPosition == model.head + UInt64(newCount)
        else { return "appended \(result), the model appends at \(positions) (\(newCount) new)" }
        model.accept(batch, recordedAt: clock.now())
        return nil
    }

    private func checkpoint(_ store: EventStore) throws -> String? {
        do {
            let checkpoint = try store.recordCheckpoint(signingKey: signingKey)
            guard checkpoint.size == model.head, model.head > 0 else {
                return "a checkpoint of size \(checkpoint.size), the log holds \(model.head)"
            }
            model.acceptCheckpoint(size: checkpoint.size)
            // Read while the step's fault may still be armed: a throw here is a failed read.
            guard checkpoint.rootHash == (try store.merkleRoot(size: checkpoint.size)) else {
                return "the checkpoint's root is not the log's"
            }
            return nil
        } catch let error as EventStoreError where model.head == 0 && error.code == .proofOutOfRange {
            return nil
        }
    }

    /// The whole store read without faults against the model: the log, each stream, each
    /// version, verify, the checkpoints.
    func compareWithModel() -> String? {
        faults.disarm()
        guard let store else { return "the store is closed" }
        do {
            let head = try store.head()
            guard head.position == model.head else { return "the head is \(head.position), the model's \(model.head)" }
            let log = try store.events(from: 1, limit: Int(model.head) + 10)
            if let problem = model.mismatch(log, model.log, "the log") { return problem }
            for stream in SimulationProposals.streams {
                let events = try store.events(in: stream)
                if let problem = model.mismatch(events, model.events(in: stream), "\(stream)") { return problem }
                let version = try store.version(of: stream)
                guard version == model.version(of: stream) else { return "\(stream) is at version \(version)" }
            }
            let report = try store.verify()
            guard report.isValid, report.verifiedCount == model.head else {
                return "verify: \(report.problem ?? "checked \(report.verifiedCount) of \(model.head)")"
            }
            let sizes = Set(try store.checkpoints().map(\.size))
            guard sizes == model.checkpointSizes else { return "checkpoints \(sizes.sorted()), the model's differ" }
            return nil
        } catch {
            return "reading the store without faults failed: \(error)"
        }
    }
}
