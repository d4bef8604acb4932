import Foundation

/// The scale part on PostgreSQL (issue 15 item 7): the same facts file imported by the same
/// release binary into a fresh schema of the server, then its store verified, its lines'
/// status timed and its projections rebuilt, each a whole process, beside LMDB's rows.
extension BenchmarkRun {
    /// How the rows of the PostgreSQL store are named.
    static let postgresLabel = " on PostgreSQL"

    /// Times `subledger import`, `verify`, `status LINE` and `rebuild` with
    /// `--db postgres://…?schema=…` on a schema of its own, measures the schema's size and
    /// drops it, however the steps end.
    static func timePostgres(
        _ files: ScaleFiles, serverURL: String, options: BenchmarkOptions, into results: inout ScaleResults
    ) throws {
        let schema = "bench_scale_" + UUID().uuidString.lowercased().filter { $0 != "-" }
        let store = serverURL + "?schema=" + schema
        defer { _ = try? SubledgerEngine.psql(serverURL, "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE", in: files.folder) }
        let events = results.generated.events
        let label = postgresLabel
        let keys = ["--key-file", files.folder.appending("postgres.keys")]

        sync()
        progress("scale\(label): subledger import")
        let importing = try runChecked(
            [files.binary, "import", files.facts, "--db", store, "--json"] + keys, in: files.folder,
            name: "import-postgres")
        try checkImported(files.folder.appending("import-postgres.out"), events: events)
        results.timed("`subledger import`\(label)", "import\(label)", importing)
        var row = ScaleRow.throughput(
            "`subledger import` of the JSON Lines into a fresh store\(label), whole process", events: events,
            process: importing, bytes: results.generated.bytes, bytesLabel: "read")
        row.goal = .atLeast(100_000)
        row.goalText = "≥ 100,000 events/s (issue 15)"
        results.rows.append(row)

        progress("scale\(label): subledger verify (the store)")
        let verifying = try verifyStore(files, at: store, name: "verify-postgres", events: events)
        results.timed("`subledger verify` (store)\(label)", "verify store\(label)", verifying)
        let bytes = try schemaBytes(schema, serverURL: serverURL, folder: files.folder)
        var verifyRow = ScaleRow.throughput(
            "`subledger verify` of the store\(label), whole process", events: events, process: verifying,
            bytes: bytes, bytesLabel: "of tables and indexes")
        (verifyRow.goal, verifyRow.goalText) = (.report, "report")
        results.rows.append(verifyRow)
        let exportBytes = TemporaryFolder.fileSize(files.export)
        let ratio = Double(bytes) / Double(max(exportBytes, 1))
        results.rows.append(
            ScaleRow(
                figure: "Store size\(label) (the schema's tables, indexes, TOAST) vs the export", value: ratio,
                measured: String(format: "%.2f×", ratio), goal: .report, goalText: "report",
                comparator:
                    "\(ReportTable.grouped(bytes)) B (\(perEvent(bytes, events))); export \(ReportTable.grouped(exportBytes)) B",
                notes: "`pg_total_relation_size` summed over the schema's tables"))

        try timeStatusProcesses(files, options: options, store: store, engine: label, into: &results)
        try timeRebuild(files, store: store, engine: label, into: &results)
    }

    /// The bytes of the schema's tables with their indexes and TOAST (`pg_total_relation_size`).
    static func schemaBytes(_ schema: String, serverURL: String, folder: TemporaryFolder) throws -> Int {
        let text = try SubledgerEngine.psql(
            serverURL,
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE n.nspname = '\(schema)' AND c.relkind = 'r'",
            in: folder)
        guard let bytes = Int(text) else { throw BenchmarkError("psql printed no size for schema \(schema): \(text)") }
        return bytes
    }
}
