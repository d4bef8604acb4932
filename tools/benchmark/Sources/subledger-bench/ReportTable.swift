import Foundation
import SubledgerLedger

/// Prints the results as Markdown.
struct ReportTable {
    var measurements: [Measurement]
    var sizes: [StoreSize]

    /// The raw LMDB figure a row is compared with: the append of the same batch size, or
    /// for a read the cursor walk.
    private func baseline(for measurement: Measurement) -> Measurement? {
        measurements.first { candidate in
            guard candidate.engine == .rawLMDB else { return false }
            switch (candidate.operation, measurement.operation) {
            case (.append(let left), .append(let right)): return left == right
            case (.read, .read): return true
            default: return false
            }
        }
    }

    /// Appends by batch size, then reads; raw LMDB, subledger, subledger on PostgreSQL, SQLite within each.
    private var ordered: [Measurement] {
        let engines: [Measurement.Engine] = [.rawLMDB, .subledger, .subledgerPostgres, .sqlite]
        func rank(_ measurement: Measurement) -> (Int, Int) {
            (measurement.batchSize ?? Int.max, engines.firstIndex(of: measurement.engine) ?? engines.count)
        }
        return measurements.sorted { rank($0) < rank($1) }
    }

    func results() -> String {
        var lines = [
            "| What | Batch | Events | Seconds | µs/event | Events/s | vs raw LMDB | CPU µs/event | Notes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for measurement in ordered {
            let operation: String
            let batch: String
            switch measurement.operation {
            case .append(let batchSize):
                operation = "append"
                batch = Self.grouped(batchSize)
            case .read:
                operation = "full read"
                batch = "–"
            }
            let ratio =
                baseline(for: measurement).map {
                    String(format: "%.3f×", measurement.eventsPerSecond / $0.eventsPerSecond)
                } ?? "–"
            lines.append(
                "| \(measurement.engine.rawValue) \(operation) | \(batch) | \(Self.grouped(measurement.eventCount)) | "
                    + String(
                        format: "%.3f | %.3f", measurement.seconds,
                        measurement.seconds / Double(max(measurement.eventCount, 1)) * 1e6)
                    + " | \(Self.grouped(Int(measurement.eventsPerSecond.rounded()))) | \(ratio) | "
                    + String(format: "%.3f", measurement.cpuSeconds / Double(max(measurement.eventCount, 1)) * 1e6)
                    + " | \(Self.notes(of: measurement)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// What subledger adds per event over raw LMDB, for each append batch size and the read.
    func subledgerOverheads() -> [String] {
        measurements.filter { $0.engine == .subledger }.compactMap { measurement in
            guard let raw = baseline(for: measurement) else { return nil }
            let own = measurement.seconds / Double(max(measurement.eventCount, 1)) * 1e6
            let limit = raw.seconds / Double(max(raw.eventCount, 1)) * 1e6
            let what = measurement.batchSize.map { "append at batch \(Self.grouped($0))" } ?? "full read"
            return "- subledger \(what): "
                + String(format: "%.2f µs/event against raw LMDB's %.2f: %+.2f µs/event.", own, limit, own - limit)
        }
    }

    func storeSizes() -> String {
        var lines = [
            "| Store | File | Bytes | Events | Bytes/event | Notes |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        for size in sizes {
            lines.append(
                "| \(size.engine.rawValue) | \(size.file) | \(Self.grouped(size.bytes)) | \(Self.grouped(size.eventCount)) | "
                    + String(format: "%.1f", size.bytesPerEvent) + " | \(size.note) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The row's notes, and a warning when other programs used more than a tenth of a core.
    static func notes(of measurement: Measurement) -> String {
        var notes = measurement.note.isEmpty ? [] : [measurement.note]
        if measurement.otherCPUSeconds >= 0.05, measurement.otherCPUSeconds > 0.1 * measurement.seconds {
            notes.append(
                String(format: "⚠ other programs used %.2f core-s of CPU meanwhile", measurement.otherCPUSeconds))
        }
        return notes.joined(separator: "; ")
    }

    /// 1234567 as "1,234,567": the ledger's one digit grouping (`DisplayFormat.rials`).
    static func grouped(_ value: Int) -> String {
        DisplayFormat.rials(Int64(value))
    }
}
