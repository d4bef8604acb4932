import Foundation
import SubledgerLedger
import SubledgerStore

/// What `subledger demo --facts-out FILE --json` says of the file it wrote.
struct GeneratedFacts: Decodable {
    var lines: Int
    var subscribers: Int
    var events: Int
    var bytes: Int
    var windowDays: Int
    var firstRecordedAt: String
    var lastRecordedAt: String
    var longLine: String
    var longLineEvents: Int
    var longLineFirstOccurredAt: String
    var longLineLastOccurredAt: String
    var anomalies: Int
    var runs: Int
    var milliseconds: Int
    var sampleLines: [String]
}

/// The scale part's results: the rows of its table, the wall time of each phase, details.
struct ScaleResults {
    var generated: GeneratedFacts
    var rows: [ScaleRow] = []
    var phases: [(name: String, seconds: Double)] = []
    var details: [String] = []
    /// The whole processes timed, by name, for the details' CPU line.
    var processes: [(name: String, process: ChildProcess)] = []

    /// Notes a process timed as a phase of its own.
    mutating func timed(_ phase: String, _ name: String, _ process: ChildProcess) {
        phases.append((phase, process.seconds))
        processes.append((name, process))
    }

    /// The process timed under `name`.
    func process(_ name: String) -> ChildProcess? { processes.first { $0.name == name }?.process }
}

/// The files of one scale run, all in one folder under /tmp.
struct ScaleFiles {
    /// The release `subledger` binary timed.
    var binary: String
    var folder: TemporaryFolder
    var facts: String { folder.appending("facts.jsonl") }
    var store: String { folder.appending("store") }
    var export: String { folder.appending("export.jsonl") }
    /// The LMDB store's data file.
    var data: String { store + "/data.mdb" }
}

extension BenchmarkRun {
    /// The figures at scale, each from a measurement of this run: generates the demo's
    /// population as JSON Lines (`subledger demo --facts-out`), then times the release
    /// `subledger` binary as whole processes (import into a fresh store, export, verify of the
    /// export and of the store, status of random lines, rebuild, due and audit) and the
    /// library in this process (`Ledger.status(of:)`, the as-of replay of the 1,000-event
    /// line); with the postgres engine, the same file's import, status and rebuild on
    /// PostgreSQL (issue 15 item 7). Everything lives in one folder under /tmp, removed at the end.
    mutating func runScale() throws {
        let files = ScaleFiles(binary: try Self.scaleBinary(options), folder: try TemporaryFolder(prefix: "scale"))
        defer { files.folder.remove() }
        var results = try Self.generateFacts(files, options: options)
        try Self.timeImport(files, into: &results)
        try Self.timeExportAndVerify(files, into: &results)
        try Self.timeStatusProcesses(files, options: options, into: &results)
        try Self.timeLibrary(files, options: options, into: &results)
        Self.addImportMemoryRow(into: &results)
        try Self.timeRebuild(files, into: &results)
        let queries = try Self.queryRows(
            binary: files.binary, storePath: files.store, folder: files.folder, generated: results.generated)
        results.rows += queries.rows
        results.phases += queries.phases
        if options.engines.contains(.subledgerPostgres), let url = options.postgresURL {
            try Self.timePostgres(files, serverURL: url, options: options, into: &results)
        }
        Self.addScaleDetails(options: options, into: &results)
        scale = results
    }

    /// The release binary the scale part times, checked executable.
    static func scaleBinary(_ options: BenchmarkOptions) throws -> String {
        guard let binary = options.subledgerBinary else {
            throw BenchmarkError(
                "the scale part times the release subledger binary: run it through bash tools/bench.sh, or pass --subledger PATH (or --parts appends)"
            )
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkError("\(binary) is not an executable")
        }
        return binary
    }

    /// The details under the scale table: the facts, the long line, CPU and phases.
    static func addScaleDetails(options: BenchmarkOptions, into results: inout ScaleResults) {
        let generated = results.generated
        let events = generated.events
        results.details.append(
            "- The generated facts: \(ReportTable.grouped(events)) events of \(ReportTable.grouped(generated.lines)) lines and \(ReportTable.grouped(generated.subscribers)) subscribers, seed \(options.scaleSeed), \(ReportTable.grouped(generated.bytes)) bytes (\(Self.perEvent(generated.bytes, events))); lines activate over the last \(generated.windowDays) days of the demo's timeline and live to its end; recorded \(generated.firstRecordedAt) to \(generated.lastRecordedAt); \(generated.runs) sorted runs merged."
        )
        results.details.append(
            "- The long-lived line \(generated.longLine): \(generated.longLineEvents) events, occurred \(generated.longLineFirstOccurredAt) to \(generated.longLineLastOccurredAt)."
        )
        results.details.append(
            "- CPU of the processes (user + system): "
                + results.processes.map {
                    String(format: "%@ %.1f + %.1f s", $0.name, $0.process.userSeconds, $0.process.systemSeconds)
                }.joined(separator: ", ") + ".")
        results.details.append(
            "- Phases of the scale part (wall time): "
                + results.phases.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }.joined(separator: "; ") + ".")
    }

    /// Runs a subledger command with its output in `folder` (`name.out`, `name.err`);
    /// a failure is the benchmark's, with the command's error output.
    static func runChecked(_ arguments: [String], in folder: TemporaryFolder, name: String) throws -> ChildProcess {
        let output = folder.appending("\(name).out")
        let errors = folder.appending("\(name).err")
        let process = try ChildProcess.run(
            arguments, standardOutput: output, standardError: name == "generate" ? nil : errors)
        guard process.succeeded else {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw BenchmarkError("\(process.commandLine) exited with \(process.exitStatus): \(text.prefix(2_000))")
        }
        return process
    }

    static func jsonObject(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchmarkError("\(path) does not hold a JSON object")
        }
        return object
    }

    static func perEvent(_ bytes: Int, _ events: Int) -> String {
        String(format: "%.1f B/event", Double(bytes) / Double(max(events, 1)))
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
