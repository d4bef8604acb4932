import Foundation

/// The scale part's rows for the queries over every line (issue 13, "Also"): `subledger due`
/// and `subledger audit` stream the log line by line, so their time grows with the log and
/// their memory with their output only.
extension BenchmarkRun {
    /// Times `subledger due --at LAST --json` and `subledger audit --json` on the scale store,
    /// each a whole process, and reports each one's rate and peak RSS.
    /// - Parameters:
    ///   - binary: the release `subledger` binary.
    ///   - storePath: the imported scale store.
    ///   - folder: where the processes' outputs go.
    ///   - generated: what the generator wrote (events, lines, the last recorded time).
    /// - Returns: the rows, and the wall time of each query as a phase.
    /// - Throws: ``BenchmarkError`` when a query fails or prints no JSON array.
    static func queryRows(
        binary: String, storePath: String, folder: TemporaryFolder, generated: GeneratedFacts
    ) throws -> (rows: [ScaleRow], phases: [(name: String, seconds: Double)]) {
        let queries: [(name: String, arguments: [String], counted: String)] = [
            ("due", ["due", "--db", storePath, "--at", generated.lastRecordedAt, "--json"], "actions due"),
            ("audit", ["audit", "--db", storePath, "--json"], "findings"),
        ]
        var rows: [ScaleRow] = []
        var phases: [(name: String, seconds: Double)] = []
        for query in queries {
            sync()
            progress("scale: subledger \(query.name)")
            let process = try runChecked([binary] + query.arguments, in: folder, name: query.name)
            let output = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder.appending("\(query.name).out"))))
            guard let entries = output as? [Any] else {
                throw BenchmarkError("subledger \(query.name) --json printed no JSON array")
            }
            phases.append(("`subledger \(query.name)`", process.seconds))
            let rate = Double(generated.events) / max(process.seconds, 1e-9)
            let over = "\(ReportTable.grouped(generated.events)) events of \(ReportTable.grouped(generated.lines)) lines"
            rows.append(
                ScaleRow(
                    figure: "`subledger \(query.name)` over every line, whole process",
                    value: rate, measured: "\(ReportTable.grouped(Int(rate.rounded()))) events/s", goal: .report,
                    goalText: "report",
                    comparator: String(
                        format: "%@ in %.2f s; %@ %@", over, process.seconds, ReportTable.grouped(entries.count),
                        query.counted),
                    notes: String(
                        format: "CPU %.1f s user + %.1f s system", process.userSeconds, process.systemSeconds)
                        + ScaleRow.disturbance(process.otherCPUSeconds, seconds: process.seconds)))
            rows.append(
                ScaleRow(
                    figure: "Peak RSS of `subledger \(query.name)` over every line",
                    value: Double(process.peakResidentBytes), measured: mebibytes(process.peakResidentBytes),
                    goal: .report, goalText: "report, flat in the log's size", comparator: over,
                    notes:
                        "the child's own `VmHWM`, mapped store pages included; anonymous (`RssAnon`) at most \(mebibytes(process.peakAnonymousBytes)); it holds its output, not the log"
                ))
        }
        return (rows, phases)
    }
}
