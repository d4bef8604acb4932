/// Every bound the store puts on an event, in one place: the append path refuses an event
/// beyond any of them (``EventStoreError/Code/invalidEvent``, naming the field and the
/// bound, writing nothing), and the read path (the record decoder, the JSON parser)
/// checks the same constants, so that whatever the store accepts, it can read back,
/// verify and export, and its export can be read again.
///
/// The store's other bounds live here too (issue 12, item 5): the group commit's groups and
/// queue, the retries on a version conflict, LMDB's readers and map, the chunks a read
/// takes, the threshold of a slow commit's log entry.
///
/// The relations between them are asserted below (``relationsHold``) and by a test.
public enum StoreLimits {
    /// The deepest nesting of arrays and objects in one JSON document the store's parser
    /// reads (an export line, a fact line; the whole line's object is level 1), so that
    /// hostile input cannot exhaust the stack.
    public static let jsonDepth = 64

    /// The deepest nesting within an event's `data`, `data` itself being level 1. An
    /// export line (and a fact line) holds `data` one level below its own object, so
    /// ``jsonDepth`` - 1 levels are what the parser reads back.
    public static let dataDepth = jsonDepth - 1

    /// The longest event type, in UTF-8 bytes (a type is an interned symbol).
    public static let typeBytes = 100

    /// The longest stream id, in UTF-8 bytes: the stream indexes' keys hold it, and
    /// LMDB's keys are at most 511 bytes.
    public static let streamIDBytes = 200

    /// The longest stream category (`line`, `subscriber`), in UTF-8 bytes.
    public static let streamCategoryBytes = 32

    /// The longest key of an object in `data` or in `metadata`, in UTF-8 bytes. Every
    /// distinct key becomes a symbol the store keeps for ever, and in memory.
    public static let keyBytes = 128

    /// The longest string value in `data`, in UTF-8 bytes.
    public static let stringBytes = 1 << 16

    /// The most members of one object in `data`.
    public static let objectMembers = 10_000

    /// The most elements of one array in `data`.
    public static let arrayElements = 10_000

    /// The most members of an event's `metadata`.
    public static let metadataMembers = 32

    /// The longest value in `metadata`, in UTF-8 bytes.
    public static let metadataValueBytes = 4096

    /// The largest stored record of one event (its binary encoding), in bytes.
    public static let recordBytes = 1 << 20

    /// The longest export line of one event (its canonical JSON with `hash` and
    /// `prevHash`, without the newline), in bytes. Keys cost one byte in a record and
    /// up to ``keyBytes`` in JSON, so this bound is not implied by ``recordBytes``. The
    /// CLI reads lines of up to 16 MiB in `import` and 64 MiB in `verify FILE`.
    public static let exportedEventBytes = 4 << 20

    /// The longest line the CLI's `import` reads (a fact in the input form): 16 MiB, room for
    /// any ``exportedEventBytes`` line with space to spare.
    public static let importLineBytes = 16 << 20

    /// The most events of one write transaction of an import (``EventStore/withImport(_:)``,
    /// issue 13): an import of any size commits in transactions of this many events or
    /// ``importTransactionBytes``, whichever comes first, beyond the visible head.
    ///
    /// Each transaction rewrites every index page its events touch, and an import's
    /// events fall all over the indexes, so the bytes written grow with the number of
    /// transactions times the indexes' size. Measured on 990,888 events over 100,000
    /// lines, the projection caught up in one transaction: transactions of 50,000 events
    /// wrote 5.6 GB (6.8 × the 827 MB store), of 100,000 2.3 GB, of 200,000 1.1 GB
    /// (1.4 × the 815 MB store), at a peak of 841, 925 and 1,048 MiB of anonymous memory.
    /// The bytes written still grow faster than the input: a 10 M-event import makes ten
    /// times the transactions over indexes ten times larger.
    ///
    /// Since the index entries are written in sorted runs merged at the end, measured again
    /// (2026-12-07, `--transaction-events`): at 990,888 events, transactions of 50,000 events
    /// peaked at 413 MiB of anonymous memory against 593 MiB, and wrote 780 MB against
    /// 672 MB; at 9,902,065 events over 1,000,000 lines, 2,532 MiB against 2,549 MiB, and
    /// 10.6 GB against 8.9 GB. The checker's states dominate at that size: smaller
    /// transactions would cost writes and buy no memory.
    public static let importTransactionEvents = 200_000

    /// The input bytes of one write transaction of an import, at most (about): 256 MiB.
    public static let importTransactionBytes = 256 << 20

    /// The most events one write transaction of the stored projection's catch-up folds
    /// (after an import, or at open behind the log): 1,048,576. Memory stays bounded
    /// however large: the events are decoded 65,536 at a time, and LMDB spills the dirty
    /// pages of a large transaction to the file.
    public static let projectionCatchUpTransactionEvents: UInt64 = 1 << 20

    /// The longest line the CLI's `verify FILE` reads: 64 MiB, above ``importLineBytes`` so
    /// that a verifier names a line too long to import instead of stopping at it.
    public static let verifiedLineBytes = 64 << 20

    // MARK: Writing

    /// The most events one group commit takes (a single batch larger is taken alone).
    public static let groupCommitEvents = 10_000
    /// The most callers one group commit takes.
    public static let groupCommitCallers = 1_000
    /// The most callers queued for a group commit at once: the next one waits for room, so a
    /// burst of writers holds a bounded number of batches in memory, not all of them.
    public static let groupCommitQueuedCallers = 4 * groupCommitCallers

    /// The attempts of one decision against a version conflict (``ConflictRetry``): read,
    /// decide, append with the versions read; on a conflict, again, up to this many times.
    public static let conflictRetryAttempts = 8

    /// A commit longer than this is logged as slow (``StoreLogging``), in milliseconds.
    public static let slowCommitMilliseconds = 500

    // MARK: LMDB

    /// LMDB's reader slots (`mdb_env_set_maxreaders`): the read transactions open at once,
    /// across every process using the store (LMDB's default is 126).
    public static let lmdbReaders = 510

    /// The largest LMDB key (LMDB's default `MDB_MAXKEYSIZE`), in bytes.
    public static let lmdbKeyBytes = 511

    /// The largest map a store grows to: 64 TiB of address space.
    public static let lmdbMapBytes = 1 << 46

    // MARK: Reading

    /// The events a read of one stream takes at a time where its caller walks the whole
    /// stream (``EventStore/forEachEvent(in:from:chunkSize:_:)``): what it holds in memory at once.
    public static let streamReadChunkEvents = 4096

    /// What the canonical JSON of an event gains in its export line: the `hash` and
    /// `prevHash` members, each with its comma (`"hash":"<64 hex>",` and
    /// `"prevHash":"<64 hex>",`).
    static let hashMembersBytes = 74 + 78

    /// The export line's size of an event whose hashed bytes (``EventJSON/computeHash(of:)``:
    /// the 32 bytes of `prevHash` and the canonical JSON without the hashes) are `hashedBytes`.
    static func exportedBytes(hashedBytes: Int) -> Int { hashedBytes - 32 + hashMembersBytes }

    /// Whether the bounds are consistent with each other and with the formats that hold
    /// them: checked by a test, and once when the store is first used (a debug assert).
    public static var relationsHold: Bool {
        dataDepth >= 1 && dataDepth < jsonDepth
            && streamIDBytes + streamCategoryBytes + 2 + 16 <= lmdbKeyBytes  // a stream-time index key
            && stringBytes <= recordBytes && metadataValueBytes <= recordBytes
            && metadataMembers * (keyBytes + metadataValueBytes) <= recordBytes
            && recordBytes <= exportedEventBytes && exportedEventBytes <= importLineBytes
            && importLineBytes < verifiedLineBytes
            && groupCommitCallers <= groupCommitQueuedCallers && groupCommitEvents >= 1
            && conflictRetryAttempts >= 1 && lmdbReaders >= 126 && streamReadChunkEvents >= 1
    }

    /// Why `event` cannot be stored, naming the field and the bound; `nil` when it can.
    /// The record and export-line sizes are checked as the event is encoded. Public for a
    /// backend of the log (``EventLogStorage``) to refuse what LMDB and memory refuse.
    /// - Parameter event: The event to store.
    /// - Returns: A message naming the field and the bound (stream, type, data), or `nil`.
    public static func problem(of event: ProposedEvent) -> String? {
        if let problem = event.stream.problem { return problem }
        if event.type.isEmpty || event.type.utf8.count > typeBytes {
            return "the type is empty or longer than \(typeBytes) bytes (StoreLimits.typeBytes)"
        }
        if event.occurredAt < .minimum || event.occurredAt > .maximum {
            return "occurredAt is out of range (years 0001 to 9999)"
        }
        if let recordedAt = event.recordedAt, recordedAt < .minimum || recordedAt > .maximum {
            return "recordedAt is out of range (years 0001 to 9999)"
        }
        if let problem = metadataProblem(count: event.metadata.count, members: event.metadata) { return problem }
        return dataProblem(.object(event.data), path: "data", depth: 1)
    }

    /// Why `metadata` is beyond the bounds, or `nil`.
    static func metadataProblem(count: Int, members: some Sequence<(key: String, value: String)>) -> String? {
        guard count <= metadataMembers else {
            return "metadata has \(count) members, more than \(metadataMembers) (StoreLimits.metadataMembers)"
        }
        for (key, value) in members {
            if key.utf8.count > keyBytes {
                return "the key of metadata.\(key.prefix(40))… is longer than \(keyBytes) bytes (StoreLimits.keyBytes)"
            }
            if value.utf8.count > metadataValueBytes {
                return "metadata.\(key) is longer than \(metadataValueBytes) bytes (StoreLimits.metadataValueBytes)"
            }
        }
        return nil
    }

    /// Why `value` at `path` (nested `depth` levels, `data` being 1) is beyond the bounds,
    /// or `nil`. Stops descending one level past ``dataDepth``, so a value nested deeper
    /// than the stack allows is refused, not walked.
    static func dataProblem(_ value: JSONValue, path: @autoclosure () -> String, depth: Int) -> String? {
        switch value {
        case .null, .bool, .integer:
            return nil
        case .string(let string):
            guard string.utf8.count <= stringBytes else {
                return "\(path()) is a string longer than \(stringBytes) bytes (StoreLimits.stringBytes)"
            }
            return nil
        case .array(let elements):
            guard depth <= dataDepth else { return depthProblem(path()) }
            guard elements.count <= arrayElements else {
                return
                    "\(path()) has \(elements.count) elements, more than \(arrayElements) (StoreLimits.arrayElements)"
            }
            for (index, element) in elements.enumerated() {
                if let problem = dataProblem(element, path: "\(path())[\(index)]", depth: depth + 1) { return problem }
            }
            return nil
        case .object(let object):
            guard depth <= dataDepth else { return depthProblem(path()) }
            guard object.count <= objectMembers else {
                return "\(path()) has \(object.count) members, more than \(objectMembers) (StoreLimits.objectMembers)"
            }
            for member in object.members {
                guard member.key.utf8.count <= keyBytes else {
                    return
                        "a key of \(path()) (\(member.key.prefix(40))…) is longer than \(keyBytes) bytes (StoreLimits.keyBytes)"
                }
                if let problem = dataProblem(member.value, path: "\(path()).\(member.key)", depth: depth + 1) {
                    return problem
                }
            }
            return nil
        }
    }

    private static func depthProblem(_ path: String) -> String {
        let shown = path.count > 120 ? "…" + path.suffix(80) : path
        return
            "data is nested deeper than \(dataDepth) levels (StoreLimits.dataDepth) at \(shown): an export could not be read back"
    }
}
