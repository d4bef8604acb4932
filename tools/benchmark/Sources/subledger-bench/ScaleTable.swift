import Foundation

/// One row of the scale table: a figure measured in this run, its goal, met or missed.
struct ScaleRow {
    enum Goal {
        case atLeast(Double)
        case atMost(Double)
        /// Reported, with no goal.
        case report
    }

    var figure: String
    /// The figure in the goal's unit.
    var value: Double
    var measured: String
    var goal: Goal
    var goalText: String
    /// Events/s and bytes, where they say something.
    var comparator: String
    var notes: String

    var met: Bool? {
        switch goal {
        case .atLeast(let bound): value >= bound
        case .atMost(let bound): value <= bound
        case .report: nil
        }
    }

    var verdict: String {
        switch met {
        case true?: "met"
        case false?: "**missed**"
        case nil: "–"
        }
    }

    /// A whole process's events/s against the goal of 300,000 events/s.
    static func throughput(_ figure: String, events: Int, process: ChildProcess, bytes: Int, bytesLabel: String)
        -> ScaleRow
    {
        let rate = Double(events) / max(process.seconds, 1e-9)
        return ScaleRow(
            figure: figure, value: rate, measured: "\(ReportTable.grouped(Int(rate.rounded()))) events/s",
            goal: .atLeast(300_000),
            goalText: "≥ 300,000 events/s",
            comparator: String(
                format: "%@ events in %.2f s; %@ B %@ (%.0f MB/s)", ReportTable.grouped(events), process.seconds,
                ReportTable.grouped(bytes), bytesLabel, Double(bytes) / max(process.seconds, 1e-9) / 1e6),
            notes: String(
                format: "CPU %.1f s user + %.1f s system; peak RSS %@ (anonymous %@); %@ B written",
                process.userSeconds, process.systemSeconds, BenchmarkRun.mebibytes(process.peakResidentBytes),
                BenchmarkRun.mebibytes(process.peakAnonymousBytes), ReportTable.grouped(process.writtenBytes))
                + disturbance(process.otherCPUSeconds, seconds: process.seconds))
    }

    /// The bytes a whole process wrote to storage against the store it left: the issue's
    /// goal is at most three times the final store (issue 13). The verdict is on what the
    /// device received (``ChildProcess/deviceWrittenBytes``) when it can be read: the
    /// kernel's `write_bytes` counts a dirtied large folio whole, and overstates writes at
    /// scattered pages many times; it is given beside it, with the bytes of the write calls.
    static func bytesWritten(_ figure: String, process: ChildProcess, storeBytes: Int) -> ScaleRow {
        let store = Double(max(storeBytes, 1))
        let counted = process.deviceWrittenBytes ?? process.writtenBytes
        let ratio = Double(counted) / store
        let kernel = String(format: "%.2f×", Double(process.writtenBytes) / store)
        let calls = String(format: "%.2f×", Double(process.writeCallBytes) / store)
        let what = process.deviceWrittenBytes == nil ? "write_bytes" : "written to the device"
        return ScaleRow(
            figure: figure, value: ratio, measured: String(format: "%.2f×", ratio), goal: .atMost(3),
            goalText: "≤ 3× the final store",
            comparator: "\(ReportTable.grouped(counted)) B \(what); data.mdb \(ReportTable.grouped(storeBytes)) B",
            notes: process.deviceWrittenBytes == nil
                ? "write_bytes of /proc/PID/io (wait4's ru_oublock × 512)"
                : "the device's sectors written (/sys/class/block), the run and an untimed sync() after it; "
                    + "write calls (wchar) \(ReportTable.grouped(process.writeCallBytes)) B (\(calls)); "
                    + "write_bytes of /proc/PID/io \(ReportTable.grouped(process.writtenBytes)) B (\(kernel)), "
                    + "which counts each dirtied page-cache folio whole")
    }

    /// "; ⚠ …" when other programs used more than a tenth of a core meanwhile.
    static func disturbance(_ otherCPUSeconds: Double, seconds: Double) -> String {
        guard otherCPUSeconds >= 0.05, otherCPUSeconds > 0.1 * seconds else { return "" }
        return String(format: "; ⚠ other programs used %.2f core-s of CPU meanwhile", otherCPUSeconds)
    }

    static func table(_ rows: [ScaleRow]) -> String {
        var lines = [
            "| Figure | Measured | Goal | Verdict | Events/s, bytes | Notes |",
            "| --- | ---: | --- | --- | --- | --- |",
        ]
        for row in rows {
            lines.append(
                "| \(row.figure) | \(row.measured) | \(row.goalText) | \(row.verdict) | \(row.comparator) | \(row.notes) |"
            )
        }
        return lines.joined(separator: "\n")
    }
}
