import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing
@testable import subledger
@testable import SubledgerVerify

/// `verify FILE` reads a line in canonical form where it lies (``CanonicalLine``) and reads
/// the file on two threads (``ExportFileReading``); every other line goes the general way
/// (parse, re-encode as Python does). These tests hold the three to the same verdict, first
/// bad position, file line, reason and JSON, on exports tampered with in many ways, at many
/// lines (the first, the last, around the hand-over blocks of the second thread), and hold
/// the command to the Python verifier's verdict on a sample of them.
@Suite("Export verification: fast path, general path and two threads agree")
struct ExportVerificationPathsTests {
    /// What one way of checking a file found: the printed line, the JSON and the gap note.
    struct Outcome: Equatable, CustomStringConvertible {
        var text: String
        var json: String
        var gapNote: String?
        /// The error that stopped the reading (exit status 2), if any.
        var readingError: String?

        var description: String { "\(text) \(json) \(gapNote ?? "") \(readingError ?? "")" }
    }

    enum Way: CaseIterable {
        /// One thread, the canonical fast path where it applies.
        case sequential
        /// One thread, never the fast path (the general path, as before it existed).
        case general
        /// The reading thread scans and hashes, in small blocks that split the file often.
        case twoThreadsSmallBlocks
        /// The same with the command's own block size.
        case twoThreads
    }

    static func check(
        _ path: String, _ way: Way, filtered: Bool = false, anchors: [String] = [],
        completeStreams: Bool = false, allowVersionGaps: Bool = false
    ) throws -> Outcome {
        let reader = try LineReader(path: path)
        var verifier = ExportFileVerifier(
            filtered: filtered, anchors: anchors, completeStreams: completeStreams,
            allowVersionGaps: allowVersionGaps)
        struct Stop: Error {}
        var readingError: String?
        do {
            switch way {
            case .sequential, .general:
                try reader.forEachLine { bytes, number in
                    let scan: ExportFileReading.Scan = way == .general ? .notCanonical : .notScanned
                    guard verifier.check(bytes, line: number, endsWithNewline: reader.lineEndsWithNewline, scan: scan)
                    else { throw Stop() }
                }
            case .twoThreadsSmallBlocks, .twoThreads:
                let blockBytes = way == .twoThreads ? ExportFileReading.blockBytes : 1500
                try ExportFileReading.forEachLine(of: reader, blockBytes: blockBytes, queueLimit: 2) { bytes, line in
                    guard
                        verifier.check(bytes, line: line.number, endsWithNewline: line.endsWithNewline, scan: line.scan)
                    else { throw Stop() }
                }
            }
        } catch is Stop {
        } catch let error as CommandFailure {
            readingError = error.description
        }
        let result = verifier.finish()
        return Outcome(text: result.text, json: result.json, gapNote: result.gapNote, readingError: readingError)
    }

    /// An export of `count` events with varied content, each line as export writes it.
    static func exportLines(count: Int, random: inout SeededRandom) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var previous = ChainHash.zero
        var recordedAt: Int64 = 1_700_000_000_000
        let descriptions = [
            "calls", "data \u{1F600} roaming", "quote \" and backslash \\", "tab\tnew\nline\u{01}\u{1F}\u{7F}",
            "تماس", "€ and \u{2028}", "/slash/", String(repeating: "x", count: 300),
        ]
        let categories = ["line", "line", "line", "subscriber", "a", "pos", "zone"]
        // Each stream's versions run 1, 2, 3, ... as the store numbers them, each event
        // linked to its stream's event before (format 2).
        var versions: [StreamID: UInt64] = [:]
        var streamHashes: [StreamID: ChainHash] = [:]
        for position in 1...count {
            recordedAt += Int64(random.below(5000))
            var data: JSONObject = [
                "amount": .integer(Int64(random.below(2_000_000)) - 1000),
                "description": .string(descriptions[random.below(descriptions.count)]),
            ]
            if random.below(3) == 0 {
                data["items"] = .array(
                    (0..<random.below(4)).map { index in
                        .object([
                            "amount": .integer(Int64(index * 1000)), "description": .string("item \(index)"),
                            "flag": .bool(index % 2 == 0), "none": .null,
                        ])
                    })
            }
            if random.below(5) == 0 { data["big"] = .integer(random.below(2) == 0 ? Int64.max : Int64.min) }
            var metadata: [String: String] = [:]
            for key in ["actor", "rule", "policyEdition", "source"] where random.below(2) == 0 {
                metadata[key] = "\(key)-\(random.below(9))"
            }
            let category = categories[random.below(categories.count)]
            // Few ids, so that streams have several events.
            let stream = StreamID(category: category, id: "+98912\(random.below(4))")
            let version = versions[stream, default: 0] + 1
            versions[stream] = version
            var event = RecordedEvent(
                position: UInt64(position), streamVersion: version,
                recordedAt: Timestamp(millisecondsSinceEpoch: recordedAt), eventID: EventID.random(using: &random),
                type: "UsageRecorded", stream: stream,
                occurredAt: Timestamp(millisecondsSinceEpoch: recordedAt - Int64(random.below(100_000_000))),
                data: data, metadata: metadata, previousHash: previous, hash: .zero,
                streamPreviousHash: streamHashes[stream] ?? .zero
            )
            event.hash = EventJSON.computeHash(of: event)
            streamHashes[stream] = event.hash
            var line: [UInt8] = []
            EventJSON.write(event, includeHashes: true, into: &line)
            lines.append(line)
            previous = event.hash
        }
        return lines
    }

    /// Whether two verdicts are the same JSON object. Read with Foundation, whose numbers are
    /// not bounded to 64 bits: both verifiers report a position written beyond 64 bits
    /// ("position huge" on the first or last line) as it was written, which the store's
    /// parser (64-bit integers, as events are) refuses to read.
    static func sameJSON(_ theirs: String, _ ours: String) throws -> Bool {
        let first = try JSONSerialization.jsonObject(with: Data(theirs.utf8)) as? NSDictionary
        let second = try JSONSerialization.jsonObject(with: Data(ours.utf8)) as? NSDictionary
        guard let first, let second else { return false }
        return first.isEqual(second)
    }

    @Test func everyWayOfCheckingGivesTheSameVerdict() throws {
        let seed = SeededRandom.seed(fromEnvironment: "SUBLEDGER_VERIFY_PATHS_SEED")
        var random = SeededRandom(seed: seed)
        let lines = Self.exportLines(count: 60, random: &random)
        let sandbox = try Sandbox()
        let path = sandbox.folder + "/export.jsonl"
        // Lines around the small blocks' boundaries (about three lines a block), first, last.
        var targets = [0, 1, 2, 3, 4, 5, 6, 7, 29, 30, 58, 59]
        for _ in 0..<6 { targets.append(random.below(lines.count)) }
        var files: [(String, [[UInt8]], Bool)] = [("untouched", lines, true), ("no final newline", lines, false)]
        for index in targets {
            for (name, change) in Self.lineChanges {
                var changed = lines
                changed[index] = change(lines[index], &random)
                files.append(("\(name) at line \(index + 1)", changed, true))
            }
            for (name, change) in Self.fileChanges {
                files.append(("\(name) line \(index + 1)", change(lines, index), true))
            }
        }
        var pythonChecks = 0
        for (number, (name, fileLines, finalNewline)) in files.enumerated() {
            var bytes = fileLines.map { $0 + [0x0A] }.joined().map { $0 }
            if !finalNewline { bytes.removeLast() }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let context = "seed \(seed): \(name)"
            let expected = try Self.check(path, .general)
            for way in Way.allCases where way != .general {
                #expect(try Self.check(path, way) == expected, "\(context), \(way)")
            }
            // The auditors' verifier on a sample (it starts a process each time).
            if number % 7 == 0, let python = Python.path {
                let theirs = try sandbox.run(python, [Python.verifier, "--json", path])
                let ours = try sandbox.run(SubledgerBinary.path, ["verify", "--json", path])
                #expect(
                    try Self.sameJSON(theirs.stdout, ours.stdout),
                    "\(context): python says \(theirs.stdout), we say \(ours.stdout)")
                #expect(theirs.status == ours.status, "\(context)")
                pythonChecks += 1
            }
        }
        print(
            "export verification paths: \(files.count) files (seed \(seed), SUBLEDGER_VERIFY_PATHS_SEED to replay), "
                + "the same verdict by every way of checking; \(pythonChecks) also by tools/verify_export.py")
    }

    @Test func filteredExportsAndAnchorsAgree() throws {
        var random = SeededRandom(seed: 7)
        let lines = Self.exportLines(count: 40, random: &random)
        let sandbox = try Sandbox()
        let path = sandbox.folder + "/filtered.jsonl"
        let kept = lines.enumerated().filter { $0.offset % 3 != 1 }.map(\.element)
        try Data(kept.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: path))
        let head = String(decoding: lines[39], as: UTF8.self).components(separatedBy: "\"hash\":\"")[1].prefix(64)
        for anchors in [[], [String(head)], [String(repeating: "a", count: 64)]] {
            let expected = try Self.check(path, .general, filtered: true, anchors: anchors)
            for way in Way.allCases where way != .general {
                #expect(
                    try Self.check(path, way, filtered: true, anchors: anchors) == expected,
                    "\(way), anchors \(anchors)")
            }
            #expect(
                try Self.check(path, .twoThreads, filtered: false, anchors: anchors)
                    == Self.check(path, .general, anchors: anchors))
        }
        // Issue 10: the skips fail --filtered (a stream's chain has no gap); a time range's
        // check accepts them and notes them, on every path alike.
        #expect(try Self.check(path, .twoThreads, filtered: true).text.contains("--allow-version-gaps"))
        let timeRange = try Self.check(path, .general, allowVersionGaps: true)
        #expect(timeRange.gapNote != nil, "\(timeRange)")
        for way in Way.allCases where way != .general {
            #expect(try Self.check(path, way, allowVersionGaps: true) == timeRange, "\(way)")
        }
        // Every third event left out leaves streams without their start or with skips:
        // --complete-streams names the first the same way on every path.
        let complete = try Self.check(path, .general, completeStreams: true)
        #expect(
            complete.text.hasPrefix("bad: ") && complete.text.contains("--complete-streams: every stream is whole"),
            "\(complete)")
        for way in Way.allCases where way != .general {
            #expect(try Self.check(path, way, completeStreams: true) == complete, "\(way)")
        }
        if let python = Python.path {
            let theirs = try sandbox.run(python, [Python.verifier, "--complete-streams", "--json", path])
            let ours = try sandbox.run(SubledgerBinary.path, ["verify", "--complete-streams", "--json", path])
            #expect(try theirs.json() == ours.json(), "python says \(theirs.stdout), we say \(ours.stdout)")
        }
    }

    @Test func aLineTooLongStopsTheReadingAfterTheLinesBeforeIt() throws {
        var random = SeededRandom(seed: 11)
        let lines = Self.exportLines(count: 5, random: &random)
        let sandbox = try Sandbox()
        let path = sandbox.folder + "/long.jsonl"
        // A reader that accepts lines of 4 KiB at most; the fourth line is longer.
        var fileLines = lines
        fileLines[3] = Array(repeating: UInt8(ascii: "x"), count: 10_000)
        try Data(fileLines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: path))
        for spoilFirst in [false, true] {
            if spoilFirst {
                fileLines[1] = Self.replace(lines[1], #""amount":"#, with: #""amount":9"#)
                try Data(fileLines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: path))
            }
            var outcomes: [Outcome] = []
            for threads in [false, true] {
                let reader = try LineReader(path: path, bufferBytes: 1024, maximumLineBytes: 4096)
                var verifier = ExportFileVerifier(filtered: false, anchors: [])
                struct Stop: Error {}
                var readingError: String?
                do {
                    if threads {
                        try ExportFileReading.forEachLine(of: reader, blockBytes: 600, queueLimit: 1) { bytes, line in
                            guard
                                verifier.check(
                                    bytes, line: line.number, endsWithNewline: line.endsWithNewline, scan: line.scan)
                            else { throw Stop() }
                        }
                    } else {
                        try reader.forEachLine { bytes, number in
                            guard verifier.check(bytes, line: number, endsWithNewline: reader.lineEndsWithNewline)
                            else { throw Stop() }
                        }
                    }
                } catch is Stop {
                } catch let error as CommandFailure {
                    readingError = error.description
                }
                let result = verifier.finish()
                outcomes.append(
                    Outcome(text: result.text, json: result.json, gapNote: result.gapNote, readingError: readingError))
            }
            #expect(outcomes[0] == outcomes[1])
            #expect((outcomes[1].readingError != nil) == !spoilFirst, "\(outcomes[1])")
        }
    }

}
