/// Step 7 of the export check (`tools/verify_export.py`'s `StreamVersions`, word for word):
/// the `streamVersion`s of each stream, which the store numbers 1, 2, 3, ... (issue 9).
///
/// A stream's versions always increase along the file. Where the file shows that nothing of
/// the stream can be missing, they step by one: from one event of the stream to its next
/// when every position between them is in the file, and at a stream's first event (version
/// 1) when every position before it is. A whole-log export shows that everywhere. A
/// filtered export may skip versions across a gap in positions: a time-range export leaves
/// out the events of a stream that occurred outside the range, and one recorded late may
/// lie between two that are in it; such skips are counted (``gaps``). With
/// `completeStreams` (an export of whole streams: `export --line` or `--subscriber` without
/// `--from`/`--to`) every stream must run 1, 2, 3, ... wherever its events are.
///
/// Memory grows with the number of streams in the file (one entry each), not with events.
struct StreamVersions {
    /// The fields of every exported event; the one other top-level field names its stream
    /// (`line`, `subscriber`, ...), as `subledger import` reads an export
    /// (`EventJSON.recordedEvent(from:)`).
    static let commonFields: Set<String> = [
        "type", "occurredAt", "data", "metadata", "position", "streamVersion", "recordedAt", "eventId", "prevHash", "hash",
    ]

    private struct Stream: Hashable {
        var category: String
        var id: String
    }

    private struct Last {
        var version: ExportPosition
        var position: ExportPosition
    }

    private let completeStreams: Bool
    private var last: [Stream: Last] = [:]
    /// The first position of the run of consecutive positions so far.
    private var runStart = ExportPosition.one
    /// Versions skipped across a gap in positions, accepted.
    private(set) var gaps = 0

    init(completeStreams: Bool) {
        self.completeStreams = completeStreams
    }

    /// Why the event at `position` is bad, or `nil`. `followsPrevious` when the event before
    /// it in the file is at `position - 1` (or `position` is 1). `display` is Python's
    /// `json.dumps` of a top-level member, for messages.
    mutating func check(_ object: ExportObject, position: ExportPosition, followsPrevious: Bool,
                        display: (String) -> String) -> String? {
        if !followsPrevious { runStart = position }
        guard let version = object.streamVersion else {
            if object.field("streamVersion").isMissing { return "streamVersion is missing" }
            return "streamVersion is not a positive integer: \(display("streamVersion"))"
        }
        let fields = object.streamFields()
        guard fields.count == 1, let id = fields[0].value else {
            let names = fields.map(\.key).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            let found = ExportText.short(names.joined(separator: ", "))
            return "the stream is not named: one field besides the common ones (line or subscriber) must hold a string, found "
                + (found.isEmpty ? "none" : found)
        }
        let stream = Stream(category: fields[0].key, id: id)
        let previous = last.updateValue(Last(version: version, position: position), forKey: stream)
        // For messages only (built once a version is found wrong).
        var name: String { ExportText.short("\(stream.category) \(stream.id)") }
        guard let previous else {
            guard version != .one, completeStreams || runStart == .one else { return nil }
            let missing = version == ExportPosition.one.next ? "version 1 is missing" : "versions 1..\(version.previous) are missing"
            return "\(name) starts at streamVersion \(version): \(missing)\(Self.why(positionsShowIt: runStart == .one))"
        }
        if version == previous.version.next { return nil }
        if version == previous.version {
            return "\(name): streamVersion \(version) repeats the version of position \(previous.position)"
        }
        if version < previous.version {
            return "\(name): streamVersion \(version) follows streamVersion \(previous.version) of position \(previous.position) (versions go down)"
        }
        let nothingBetweenIsMissing = previous.position >= runStart
        guard completeStreams || nothingBetweenIsMissing else {
            gaps += 1
            return nil
        }
        let missing = version == previous.version.next.next
            ? "version \(previous.version.next) is missing" : "versions \(previous.version.next)..\(version.previous) are missing"
        return "\(name) skips from streamVersion \(previous.version) (position \(previous.position)) to \(version): \(missing)"
            + Self.why(positionsShowIt: nothingBetweenIsMissing)
    }

    private static func why(positionsShowIt: Bool) -> String {
        positionsShowIt ? " (no position in between is missing from the file)" : " (--complete-streams: every stream is whole)"
    }
}
