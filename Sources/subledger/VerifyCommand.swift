import ArgumentParser
import SubledgerStore
import SubledgerVerify

/// `subledger verify [FILE]`: checks the store's hash chain, or an exported file's.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the store's hash chain, or an export file's; name the first bad position.",
        discussion: """
            Without FILE, the store (which must exist) is walked whole: every event decodes, \
            matches its hash and links to the one before; positions and stream versions have \
            no gap; recordedAt never decreases. With FILE (- for standard input), a JSON Lines \
            export is checked exactly as tools/verify_export.py checks it, with the same \
            verdict, first bad position, file line and output: by default it must be a \
            whole-log export (from position 1, no gap); --filtered accepts the gaps of an \
            export of one line or a time range; --complete-streams (for export --line or \
            --subscriber without --from/--to) also requires every stream's versions to run \
            1, 2, 3, ...; every stream's chain is checked wherever the file holds two consecutive \
            versions of it (each streamPrevHash the hash of the stream's event before), and a \
            stream's versions may not skip where the file holds it, except across a gap in \
            positions with --allow-version-gaps (a time-range export); --format 1 checks an \
            export made before subledger migrate (no chain per stream); --anchor HASH requires an event with that \
            hash (a head hash kept \
            from an earlier verification). A CSV export (named .csv, or starting with its \
            header row) is checked the same way, row by row, and its amount columns must say \
            what each row's data cell holds. An empty file proves nothing, and says so. \
            --proof PROOF (from export --proof) must prove the file's last event: its checkpoint \
            signed with its publicKey (--public-key BASE64 pins the operator's key), its \
            inclusion proof of that event's hash at leafIndex position - 1 in the checkpoint's \
            tree. --checkpoint FILE (a kept checkpoint --json) checks the store instead: it \
            verifies whole, the checkpoint is signed and of this store, its root is the store's \
            tree of its size, and a consistency proof from it to the head verifies, so nothing \
            before it was rewritten (--anchor is the older, weaker way: it is kept for \
            tools/verify_export.py's parity). \
            Exit status: 0 good, 1 bad, 2 FILE (or PROOF, or the checkpoint) cannot be read, an --anchor is not 64 \
            lowercase hex digits or --public-key is not a key.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "An export to check instead of the store (JSON Lines or CSV; - for standard input).") var file:
        String?
    @Flag(name: .long, help: "With FILE: accept gaps in positions (an export of one line or a time range).")
    var filtered = false
    @Flag(
        name: .long,
        help:
            "With FILE: every stream in it is whole (export --line or --subscriber without --from/--to): its stream versions run 1, 2, 3, ...; accepts gaps in positions as --filtered does."
    )
    var completeStreams = false
    @Flag(
        name: .long,
        help:
            "With FILE: a time-range export: accept a stream whose versions skip across a gap in positions (an event recorded late that occurred outside the range), counted in versionGaps; implies --filtered."
    )
    var allowVersionGaps = false
    @Option(
        name: .long,
        help:
            "With FILE: 2 (the default), or 1 for an export made before subledger migrate (no streamPrevHash: no chain per stream)."
    )
    var format: Int = 2
    @Option(
        name: .long,
        help: ArgumentHelp(
            "With FILE: a head hash kept from an earlier export that the file must contain (repeatable).",
            valueName: "hash"))
    var anchor: [String] = []
    @Option(
        name: .long,
        help: ArgumentHelp(
            "With FILE: a proof file of export --proof that must prove the file's last event.", valueName: "proof"))
    var proof: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Without FILE: a kept checkpoint (checkpoint --json) that the store's log must still extend.",
            valueName: "file"))
    var checkpoint: String?
    @Option(
        name: .customLong("public-key"),
        help: ArgumentHelp(
            "With --proof or --checkpoint: the operator's Ed25519 public key (base64) that must have signed the checkpoint.",
            valueName: "base64"))
    var publicKey: String?
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func validate() throws {
        if file == nil, filtered || completeStreams || allowVersionGaps || !anchor.isEmpty || proof != nil {
            throw ValidationError(
                "--filtered, --complete-streams, --allow-version-gaps, --anchor and --proof apply to an export FILE")
        }
        guard format == 1 || format == 2 else { throw ValidationError("--format is 1 or 2, not \(format)") }
        if format == 1, proof != nil { throw ValidationError("--proof needs an export of format 2") }
        if file != nil, checkpoint != nil {
            throw ValidationError("--checkpoint checks the store: give it without FILE")
        }
        if publicKey != nil, proof == nil, checkpoint == nil {
            throw ValidationError("--public-key applies to --proof or --checkpoint")
        }
    }

    func run() throws {
        if let checkpoint {
            try verifyKeptCheckpoint(checkpoint)
        } else if let file {
            try verifyExport(file)
        } else {
            try verifyStore()
        }
    }

    private func verifyStore() throws {
        let report: VerificationReport
        do {
            report = try store.openExistingStore(keepingProjections: false).verify()
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        if json {
            JSONOutput.print([
                "ok": .bool(report.isValid), "verified": .integer(Int64(report.verifiedCount)),
                "headPosition": .integer(Int64(report.headPosition)), "headHash": .string(report.headHash.hex),
                "firstBadPosition": report.firstBadPosition.map { .integer(Int64($0)) } ?? .null,
                "problem": report.problem.map { .string($0) } ?? .null,
            ])
        } else if report.isValid {
            print(
                "ok: \(report.verifiedCount) events, head position \(report.headPosition), head hash \(report.headHash)"
            )
        } else {
            print("bad: position \(report.firstBadPosition.map(String.init) ?? "?"): \(report.problem ?? "")")
        }
        if !report.isValid { throw ExitCode(1) }
    }

    private func verifyExport(_ file: String) throws {
        // Usage errors of an export's check exit with 2, as tools/verify_export.py's do.
        for hash in anchor where ChainHash(hex: hash) == nil {
            StandardError.print("Error: --anchor needs 64 lowercase hex digits, got '\(hash)'")
            throw ExitCode(2)
        }
        let reader: LineReader
        do {
            reader = file == "-" ? LineReader(standardInputWithBufferBytes: 1 << 20) : try LineReader(path: file)
        } catch {
            StandardError.print("Error: \(error.description)")
            throw ExitCode(2)
        }
        var verifier = ExportFileVerifier(
            filtered: filtered, anchors: anchor, completeStreams: completeStreams,
            allowVersionGaps: allowVersionGaps, format1: format == 1)
        // A CSV export: named .csv, or starting with the CSV header row.
        var csvVerifier: CSVExportVerifier?
        let namedCSV = file.lowercased().hasSuffix(".csv")
        do {
            // Lines are read, scanned and hashed on a second thread, checked in order here.
            try ExportFileReading.forEachLine(of: reader) { bytes, line in
                if line.number == 1, namedCSV || CSVExportVerifier.isHeader(bytes) {
                    csvVerifier = CSVExportVerifier(
                        filtered: filtered, anchors: anchor, completeStreams: completeStreams,
                        allowVersionGaps: allowVersionGaps, format1: format == 1)
                }
                if csvVerifier != nil {
                    guard csvVerifier!.check(bytes) else { throw StopReading() }
                    return
                }
                guard verifier.check(bytes, line: line.number, endsWithNewline: line.endsWithNewline, scan: line.scan)
                else {
                    throw StopReading()
                }
            }
        } catch is StopReading {
            // The first failure is the verdict.
        } catch let error as CommandFailure {
            StandardError.print("Error: \(error.description)")
            throw ExitCode(2)
        }
        var result = csvVerifier?.finish() ?? verifier.finish()
        var proofLine: String?
        if let proof { (result, proofLine) = try checkingProof(proof, of: result) }
        if json {
            print(result.json)
        } else {
            print(result.text)
            if let proofLine { print(proofLine) }
            if let note = result.gapNote { StandardError.print(note) }
        }
        if !result.ok { throw ExitCode(1) }
    }

    private struct StopReading: Error {}
}
