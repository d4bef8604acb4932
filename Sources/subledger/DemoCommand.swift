import ArgumentParser
import Foundation
import SubledgerStore

/// `subledger demo`: builds a store from a seeded generator and shows what it does.
///
/// For now it shows the store: batched, hash-chained appends, a verified chain, and one
/// stream read back. The ledger's population, audit and replay come with the ledger.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a store from a seeded generator and show what the ledger does with it."
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "The generator's seed: the same seed, the same store.") var seed: UInt64 = 1400
    @Option(help: "How many lines to generate.") var lines: Int = 2000

    func run() throws {
        let path = store.db ?? ProcessInfo.processInfo.environment["SUBLEDGER_DB"] ?? "demo-store"
        if FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("\(path) already exists: the demo builds a new store; name another folder with --db or remove it")
        }
        let eventStore = try EventStore.open(at: path)
        var generator = SeededGenerator(seed: seed)
        let start = Date()
        var appended = 0
        for batchStart in stride(from: 0, to: lines, by: 100) {
            var batch: [ProposedEvent] = []
            for lineIndex in batchStart..<min(batchStart + 100, lines) {
                let number = "+98912\(String(format: "%07d", lineIndex))"
                for month in 0..<12 {
                    let occurred = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(month) * 2_592_000_000)
                    let amount = Int64(generator.next() % 90_000) + 10_000
                    batch.append(ProposedEvent(
                        eventID: .random(using: &generator), type: "UsageRecorded", stream: .line(number),
                        occurredAt: occurred, data: ["amount": .integer(amount), "description": .string("calls and data")],
                        metadata: ["source": "demo"]
                    ))
                }
            }
            appended += try eventStore.append(batch).appendedCount
        }
        let seconds = Date().timeIntervalSince(start)
        let report = try eventStore.verify()
        let sample = try eventStore.events(in: .line("+989120000000"), limit: 3)
        print("subledger demo: a store at \(path)")
        print("  appended \(appended) events for \(lines) lines in \(String(format: "%.2f", seconds)) s (durable batches of up to 1,200 events)")
        print("  chain verified: \(report.verifiedCount) events, head position \(report.headPosition)")
        print("  head hash: \(report.headHash)")
        print("  first events of line +989120000000:")
        for event in sample {
            var line: [UInt8] = []
            EventJSON.write(event, includeHashes: true, into: &line)
            print("    " + String(decoding: line, as: UTF8.self))
        }
        print("explore: subledger verify --db \(path)")
    }
}

/// SplitMix64: a small, fast, seeded generator, so the same seed makes the same store.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
