/// One row of the results: what ran, how many events, how long.
struct Measurement {
    enum Engine: String {
        case rawLMDB = "raw LMDB (C API)"
        case subledger = "subledger EventStore"
        case subledgerPostgres = "subledger EventStore on PostgreSQL"
        case sqlite = "SQLite (GRDB)"
    }

    enum Operation {
        case append(batchSize: Int)
        case read
    }

    var engine: Engine
    var operation: Operation
    var eventCount: Int
    var seconds: Double
    /// This process's CPU time (user + system) in the same span.
    var cpuSeconds: Double
    /// Core-seconds of user CPU other programs used meanwhile.
    var otherCPUSeconds: Double = 0
    /// What the row measures, in a few words.
    var note: String = ""

    var eventsPerSecond: Double { seconds > 0 ? Double(eventCount) / seconds : .infinity }

    var batchSize: Int? {
        if case .append(let batchSize) = operation { return batchSize }
        return nil
    }
}

/// The size of one engine's store after the full run of batch size 10,000.
struct StoreSize {
    var engine: Measurement.Engine
    var file: String
    var bytes: Int
    var eventCount: Int
    var note: String = ""

    var bytesPerEvent: Double { Double(bytes) / Double(max(eventCount, 1)) }
}
