import ArgumentParser
import SubledgerLedger
import SubledgerStore
import SubledgerVerify

/// `subledger export`: the history in the interchange format, streamed.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the history as JSON Lines (interchange.md, with hashes) or CSV.",
        discussion: """
            JSON Lines: one event a line, exactly the canonical output form of interchange.md \
            (position, streamVersion, recordedAt, eventId, prevHash, hash included), in position \
            order; a whole-log export checks with tools/verify_export.py, a filtered one with \
            its --filtered, a whole stream's with its --complete-streams. CSV: RFC 4180 in \
            UTF-8, a header row, one column per common field (metadata and data as canonical \
            JSON), then every whole-rial field of data in a column of its own (amount, total, \
            price, value, fee, connectionFee, vanityPremium, reconnectionFee), records ending \
            with CRLF; verify FILE checks it as it checks JSON Lines. \
            --from and --to filter on occurredAt (business time), not on recordedAt. \
            The export of a whole stream (--line or --subscriber, no time filter) is checked \
            complete, stream versions 1..n, and says so on standard error. \
            With --output the file appears only once it is complete. \
            --proof FILE writes {"checkpoint", "inclusion"}: the latest recorded checkpoint and \
            the inclusion proof of the last exported event in its tree (verify FILE --proof \
            FILE checks both); export only reads, so without a checkpoint that covers that \
            event it is refused: run subledger checkpoint first.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Only this line's events (E.164).", transform: LineArgument.parse) var line: String?
    @Option(name: .long, help: "Only this subscriber's events (the subscriber's own stream).") var subscriber: String?
    @Option(
        name: .long,
        help: ArgumentHelp("Only events whose occurredAt is at or after this time (RFC 3339).", valueName: "time"),
        transform: TimeArgument.parse)
    var from: Timestamp?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only events whose occurredAt is before this time (RFC 3339; exclusive).", valueName: "time"),
        transform: TimeArgument.parse)
    var to: Timestamp?
    @Option(name: .long, help: "jsonl or csv.") var format: Format = .jsonl
    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the checkpoint and the inclusion proof of the last exported event to this file.", valueName: "file"))
    var proof: String?
    @Flag(
        name: .long,
        help:
            "Add each event's personal data in clear with its salts (\"disclosures\", never hashed; RET-1): needs the store's key file."
    )
    var disclose = false

    /// Events read from the store at a time.
    private static let chunkSize = 4096

    func validate() throws {
        if line != nil, subscriber != nil { throw ValidationError("give --line or --subscriber, not both") }
        if let from, let to, from >= to {
            throw ValidationError("--from must be before --to (the range is from <= occurredAt < to)")
        }
        if proof != nil, format != .jsonl {
            throw ValidationError("--proof needs --format jsonl: the proof names the last line's hash")
        }
        if disclose, format != .jsonl {
            throw ValidationError("--disclose writes JSON Lines: it cannot be used with --format csv")
        }
    }

    func run() throws {
        let eventStore = try store.openExistingStore(keepingProjections: false)
        if disclose { _ = try store.keyFile(for: eventStore, creating: false) }
        let destination =
            try output.map { path throws(CommandFailure) in try BufferedOutput(path: path) } ?? BufferedOutput()
        if format == .csv { try destination.append { CSVExport.appendHeader(into: &$0) } }
        var completeness: String?
        // With --proof: the checkpoint is read first (refused before anything is written).
        let exportProof = try proof.map { try ExportProof(path: $0, store: eventStore) }
        do {
            if let stream = line.map(StreamID.line) ?? subscriber.map(StreamID.subscriber) {
                let last = try exportStream(stream, of: eventStore, to: destination, proof: exportProof)
                if from == nil, to == nil { completeness = "complete: \(stream), stream versions 1..\(last)" }
            } else {
                switch format {
                case .jsonl where disclose:
                    try eventStore.forEachEvent(from: 1, chunkSize: Self.chunkSize, verifyingHashes: true) { event in
                        guard includes(event) else { return }
                        try write(event, to: destination, disclosures: try disclosures(of: event, in: eventStore))
                        exportProof?.lastEvent = (event.position, event.hash)
                    }
                case .jsonl:
                    try exportWholeLog(of: eventStore, to: destination, proof: exportProof)
                case .csv:
                    try eventStore.forEachEvent(from: 1, chunkSize: Self.chunkSize, verifyingHashes: true) { event in
                        if includes(event) { try write(event, to: destination) }
                    }
                }
            }
            try exportProof?.write()
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
        try destination.commit()
        if let completeness { StandardError.print(completeness) }
    }

    /// Exports the whole log as JSON Lines: ``ExportedLines/forEachLine(of:chunkSize:_:)``
    /// reads, checks and encodes the events on a second thread while this one writes them.
    private func exportWholeLog(of eventStore: EventStore, to destination: BufferedOutput, proof: ExportProof?) throws {
        try ExportedLines.forEachLine(of: eventStore, chunkSize: Self.chunkSize) { occurredAt, line in
            if let from, occurredAt < from { return }
            if let to, occurredAt >= to { return }
            try destination.append { $0.append(contentsOf: line) }
            proof?.lastLine = line
        }
    }

    /// Exports one stream, checking that its versions run 1..n without a gap; returns n.
    private func exportStream(
        _ stream: StreamID, of eventStore: EventStore, to destination: BufferedOutput, proof: ExportProof?
    ) throws -> UInt64 {
        let expected = try eventStore.version(of: stream)
        guard expected > 0 else { throw CommandFailure("\(stream) has no events in the store: nothing to export") }
        var next: UInt64 = 1
        while true {
            let chunk = try eventStore.events(in: stream, from: next, limit: Self.chunkSize)
            for event in chunk {
                guard event.streamVersion == next else {
                    throw CommandFailure(
                        "incomplete: \(stream): stream version \(next) is missing (the next event, at position \(event.position), has version \(event.streamVersion))"
                    )
                }
                if includes(event) {
                    try write(event, to: destination, disclosures: try disclosures(of: event, in: eventStore))
                    proof?.lastEvent = (event.position, event.hash)
                }
                next += 1
            }
            if chunk.count < Self.chunkSize { break }
        }
        let last = next - 1
        guard last >= expected else {
            throw CommandFailure(
                "incomplete: \(stream): stream versions 1..\(last) were read, but the stream is at version \(expected)")
        }
        return last
    }

    private func includes(_ event: RecordedEvent) -> Bool {
        if let from, event.occurredAt < from { return false }
        if let to, event.occurredAt >= to { return false }
        return true
    }

    /// With `--disclose`, the event's disclosures (`nil`: none, or erased); read only for
    /// an event whose data holds a commitment.
    private func disclosures(of event: RecordedEvent, in eventStore: EventStore) throws -> [String: Disclosure]? {
        guard disclose, event.data.contains(where: { Disclosure.commitment(ofMember: $0.value) != nil }) else {
            return nil
        }
        return try eventStore.disclosures(at: event.position)
    }

    private func write(_ event: RecordedEvent, to destination: BufferedOutput, disclosures: [String: Disclosure]? = nil)
        throws
    {
        switch format {
        case .jsonl:
            try destination.append { bytes in
                EventJSON.write(event, includeHashes: true, into: &bytes)
                if let disclosures {
                    // Beside the hashed members, never among them: the object's last `}` moves after it.
                    bytes.removeLast()
                    bytes.append(contentsOf: Array(#","disclosures":"#.utf8))
                    bytes.append(
                        contentsOf: CanonicalJSON.encode(
                            .object(JSONObject(disclosures.map { ($0.key, $0.value.json) }))))
                    bytes.append(UInt8(ascii: "}"))
                }
                bytes.append(UInt8(ascii: "\n"))
            }
        case .csv:
            try destination.append { CSVExport.append(event, into: &$0) }
        }
    }
}
