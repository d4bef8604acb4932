import Foundation
import Testing
import SubledgerLedger
import SubledgerStore
import SubledgerStoreTesting

/// The shared seeded generator (PropertyTests has a `SeededRandom` of its own).
private typealias FuzzRandom = SubledgerStoreTesting.SeededRandom

/// A seeded fuzzer for the JSON Lines decoder: valid input lines of every event type are
/// mutated (bit flips, truncations, insertions of JSON's own tokens and of bytes that are
/// never UTF-8, splices, random bytes), parsed by `JSONParser`, read by
/// `LedgerFact(input:)` and admitted by a `FactStreamValidator` (as `import` and `apply`
/// do). Nothing may crash or hang; every line is admitted or refused with a typed error.
///
/// `SUBLEDGER_FUZZ_SEED=N` replays a run; `SUBLEDGER_FUZZ_ITERATIONS=N` and
/// `SUBLEDGER_FUZZ_SECONDS=S` (10 by default) run longer.
@Suite("Fuzzing the JSON Lines decoder")
struct FactDecoderFuzzTests {
    static let timeBudgetSeconds = Double(ProcessInfo.processInfo.environment["SUBLEDGER_FUZZ_SECONDS"] ?? "") ?? 10

    static let dictionary: [[UInt8]] =
        [
            "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "\\n", "-", "0", "9",
            "1e5", "0.5", "18446744073709551616", "-9223372036854775808", "9223372036854775807", "true", "false",
            "null",
            "\"amount\":", "\"data\":{}", "\"type\":\"UsageRecorded\"", "\"line\":\"+989121110000\"",
            "\"recordedAt\":\"2024-01-01T00:00:00Z\"",
            "T25:61:61Z", "2024-02-30", String(repeating: "[", count: 70), " ", "\t", "\r",
        ].map { Array($0.utf8) } + [
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        ]

    @Test(.timeLimit(.minutes(1)))
    func mutatedLinesAreAdmittedOrRefusedNeverCrash() throws {
        let seed = FuzzRandom.seed(fromEnvironment: "SUBLEDGER_FUZZ_SEED")
        let iterations = Int(ProcessInfo.processInfo.environment["SUBLEDGER_FUZZ_ITERATIONS"] ?? "") ?? 50_000
        print("JSON Lines decoder fuzz: seed \(seed) (SUBLEDGER_FUZZ_SEED=\(seed) replays it)")
        var random = FuzzRandom(seed: seed)
        let corpus = FactCorpus.lines.map { Array($0.utf8) }
        let ledger = Ledger.inMemory(clock: ManualClock(.at("2030-01-01T00:00:00Z")))
        // Validators that have admitted the corpus's first six lines (an active line) or all
        // of it (a line sold at auction), recording or applying.
        var validators = [
            try FactStreamValidator(ledger: ledger, mode: .record),
            try FactStreamValidator(ledger: ledger, mode: .apply),
            try FactStreamValidator(ledger: ledger, mode: .record),
        ]
        for (index, line) in corpus.enumerated() {
            // The corpus itself is valid: every line reads as a fact and the history is admitted.
            let fact = try #require(try Self.fact(line), "corpus line \(index + 1)")
            _ = try validators[2].admit(fact, index: index)
            if index < 6 {
                _ = try validators[0].admit(fact, index: index)
                _ = try validators[1].admit(fact, index: index)
            }
        }
        let parsed = try corpus.map { line in try line.withUnsafeBytes { try JSONParser.parse(bytes: $0) } }
        let mutator = ByteMutator(dictionary: Self.dictionary)
        var counts = (malformed: 0, notAFact: 0, refused: 0, admitted: 0, done: 0)
        let started = Date()
        while counts.done < iterations, Date().timeIntervalSince(started) < Self.timeBudgetSeconds {
            counts.done += 1
            // Half the inputs are mutated as bytes, half as JSON values (to reach the fields).
            let input =
                random.below(2) == 0
                ? mutator.mutate(
                    corpus[random.below(corpus.count)], splicingWith: corpus[random.below(corpus.count)], using: &random
                )
                : CanonicalJSON.encode(JSONValueMutator.mutate(parsed[random.below(parsed.count)], using: &random))
            let fact: LedgerFact
            do {
                guard let read = try Self.fact(input) else { counts.notAFact += 1; continue }
                fact = read
            } catch is JSONParseError {
                counts.malformed += 1
                continue
            } catch is FactError {
                counts.notAFact += 1
                continue
            }
            let validator = random.below(validators.count)
            do {
                _ = try validators[validator].admit(fact, index: counts.done)
                counts.admitted += 1
            } catch {
                counts.refused += 1
                #expect(!error.description.isEmpty, "seed \(seed), iteration \(counts.done)")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(counts.malformed + counts.notAFact + counts.refused + counts.admitted == counts.done)
        print(
            "JSON Lines decoder fuzz: \(counts.done) iterations in \(String(format: "%.1f", seconds)) s (seed \(seed)): "
                + "\(counts.malformed) malformed JSON, \(counts.notAFact) not a fact, \(counts.refused) refused by the history, "
                + "\(counts.admitted) admitted; 0 crashes, 0 hangs")
    }

    /// The fact on a line; `nil` for JSON that is not an object.
    static func fact(_ bytes: [UInt8]) throws -> LedgerFact? {
        let value = try bytes.withUnsafeBytes { try JSONParser.parse(bytes: $0) }
        guard case .object(let object) = value else { return nil }
        return try LedgerFact(input: object)
    }
}
