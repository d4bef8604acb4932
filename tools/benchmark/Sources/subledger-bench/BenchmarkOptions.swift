/// What to run: how many events, and how many for the slow batches of one event.
struct BenchmarkOptions {
    /// Events appended per run of batch size 100 and 10,000, and read back.
    var eventCount = 1_000_000
    /// Events appended per run of batch size 1 (one fsync each); `nil` means min(N, 2,000).
    var singleEventBatchCount: Int?
    /// How many turns the engines take at each batch size (see ``BenchmarkRun/runAppends(batchSize:)``).
    var rounds = 100
    /// Concurrent single-event appenders of the concurrent run.
    var concurrentWriters = 64
    /// Events of the concurrent run; `nil` means min(N, 20,000).
    var concurrentEvents: Int?
    var concurrentEventCount: Int { min(eventCount, concurrentEvents ?? 20_000) }
    /// The engines to run, in this order.
    var engines: [Measurement.Engine] = [.subledger, .rawLMDB, .sqlite]

    /// The names `--engines` takes.
    static let engineNames: [String: Measurement.Engine] = ["subledger": .subledger, "raw": .rawLMDB, "sqlite": .sqlite]

    /// The batch sizes appended, in this order.
    static let batchSizes = [1, 100, 10_000]

    /// Events appended at `batchSize`.
    func count(forBatchSize batchSize: Int) -> Int {
        batchSize == 1 ? min(eventCount, singleEventBatchCount ?? 2_000) : eventCount
    }

    static let usage = """
        usage: bash tools/bench.sh [--events N] [--single-events M] [--engines LIST] [--rounds R]
                                 [--concurrent-writers W] [--concurrent-events C]
          --events N         events per run (default 1000000; env SUBLEDGER_BENCH_EVENTS)
          --single-events M  events for batch size 1, one fsync each (default min(N, 2000);
                             env SUBLEDGER_BENCH_SINGLE_EVENTS)
          --engines LIST     which engines run (default subledger,raw,sqlite)
          --rounds R         turns the engines take at each batch size, each appending
                             its share of the batches in turn (default 100)
          --concurrent-writers W  concurrent single-event appenders, each append durable
                             before its next (default 64)
          --concurrent-events C   events the concurrent appenders write in all
                             (default min(N, 20000))
        """

    /// Reads the environment, then the arguments (which win).
    static func parse(_ arguments: [String], environment: [String: String]) throws(UsageError) -> BenchmarkOptions {
        var options = BenchmarkOptions()
        if let text = environment["SUBLEDGER_BENCH_EVENTS"] {
            options.eventCount = try positive(text, "SUBLEDGER_BENCH_EVENTS")
        }
        if let text = environment["SUBLEDGER_BENCH_SINGLE_EVENTS"] {
            options.singleEventBatchCount = try positive(text, "SUBLEDGER_BENCH_SINGLE_EVENTS")
        }
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            func value() throws(UsageError) -> String {
                if parts.count == 2 { return parts[1] }
                guard let next = remaining.popFirst() else { throw UsageError(message: "\(name) needs a value") }
                return next
            }
            switch name {
            case "--events", "-n": options.eventCount = try positive(try value(), name)
            case "--single-events": options.singleEventBatchCount = try positive(try value(), name)
            case "--engines": options.engines = try engines(try value())
            case "--rounds": options.rounds = try positive(try value(), name)
            case "--concurrent-writers": options.concurrentWriters = try positive(try value(), name)
            case "--concurrent-events": options.concurrentEvents = try positive(try value(), name)
            case "--help", "-h": throw UsageError(message: nil)
            default: throw UsageError(message: "unknown argument \(argument)")
            }
        }
        return options
    }

    private static func engines(_ text: String) throws(UsageError) -> [Measurement.Engine] {
        var engines: [Measurement.Engine] = []
        for name in text.split(separator: ",") {
            guard let engine = engineNames[String(name)] else {
                throw UsageError(message: "unknown engine \(name): use subledger, raw, sqlite")
            }
            if !engines.contains(engine) { engines.append(engine) }
        }
        guard !engines.isEmpty else { throw UsageError(message: "--engines needs at least one engine") }
        return engines
    }

    private static func positive(_ text: String, _ name: String) throws(UsageError) -> Int {
        let digits = text.replacingUnderscoresAndCommas()
        guard let value = Int(digits), value > 0 else {
            throw UsageError(message: "\(name) must be a positive whole number, not \(text)")
        }
        return value
    }
}

/// A bad command line; `message` is `nil` for `--help`.
struct UsageError: Error {
    var message: String?
}

extension String {
    /// "1_000_000" and "1,000,000" read as 1000000.
    fileprivate func replacingUnderscoresAndCommas() -> String {
        String(filter { $0 != "_" && $0 != "," })
    }
}
