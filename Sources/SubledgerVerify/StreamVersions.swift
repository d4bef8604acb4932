/// Step 7 of the export check (`tools/verify_export.py`'s `StreamVersions`, word for word):
/// each stream's chain, its `streamVersion`s 1, 2, 3, ... (issue 9) and, in format 2, each
/// event's `streamPrevHash` the `hash` of the stream's event before it (issue 10, item 2).
///
/// Wherever the file holds two events of a stream with versions v and v + 1, the second
/// must link to the first (format 2), whatever lies between them: so a line's export
/// proves that none of its events between the first and the last was changed, dropped or
/// reordered, though the other streams' events between them are not in the file. A
/// version 1 links to 64 zeros, and only a version 1 does. A stream's versions always
/// increase along the file and step by one: a skip is a dropped event. Two things relax
/// that. A stream's first event in a filtered export may have any version, unless every
/// position before it is in the file or `completeStreams` (an export of whole streams:
/// `export --line` or `--subscriber` without `--from`/`--to`) says it starts at 1. And
/// `allowVersionGaps` (a time range, which leaves out an event that occurred outside it
/// though recorded between two inside it) or a filtered export of format 1 accept a skip
/// across a gap in positions, counting it (``gaps``): the chain is not checked across it,
/// and a dropped event looks the same.
///
/// Memory grows with the number of streams in the file (one entry each), not with events.
struct StreamVersions {
    /// The fields of every exported event; the one other top-level field names its stream
    /// (`line`, `subscriber`, ...), as `subledger import` reads an export
    /// (`EventJSON.recordedEvent(from:)`).
    static let commonFields: Set<String> = [
        "type", "occurredAt", "data", "metadata", "position", "streamVersion", "recordedAt", "eventId", "prevHash",
        "hash",
        "streamPrevHash", "disclosures",
    ]

    private struct Stream: Hashable {
        var category: String
        var id: String
    }

    private struct Last {
        var version: ExportPosition
        var position: ExportPosition
        var hash: String
    }

    private static let zeroHash = String(repeating: "0", count: 64)

    private let completeStreams: Bool
    private let format2: Bool
    /// Where a skip across a gap in positions is accepted (and counted).
    private let skipsAllowed: Bool
    private var last: [Stream: Last] = [:]
    /// The first position of the run of consecutive positions so far.
    private var runStart = ExportPosition.one
    /// Versions skipped across a gap in positions, accepted.
    private(set) var gaps = 0

    init(completeStreams: Bool, allowVersionGaps: Bool = false, format1: Bool = false, filtered: Bool = false) {
        self.completeStreams = completeStreams
        format2 = !format1
        skipsAllowed = allowVersionGaps || (format1 && filtered && !completeStreams)
    }

    /// Why the event at `position` is bad, or `nil`. `followsPrevious` when the event before
    /// it in the file is at `position - 1` (or `position` is 1). `hash` is the event's,
    /// `streamPreviousHash` its `streamPrevHash` (`nil` in format 1). `display` is Python's
    /// `json.dumps` of a top-level member, for messages.
    mutating func check(
        _ object: ExportObject, position: ExportPosition, followsPrevious: Bool, hash: String,
        streamPreviousHash: String?, display: (String) -> String
    ) -> String? {
        if !followsPrevious { runStart = position }
        guard let version = object.streamVersion else {
            if object.field("streamVersion").isMissing { return "streamVersion is missing" }
            return "streamVersion is not a positive integer: \(display("streamVersion"))"
        }
        let fields = object.streamFields()
        guard fields.count == 1, let id = fields[0].value else {
            let names = fields.map(\.key).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            let found = ExportText.short(names.joined(separator: ", "))
            return
                "the stream is not named: one field besides the common ones (line, subscriber, policy) must hold a string, found "
                + (found.isEmpty ? "none" : found)
        }
        let stream = Stream(category: fields[0].key, id: id)
        let previous = last.updateValue(Last(version: version, position: position, hash: hash), forKey: stream)
        // For messages only (built once a version is found wrong).
        var name: String { ExportText.short("\(stream.category) \(stream.id)") }
        guard let previous else {
            if version != .one, completeStreams || runStart == .one {
                let missing =
                    version == ExportPosition.one.next
                    ? "version 1 is missing" : "versions 1..\(version.previous) are missing"
                return "\(name) starts at streamVersion \(version): \(missing)\(why(positionsShowIt: runStart == .one))"
            }
            return link(name, version, streamPreviousHash, to: nil)
        }
        if version == previous.version.next { return link(name, version, streamPreviousHash, to: previous) }
        if version == previous.version {
            return "\(name): streamVersion \(version) repeats the version of position \(previous.position)"
        }
        if version < previous.version {
            return
                "\(name): streamVersion \(version) follows streamVersion \(previous.version) of position \(previous.position) (versions go down)"
        }
        let nothingBetweenIsMissing = previous.position >= runStart
        if !skipsAllowed || nothingBetweenIsMissing {
            let missing =
                version == previous.version.next.next
                ? "version \(previous.version.next) is missing"
                : "versions \(previous.version.next)..\(version.previous) are missing"
            return
                "\(name) skips from streamVersion \(previous.version) (position \(previous.position)) to \(version): \(missing)"
                + why(positionsShowIt: nothingBetweenIsMissing)
        }
        gaps += 1
        return link(name, version, streamPreviousHash, to: nil)
    }

    /// Why `streamPrevHash` is wrong (format 2), or `nil` (Python's `_link`): 64 zeros at
    /// version 1 and only there, and the hash of `previous` (the stream's event before,
    /// when the file holds it).
    private func link(
        _ name: @autoclosure () -> String, _ version: ExportPosition, _ streamPreviousHash: String?,
        to previous: Last?
    ) -> String? {
        guard format2 else { return nil }
        if version == .one {
            guard streamPreviousHash == Self.zeroHash else {
                return "\(name()): streamVersion 1 must have streamPrevHash of 64 zeros"
            }
        } else if streamPreviousHash == Self.zeroHash {
            return "\(name()): streamPrevHash is 64 zeros, which only streamVersion 1 may have"
        } else if let previous, streamPreviousHash != previous.hash {
            return
                "\(name()): streamPrevHash does not match the hash of position \(previous.position) (streamVersion \(previous.version))"
        }
        return nil
    }

    private func why(positionsShowIt: Bool) -> String {
        if positionsShowIt { return " (no position in between is missing from the file)" }
        if !completeStreams, format2 {
            return
                " (a stream's chain has no gap; a time range that leaves out an event recorded late: --allow-version-gaps)"
        }
        return " (--complete-streams: every stream is whole)"
    }
}
