import Foundation
import Testing
@testable import SubledgerStore
import SubledgerStoreTesting

/// A seeded fuzzer for the binary record decoder: records written by the store are
/// mutated (bit flips, truncations, insertions, random bytes, splices) and read back as
/// the store reads them (decoded, then hashed). Nothing may crash or hang; every input is
/// decoded or refused; and an input that is decoded and matches its hash must read as the
/// record it came from (a change that verify would miss would be a change of nothing).
///
/// `SUBLEDGER_FUZZ_SEED=N` replays a run; `SUBLEDGER_FUZZ_ITERATIONS=N` and
/// `SUBLEDGER_FUZZ_SECONDS=S` (10 by default) run longer.
@Suite("Fuzzing the binary record decoder")
struct RecordDecoderFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["SUBLEDGER_FUZZ_ITERATIONS"] ?? "") ?? 50_000
    static let timeBudgetSeconds = Double(ProcessInfo.processInfo.environment["SUBLEDGER_FUZZ_SECONDS"] ?? "") ?? 10

    /// Records of varied shapes: every value tag, nesting, metadata, long and non-ASCII
    /// strings, negative and extreme numbers, times far apart.
    static func corpus() throws -> (records: [[UInt8]], backend: InMemoryBackend, log: EventLog<InMemoryBackend>) {
        let backend = InMemoryBackend()
        let log = EventLog(backend: backend, clock: ManualClock(.at("2024-06-01T00:00:00Z")))
        let shapes: [JSONObject] = [
            ["amount": .integer(250_000), "method": .string("card"), "paymentId": .string("P-1")],
            [
                "items": .array([
                    .object(["amount": .integer(1), "description": .string("calls")]), .null, .bool(true), .bool(false),
                ]),
                "total": .integer(Int64.max), "negative": .integer(Int64.min),
            ],
            [
                "name": .string("Zahra Ahmadi - زهرا احمدی"), "nationalId": .string("0012345678"),
                "empty": .object([:]),
                "list": .array([]),
            ],
            ["deep": .object(["a": .object(["b": .object(["c": .array([.array([.integer(-1)])])])])])],
            ["text": .string(String(repeating: "long text ", count: 40)), "zero": .integer(0)],
        ]
        for (index, data) in shapes.enumerated() {
            let event = ProposedEvent(
                type: index % 2 == 0 ? "PaymentReceived" : "InvoiceIssued",
                stream: index % 3 == 0 ? .line("+98912000000\(index)") : .subscriber("S-\(index)"),
                occurredAt: index == 4 ? .minimum : .at("2024-0\(index + 1)-15T10:20:30.456Z"),
                data: data, metadata: index % 2 == 0 ? ["actor": "fuzz", "source": "tests"] : [:]
            )
            _ = try log.append([event], expecting: [:])
        }
        var records: [[UInt8]] = []
        try backend.read { transaction in
            try transaction.scan(.events, from: StoreKeys.position(1)) { entry in
                records.append(Array(entry.value))
                return true
            }
        }
        return (records, backend, log)
    }

    @Test(.timeLimit(.minutes(1)))
    func mutatedRecordsAreDecodedOrRefusedNeverCrash() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_FUZZ_SEED")
        print("record decoder fuzz: seed \(seed) (SUBLEDGER_FUZZ_SEED=\(seed) replays it)")
        var random = SeededRandom(seed: seed)
        let (records, backend, log) = try Self.corpus()
        let mutator = ByteMutator()
        let started = Date()
        var iterations = 0
        var decoded = 0
        var refused = 0
        var reasons: [String: Int] = [:]
        try backend.read { transaction in
            var symbols = SymbolTable()
            try symbols.catchUp(in: transaction)
            // The originals read back whole.
            var scratch: [UInt8] = []
            let originals = try records.enumerated().map { index, record in
                try record.withUnsafeBytes {
                    try log.decode(
                        $0, position: UInt64(index % 5 + 1), symbols: &symbols, in: transaction, scratch: &scratch)
                }
            }
            while iterations < Self.iterations, Date().timeIntervalSince(started) < Self.timeBudgetSeconds {
                iterations += 1
                let index = random.below(records.count)
                var input = mutator.mutate(
                    records[index], splicingWith: records[random.below(records.count)], using: &random)
                // Half the inputs get a fresh checksum, so mutations reach past it into the
                // structure, the format check and the hash.
                if random.below(2) == 1 { input = StoredCorruptionTests.withFreshChecksum(input) }
                do {
                    let event = try input.withUnsafeBytes {
                        try log.decode(
                            $0, position: UInt64(index % 5 + 1), symbols: &symbols, in: transaction, scratch: &scratch)
                    }
                    decoded += 1
                    #expect(
                        event == originals[index],
                        "seed \(seed), iteration \(iterations): a changed record verified: \(input)")
                } catch let error as EventStoreError {
                    refused += 1
                    reasons[error.code.rawValue, default: 0] += 1
                    #expect(error.code == .corrupted, "seed \(seed), iteration \(iterations): \(error)")
                }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(decoded + refused == iterations)
        print(
            "record decoder fuzz: \(iterations) iterations in \(String(format: "%.1f", seconds)) s (seed \(seed), "
                + "SUBLEDGER_FUZZ_SEED to replay): \(decoded) decoded as their original, \(refused) refused "
                + "(\(reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), 0 crashes"
        )
    }

    /// The crash the fuzzer found, pinned: a record whose `recordedAt` lies beyond what the
    /// format writes (here in the year 572,000 or so) is decoded, and writing it for its
    /// hash traps (`Timestamp.write` writes digits past 9 beyond the year 9999, and traps
    /// past the year 207,999 or before the year 0). The decoder should refuse it as
    /// corrupted, as `verify` then would.
    @Test func aRecordWithATimeBeyondTheFormatIsRefusedByTheDecoder() throws {
        let backend = InMemoryBackend()
        let event = RecordedEvent(
            position: 1, streamVersion: 1, recordedAt: Timestamp(millisecondsSinceEpoch: 1 << 54),
            eventID: EventID(high: 1, low: 2),
            type: "PaymentReceived", stream: .line("+98911"), occurredAt: .at("2024-01-01T00:00:00Z"),
            data: ["amount": .integer(1)], metadata: [:], previousHash: .zero, hash: .zero)
        var symbols = SymbolTable()
        let record = try backend.write { transaction in
            try RecordCodec.encode(event, symbols: &symbols, in: transaction)
        }
        // The decoded event is not returned: describing it would write its time, and trap.
        #expect(throws: (any Error).self) {
            _ = try record.withUnsafeBytes { try RecordCodec.decode($0, position: 1, symbols: symbols) }
        }
    }
}
