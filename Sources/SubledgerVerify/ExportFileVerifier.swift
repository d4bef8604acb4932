import SubledgerStore

/// Checks the hash chain of a JSON Lines export exactly as `tools/verify_export.py` does
/// (read its docstring): the same checks in the same order, so the same verdict, the same
/// first bad position and file line, and the same reasons. It reads one line at a time.
///
/// ```swift
/// var verifier = ExportFileVerifier(filtered: false, anchors: [], completeStreams: false)
/// try reader.forEachLine { bytes, number in _ = verifier.check(bytes, line: number) }
/// let result = verifier.finish()
/// ```
package struct ExportFileVerifier {
    private static let zeroHash = String(repeating: "0", count: 64)

    private let filtered: Bool
    /// An export of format 1 (without `streamPrevHash`).
    private let format1: Bool
    private var wanted: Set<String>
    private(set) var result = ExportVerification()
    private var previousPosition: ExportPosition?
    private var previousHash: String?
    private var previousTime: RecordedAtKey?
    private var previousTimeText: String?
    private var previousLine: Int?
    /// The first empty line seen; an error if an event follows it.
    private var blankLine: Int?
    /// A jump in a whole-log export, held for one line: if the next line goes back into the
    /// jump, the pair is out of order, not missing (issue 9).
    private var jump: Failure?
    private var streams: StreamVersions

    /// `filtered` accepts gaps in positions; every hash of `anchors` must be in the file;
    /// `completeStreams` requires every stream's versions to run 1, 2, 3, ...
    /// (``StreamVersions``) and accepts gaps in positions too; `allowVersionGaps` (a time
    /// range) accepts a stream's versions skipping across a gap in positions, and gaps in
    /// positions. `format1` reads an export made before `subledger migrate`: no
    /// `streamPrevHash`, so no chain per stream.
    /// - Parameters:
    ///   - filtered: Whether gaps in positions are accepted.
    ///   - anchors: The hashes the file must hold.
    ///   - completeStreams: Whether every stream's versions must run from 1.
    ///   - allowVersionGaps: Whether versions may skip across a gap in positions.
    ///   - format1: Whether the file is of format 1.
    package init(
        filtered: Bool, anchors: [String], completeStreams: Bool = false, allowVersionGaps: Bool = false,
        format1: Bool = false
    ) {
        self.filtered = filtered || completeStreams || allowVersionGaps
        self.format1 = format1
        wanted = Set(anchors)
        streams = StreamVersions(
            completeStreams: completeStreams, allowVersionGaps: allowVersionGaps && !completeStreams,
            format1: format1, filtered: self.filtered)
    }

    /// Checks one line (without its `\n`; `endsWithNewline` when it had one); returns
    /// `false` once the file is found bad.
    /// `scan` is what a reading thread found in the line (``ExportFileReading``), if anything.
    /// - Parameters:
    ///   - bytes: The line, without its `\n`.
    ///   - line: Its 1-based number in the file.
    ///   - endsWithNewline: Whether it had a `\n`.
    ///   - scan: What a reading thread found in it.
    /// - Returns: `false` once the file is found bad.
    package mutating func check(
        _ bytes: UnsafeRawBufferPointer, line: Int, endsWithNewline: Bool = true,
        scan: ExportFileReading.Scan = .notScanned
    ) -> Bool {
        guard result.ok else { return false }
        do {
            try checkEvent(bytes, line: line, endsWithNewline: endsWithNewline, scan: scan)
            return true
        } catch {
            // A line that does not read, after a jump: the jump is the first fault.
            let failure = jump ?? error
            result.fail(failure.position, line: failure.line ?? line, failure.reason)
            return false
        }
    }

    /// Records a fault of line (or row) `line` found outside the chain (a CSV row's cells);
    /// `checked` when the line passed ``check(_:line:endsWithNewline:scan:)`` first (its
    /// position is then known). A jump held from the line before is the earlier fault.
    mutating func fail(line: Int, column: String?, checked: Bool, _ reason: String) {
        guard result.ok else { return }
        if let jump {
            result.fail(jump.position, line: jump.line ?? line, jump.reason)
            return
        }
        result.fail(checked ? result.lastPosition : nil, line: line, reason)
        result.column = column
    }

    /// The result, once every line was checked (the anchors are checked here).
    /// - Returns: What the check found, as `tools/verify_export.py` reports it.
    package mutating func finish() -> ExportVerification {
        if result.ok, let jump {
            result.fail(jump.position, line: jump.line, jump.reason)
        }
        result.versionGaps = streams.gaps
        if result.ok, let missing = wanted.sorted().first {
            // An anchor names a head the file must reach; an empty file reaches none.
            result.fail(
                nil, line: nil,
                "anchor \(missing) not found" + (result.events == 0 ? ": the file holds no event" : " in the export"))
        }
        return result
    }

    private struct Failure: Error {
        var position: ExportPosition?
        var reason: String
        /// The file line at fault, when it is not the line being checked.
        var line: Int?
    }

    private mutating func checkEvent(
        _ bytes: UnsafeRawBufferPointer, line: Int, endsWithNewline: Bool,
        scan: ExportFileReading.Scan
    ) throws(Failure) {
        let display = { (key: String) in
            ExportText.short(ExportLine.display(key, in: bytes, endsWithNewline: endsWithNewline))
        }
        // 1. One JSON object, integers only, unique keys.
        let object: ExportObject
        var disclosed = false
        switch ExportLine.read(bytes, endsWithNewline: endsWithNewline, scan: scan) {
        case .blank:
            if jump != nil { throw Failure(position: nil, reason: "", line: nil) }
            if blankLine == nil { blankLine = line }
            return
        case .bad(let position, let reason):
            throw Failure(position: position, reason: reason, line: nil)
        case .event(let event):
            // Disclosures are never hashed: the line is checked without them, then they are
            // checked against the commitments (step 3b).
            disclosed = event.hasDisclosures
            object = disclosed ? event.withoutDisclosures() : event
        }
        if let blankLine {
            throw Failure(position: nil, reason: "empty line before the end of the file", line: blankLine)
        }
        // 2. The fields the chain needs.
        guard let position = object.position else {
            let reason =
                object.field("position").isMissing
                ? "position is missing" : "position is not a positive integer: \(display("position"))"
            throw Failure(position: nil, reason: reason, line: nil)
        }
        let fail = { (reason: String) in Failure(position: position, reason: reason, line: nil) }
        if let jump {
            // The line after a jump: back into it is an order fault, else the jump is.
            self.jump = nil
            guard let jumpPosition = jump.position, position < jumpPosition else { throw jump }
            throw fail(Self.outOfOrder(position, jumpPosition, line: jump.line ?? line))
        }
        let storedHash = try hexField("hash", of: object, fail)
        let previous = try hexField("prevHash", of: object, fail)
        let streamPrevious = try streamPreviousHash(of: object, fail)
        let (recordedText, time) = try Self.recordedAt(of: object, display: display, fail)
        let inOrder = try checkOrder(position, previous: previous, line: line, fail)
        guard inOrder else { return try checkJumpingLine(object, stored: storedHash, previous: previous, fail) }
        // 3. The event's own hash and its disclosures.
        try Self.checkHash(
            object, stored: storedHash, previous: previous, disclosed: disclosed ? bytes : nil,
            endsWithNewline: endsWithNewline, into: &result, fail)
        // 4. The link to the previous position.
        if let previousPosition, position == previousPosition.next, previous != previousHash {
            throw fail("prevHash does not match the hash of position \(previousPosition)")
        }
        // 6. recordedAt never decreases.
        if let previousTime, time < previousTime {
            throw fail(
                "recordedAt \(ExportText.short(recordedText)) is before the recordedAt \(ExportText.short(previousTimeText ?? "")) of position \(previousPosition?.description ?? "?")"
            )
        }
        // 7. Stream versions.
        let followsPrevious = position == .one || previousPosition.map { position == $0.next } ?? false
        if let problem = streams.check(
            object, position: position, followsPrevious: followsPrevious, hash: storedHash,
            streamPreviousHash: streamPrevious, display: display)
        {
            throw fail(problem)
        }
        advance(to: position, hash: storedHash, time: time, timeText: recordedText, line: line)
    }

    /// A line whose position jumps ahead is held for the next line (``checkOrder(_:previous:line:_:)``),
    /// unless its own hash already shows it was altered: then the fault is this line's (a
    /// flipped digit of its position), not the jump.
    /// - Throws: `Failure` when the line's own hash does not match.
    private mutating func checkJumpingLine(
        _ object: ExportObject, stored: String, previous: String, _ fail: (String) -> Failure
    ) throws(Failure) {
        do {
            try Self.checkHash(
                object, stored: stored, previous: previous, disclosed: nil, endsWithNewline: true, into: &result,
                fail)
        } catch {
            jump = nil
            throw error
        }
    }

    /// An event's recordedAt (step 6 compares it): its text and its key.
    /// - Parameters:
    ///   - object: The event.
    ///   - display: The field's value as a message shows it.
    ///   - fail: The failure at this event's position, with a reason.
    /// - Returns: recordedAt as written and as a key that orders times.
    /// - Throws: `Failure` if recordedAt is missing or not an RFC 3339 time.
    private static func recordedAt(
        of object: ExportObject, display: (String) -> String, _ fail: (String) -> Failure
    ) throws(Failure) -> (text: String, key: RecordedAtKey) {
        switch object.field("recordedAt") {
        case .missing:
            throw fail("recordedAt is missing")
        case .other:
            throw fail("recordedAt is not an RFC 3339 time: \(display("recordedAt"))")
        case .string(let text, let hasUnpairedSurrogate):
            guard !hasUnpairedSurrogate, let key = RecordedAtKey(text) else {
                throw fail("recordedAt is not an RFC 3339 time: \(display("recordedAt"))")
            }
            return (text, key)
        }
    }

    /// Steps 4 and 5: the order of positions, and the zero prevHash that only position 1 has.
    /// - Parameters:
    ///   - position: The event's position.
    ///   - previous: Its prevHash.
    ///   - line: Its line in the file.
    ///   - fail: The failure at this position, with a reason.
    /// - Returns: `false` when the position jumps in a whole-log export: the jump is kept, and
    ///   the next line says whether it is the fault or one out of order.
    /// - Throws: `Failure` when the position is out of order or the prevHash is wrong for it.
    private mutating func checkOrder(
        _ position: ExportPosition, previous: String, line: Int, _ fail: (String) -> Failure
    ) throws(Failure) -> Bool {
        if let previousPosition {
            if position <= previousPosition {
                throw fail(Self.outOfOrder(position, previousPosition, line: previousLine ?? line))
            } else if position != previousPosition.next {
                guard filtered else {
                    jump = Failure(
                        position: position,
                        reason:
                            "position jumps from \(previousPosition) to \(position): events are missing (for a filtered export use --filtered)",
                        line: line)
                    return false
                }
                result.gaps += 1
            }
        } else if position != .one, !filtered {
            throw fail(
                "a whole-log export starts at position 1, this one at \(position) (for a filtered export use --filtered)"
            )
        }
        if position == .one {
            guard previous == Self.zeroHash else { throw fail("position 1 must have prevHash of 64 zeros") }
        } else if previous == Self.zeroHash {
            throw fail("prevHash is 64 zeros, which only position 1 may have")
        }
        return true
    }

    /// Step 3, the event's own hash, and 3b, its disclosures against the commitments they open.
    /// - Parameters:
    ///   - object: The event, without its disclosures.
    ///   - stored: The hash the line holds.
    ///   - previous: Its prevHash.
    ///   - disclosed: The line as read, when it holds disclosures.
    ///   - endsWithNewline: Whether the line ends with a newline.
    ///   - result: The verification, which counts the disclosures.
    ///   - fail: The failure at this event's position, with a reason.
    /// - Throws: `Failure` if the hash or a disclosure does not match.
    private static func checkHash(
        _ object: ExportObject, stored: String, previous: String, disclosed: UnsafeRawBufferPointer?,
        endsWithNewline: Bool, into result: inout ExportVerification, _ fail: (String) -> Failure
    ) throws(Failure) {
        switch object.checkHash(stored: stored, previous: previous) {
        case .matches: break
        case .mismatch: throw fail("hash mismatch")
        case .unpairedSurrogate: throw fail("a string holds an unpaired surrogate (\\u escape)")
        }
        // 3b. The hash covers the commitments, not the disclosures.
        if let bytes = disclosed {
            switch ExportDisclosures.check(bytes, endsWithNewline: endsWithNewline) {
            case .failure(let problem): throw fail(problem.reason)
            case .success(let count): result.disclosures += count
            }
        }
    }

    /// The event is good: it becomes the one the next is checked against.
    private mutating func advance(
        to position: ExportPosition, hash storedHash: String, time: RecordedAtKey, timeText recordedText: String,
        line: Int
    ) {
        if !wanted.isEmpty { wanted.remove(storedHash) }
        result.events += 1
        if result.firstPosition == nil { result.firstPosition = position }
        result.lastPosition = position
        result.head = storedHash
        previousPosition = position
        previousHash = storedHash
        previousTime = time
        previousTimeText = recordedText
        previousLine = line
    }

    /// Python's `_out_of_order`: `position` after `before` (at file line `line`), not above it.
    private static func outOfOrder(_ position: ExportPosition, _ before: ExportPosition, line: Int) -> String {
        if position == before { return "position \(position) does not increase: file line \(line) has it too" }
        return "positions are out of order: position \(position) follows position \(before) (file line \(line))"
    }

    /// `streamPrevHash` (Python's `_stream_prev_problem` wording): 64 lowercase hex digits
    /// in an export of format 2, absent from one of format 1 (`nil` then).
    private func streamPreviousHash(of object: ExportObject, _ fail: (String) -> Failure) throws(Failure) -> String? {
        let field = object.field("streamPrevHash")
        if format1 {
            guard field.isMissing else {
                throw fail("streamPrevHash in an export of format 1 (this is format 2: leave out --format 1)")
            }
            return nil
        }
        switch field {
        case .missing:
            throw fail(
                "streamPrevHash is missing (an export of format 1, made before subledger migrate, verifies with --format 1)"
            )
        case .string(let text, _) where LowercaseHex.isHash(text):
            return text
        case .string, .other:
            throw fail("streamPrevHash is not 64 lowercase hex digits")
        }
    }

    /// `hash` or `prevHash`: 64 lowercase hex digits (Python's `_hex_problem` wording).
    private func hexField(_ key: String, of object: ExportObject, _ fail: (String) -> Failure) throws(Failure) -> String
    {
        switch object.field(key) {
        case .missing:
            throw fail("\(key) is missing")
        case .string(let text, _):
            guard LowercaseHex.isHash(text) else { throw fail("\(key) is not 64 lowercase hex digits") }
            return text
        case .other:
            throw fail("\(key) is not 64 lowercase hex digits")
        }
    }
}

extension ExportObject.Field {
    var isMissing: Bool {
        if case .missing = self { return true }
        return false
    }
}
