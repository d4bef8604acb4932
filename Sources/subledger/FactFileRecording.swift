import SubledgerLedger
import SubledgerStore

/// What `import` and `apply` share: a file of facts recorded all or nothing, streamed.
///
/// An import reads its input once (issue 13 item 6, `FactFileRecording+OnePass.swift`):
/// each line admitted and appended inside one ``EventStore/withImport(_:)``, rolled back if
/// a line is refused; a new store is built aside and moved into place once whole
/// (`FactFileRecording+NewStore.swift`). Otherwise (an apply, or an import into a folder
/// that holds other files) the input is read twice, line by line (never whole in memory):
/// 1. Checking, outside any write transaction: each line is parsed, read as a fact and
///    admitted by a ``FactStreamValidator``, which loads each stream's history from the
///    store the first time the input needs it. Bad input stops here, before anything is
///    written and without holding the store's writer lock. When the store does not exist
///    yet, it is checked as an empty one and created only once the input passed.
/// 2. Recording: the streams must still be at the versions checked (else another writer
///    came in between, and both passes run again), then the input is read and validated
///    again from the loaded states (no store read inside a transaction) and appended in
///    chunks. An import goes through ``EventStore/withImport(_:)`` (issue 13): each chunk,
///    of at most ``StoreLimits/importTransactionEvents`` events or about
///    ``StoreLimits/importTransactionBytes`` of input, is one write transaction beyond the
///    visible head, all visible at once at the end, rolled back if anything fails or the
///    process dies; memory stays that of one chunk whatever the file's size. An apply (a
///    few operator actions) stays in one ``EventStore/withAppendSession(_:)``, which may
///    run its body again when the map grows; the body reads its input afresh each time.
struct FactFileRecording {
    let input: FactInput
    let mode: FactStreamValidator.Mode
    let store: StoreOptions
    /// The events of one transaction of an import, at most (``StoreLimits/importTransactionEvents``).
    var importTransactionEvents = StoreLimits.importTransactionEvents
    /// The longest input line accepted (``StoreLimits/importLineBytes``).
    static let maximumLineBytes = StoreLimits.importLineBytes
    /// The attempts of a whole import against other writers (``ConflictRetry``): fewer than
    /// an action's, since each attempt reads the whole input again.
    static let maximumAttempts = 5

    /// Another writer changed a stream of the input between checking and recording.
    private struct StreamsChanged: Error {}

    init(input: FactInput, mode: FactStreamValidator.Mode, store: StoreOptions) {
        self.input = input
        self.mode = mode
        self.store = store
    }

    func run() throws -> RecordingSummary {
        let mapSize = try mapSizeForInput()
        if try importsInOnePass() { return try importInOnePass(mapSize: mapSize) }
        if try importsIntoNewStore() { return try importIntoNewStore(mapSize: mapSize) }
        let exhausted = {
            CommandFailure(
                "\(input.name): other writers kept changing the input's lines and subscribers while it was recorded; nothing was written"
            )
        }
        return try ConflictRetry.run(attempts: Self.maximumAttempts, exhausted: exhausted) {
            () throws -> ConflictRetry.Attempt<RecordingSummary> in
            let existed = try store.storeExists()
            let checkingLedger =
                existed ? Ledger(store: try store.openStore(initialMapSizeBytes: mapSize)) : Ledger.inMemory()
            var validator: FactStreamValidator
            do throws(LedgerError) {
                validator = try FactStreamValidator(ledger: checkingLedger, mode: mode, restartable: true)
            } catch {
                throw CommandFailure(error.description)
            }
            let factCount = try readFacts(phase: "checking", validator: &validator) { _, _, _ in }
            guard factCount > 0 else { return .finished(RecordingSummary()) }
            let eventStore = existed ? checkingLedger.store : try store.openStore(initialMapSizeBytes: mapSize)
            let prepared = validator.restartedFromLoadedStates()
            // The key is read (or made) before anything is recorded: a missing key fails first.
            let keyFile = try keyFileForCheckpoint(of: eventStore, factCount: factCount)
            do {
                let summary =
                    mode == .record
                    ? try eventStore.withImport { session in
                        try sayingNothingImported {
                            try record(
                                into: Destination(session, events: importTransactionEvents), from: prepared,
                                expecting: factCount)
                        }
                    }
                    : try eventStore.withAppendSession { session in
                        try record(into: Destination(session), from: prepared, expecting: factCount)
                    }
                return .finished(try checkpointing(summary, of: eventStore, signedWith: keyFile))
            } catch is StreamsChanged {
                return .conflicted
            } catch let error as EventStoreError {
                throw CommandFailure("\(input.name): \(error.message)")
            }
        }
    }

    /// A map for the store large enough for the input's events (the store takes about
    /// three times the size of its JSON Lines input), so that the session rarely starts
    /// over to grow the map.
    private func mapSizeForInput() throws -> Int {
        let size = try LineReader(path: input.path, name: input.name).fileSize ?? 0
        return min(size, 1 << 40) * 4
    }

    /// Where the second pass appends: an import's session (a transaction per chunk) or an
    /// append session (one transaction), and the chunk that bounds each append.
    struct Destination {
        let append: ([ProposedEvent]) throws -> AppendResult
        let version: (StreamID) throws -> UInt64
        let chunkEvents: Int
        let chunkBytes: Int

        init(_ session: ImportSession, events: Int) {
            append = { try session.append($0) }
            version = { try session.version(of: $0) }
            chunkEvents = events
            chunkBytes = StoreLimits.importTransactionBytes
        }

        init(_ session: AppendSession) {
            append = { try session.append($0) }
            version = { try session.version(of: $0) }
            chunkEvents = 10_000
            chunkBytes = Int.max
        }
    }

    /// The second pass: the input appended in chunks through `destination`, from the
    /// states the first loaded, which the streams must still be at.
    private func record(into destination: Destination, from prepared: FactStreamValidator, expecting factCount: Int)
        throws -> RecordingSummary
    {
        for (stream, version) in prepared.loadedVersions {
            guard try destination.version(stream) == version else { throw StreamsChanged() }
        }
        var validator = prepared
        let summary = try append(into: destination, validating: &validator)
        guard summary.facts == factCount else {
            throw CommandFailure(
                "\(input.name): the input changed while it was recorded (\(factCount) facts, then \(summary.facts)); nothing was written"
            )
        }
        return summary
    }

    /// Reads the input once, admitting each fact with `validator` and appending it through
    /// `destination` in chunks; the summary counts the facts read.
    func append(into destination: Destination, validating validator: inout FactStreamValidator) throws
        -> RecordingSummary
    {
        var summary = RecordingSummary()
        var pending: [ProposedEvent] = []
        var pendingLines: [Int] = []
        var chunkStart = 0
        pending.reserveCapacity(min(destination.chunkEvents, 10_000))
        pendingLines.reserveCapacity(min(destination.chunkEvents, 10_000))
        func appendPending() throws {
            guard !pending.isEmpty else { return }
            do {
                summary.add(try destination.append(pending))
            } catch let error as EventStoreError {
                throw CommandFailure(
                    "\(batchLocation(of: error, events: pending, lines: pendingLines)): \(message(of: error))",
                    field: error.field)
            }
            pending.removeAll(keepingCapacity: true)
            pendingLines.removeAll(keepingCapacity: true)
        }
        let count = try readFacts(phase: "recording", validator: &validator) { event, line, bytes in
            pending.append(event)
            pendingLines.append(line)
            if pending.count >= destination.chunkEvents || bytes - chunkStart >= destination.chunkBytes {
                try appendPending()
                chunkStart = bytes
            }
        }
        try appendPending()
        summary.facts = count
        return summary
    }

    /// Reads the input once, admitting every fact; returns how many there were. The lines
    /// are read and parsed on a second thread (``FactLinePipeline``) while this one admits
    /// and handles them, in input order.
    private func readFacts(
        phase: String, validator: inout FactStreamValidator,
        _ handle: (ProposedEvent, Int, Int) throws -> Void
    ) throws -> Int {
        let reader = try LineReader(
            path: input.path, name: input.name, maximumLineBytes: Self.maximumLineBytes, refusingByteOrderMark: true)
        let progress = ProgressBar.onTerminal(phase: "\(phase) \(input.name)", totalBytes: reader.fileSize)
        defer { progress?.finish() }
        var count = 0
        try FactLinePipeline.forEachLine(of: reader, name: input.name) { line in
            progress?.update(bytes: line.bytesConsumed, events: count)
            let fact: LedgerFact
            switch line.content {
            case .blank: return
            case .refused(let failure): throw failure
            case .fact(let parsed): fact = parsed
            }
            let event: ProposedEvent
            do throws(LedgerError) {
                event = try validator.admit(fact, index: line.number - 1)
            } catch {
                throw FactLine.refusal(error, of: fact, file: input.name, line: line.number)
            }
            count += 1
            try handle(event, line.number, line.bytesConsumed)
        }
        return count
    }

    /// Where in the input a store's refusal of a batch points: the line of the event it
    /// names when it names one, else the batch's lines.
    /// The store's message, naming the input's field where there is one.
    private func message(of error: EventStoreError) -> String {
        guard error.code == .eventIDReused, let position = error.position else { return error.message }
        let id = error.message.split(separator: " ").dropFirst(2).first.map(String.init) ?? "the id"
        return
            "field eventId: \(id) is already recorded at position \(position) with other content; nothing was written"
    }

    /// The input line of the event an error is about: for a reused id, its later use (the
    /// store refuses the second event that carries it).
    private func batchLocation(of error: EventStoreError, events: [ProposedEvent], lines: [Int]) -> String {
        if let index = events.lastIndex(where: { error.message.contains($0.eventID.description) }) {
            return "\(input.name):\(lines[index])"
        }
        return "\(input.name): lines \(lines.first ?? 0)..\(lines.last ?? 0)"
    }
}

/// What an import or an apply recorded.
struct RecordingSummary {
    /// Facts read from the input.
    var facts = 0
    /// Events new to the store; the others were idempotent retries of recorded events.
    var recorded = 0
    var firstPosition: UInt64?
    var lastPosition: UInt64?
    /// The checkpoint recorded after a large recording (``FactFileRecording``).
    var checkpoint: SignedCheckpoint?

    mutating func add(_ result: AppendResult) {
        guard result.appendedCount > 0 else { return }
        if firstPosition == nil { firstPosition = result.headPosition - UInt64(result.appendedCount) + 1 }
        lastPosition = result.headPosition
        recorded += result.appendedCount
    }

    /// `imported 11 events (positions 1..11)`, with `verb` for the first word.
    func text(verb: String) -> String {
        var text = "\(verb) \(recorded) event\(recorded == 1 ? "" : "s")"
        if let firstPosition, let lastPosition { text += " (positions \(firstPosition)..\(lastPosition))" }
        if facts > recorded { text += "; \(facts - recorded) already recorded (same eventId and fact)" }
        if let checkpoint { text += "; checkpoint of size \(checkpoint.size) recorded (root \(checkpoint.rootHash))" }
        return text
    }

    /// The `--json` document: {`<verb>`, `alreadyRecorded`, `firstPosition`, `lastPosition`}.
    func json(verb: String) -> JSONObject {
        var object: JSONObject = [
            verb: .integer(Int64(recorded)), "alreadyRecorded": .integer(Int64(facts - recorded)),
            "firstPosition": firstPosition.map { .integer(Int64($0)) } ?? .null,
            "lastPosition": lastPosition.map { .integer(Int64($0)) } ?? .null,
        ]
        if let checkpoint { object["checkpoint"] = checkpoint.json }
        return object
    }
}
