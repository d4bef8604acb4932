import SubledgerStore

/// The lines of an export file, read on a second thread (``OrderedPipeline``) where each
/// line is also scanned for canonical form (``CanonicalLine/scan(_:)``), and every other
/// line's hash recomputed (``CanonicalLine/hashMatches()``): so the two threads share the
/// work about evenly. The caller's thread checks the lines in file order with
/// ``ExportFileVerifier``, which does everything else (the other hashes, the positions, the
/// links, the times, every message) exactly as for a line read on its own: what the
/// reading thread found is only what ``ExportFileVerifier`` would have found itself, and is
/// used only where it would have looked.
package enum ExportFileReading {
    /// What the reading thread found in a line.
    package enum Scan: Sendable {
        /// Nothing yet: the verifier scans the line itself.
        case notScanned
        /// The line is not in canonical form.
        case notCanonical
        /// The line is canonical, laid out so; `hashVerdict` is ``CanonicalLine/hashMatches()``
        /// when it was recomputed already.
        case canonical(CanonicalLine.Layout, hashVerdict: Bool?)

        /// What a reading thread finds in `bytes`; with `hashing`, the hash is recomputed too
        /// when `hash` and `prevHash` have the form of hashes.
        init(of bytes: UnsafeRawBufferPointer, hashing: Bool) {
            guard let line = CanonicalLine.scan(bytes) else {
                self = .notCanonical
                return
            }
            self = .canonical(line.layout, hashVerdict: hashing && line.mayHash ? line.hashMatches() : nil)
        }
    }

    /// One line of a block.
    package struct Line: Sendable {
        /// The 1-based line number in the file.
        package var number: Int
        /// Where its bytes (without `\n`) are in the block.
        var range: Range<Int>
        /// Whether the line ended with `\n` (the file's last line may not).
        package var endsWithNewline: Bool
        /// What the reading thread found in the line.
        package var scan: Scan
    }

    /// Consecutive lines, copied out of the reader's buffer.
    struct Block: Sendable {
        var bytes: [UInt8] = []
        var lines: [Line] = []
    }

    /// Bytes of lines handed over at a time (a longer line makes a block of its own).
    static let blockBytes = 1 << 20

    /// Calls `body` with every line of `reader` (without its `\n`) and what the reading
    /// thread found in it, in file order. Throws what `body` throws, or what stopped the
    /// reading once every line before it was handed over.
    /// `blockBytes` and `queueLimit` size the hand-over (tests make them small).
    /// - Parameters:
    ///   - reader: The file's lines.
    ///   - blockBytes: Bytes of lines handed over at a time.
    ///   - queueLimit: Blocks the reading thread may hold ready.
    ///   - body: Called with each line's bytes and what was found in it.
    /// - Throws: What `body` throws, or what stopped the reading.
    package static func forEachLine<Reader: ExportLineSource>(
        of reader: Reader, blockBytes: Int = ExportFileReading.blockBytes,
        queueLimit: Int = 8, _ body: (UnsafeRawBufferPointer, Line) throws -> Void
    ) throws {
        let handedOver = HandedOver(value: reader)
        let recycled = RecycledStorage<UInt8>(limit: queueLimit + 2)
        try OrderedPipeline<Block>.run(
            queueLimit: queueLimit,
            produce: { emit in
                try read(handedOver.value, blockBytes: blockBytes, recycled: recycled, emit)
            },
            consume: { block in
                defer { recycled.give(block.bytes) }
                try block.bytes.withUnsafeBytes { bytes in
                    for line in block.lines {
                        try body(UnsafeRawBufferPointer(rebasing: bytes[line.range]), line)
                    }
                }
            })
    }

    private static func read<Reader: ExportLineSource>(
        _ reader: Reader, blockBytes: Int, recycled: RecycledStorage<UInt8>,
        _ emit: (Block) -> Bool
    ) throws {
        var block = Block()
        block.bytes = recycled.take(minimumCapacity: blockBytes + (blockBytes >> 2))
        do {
            try reader.forEachLine { bytes, number in
                let start = block.bytes.count
                block.bytes.append(contentsOf: bytes)
                block.lines.append(
                    Line(
                        number: number, range: start..<block.bytes.count,
                        endsWithNewline: reader.lineEndsWithNewline, scan: Scan(of: bytes, hashing: number % 2 == 0)))
                if block.bytes.count >= blockBytes {
                    guard emit(block) else { throw StopReading() }
                    block = Block()
                    block.bytes = recycled.take(minimumCapacity: blockBytes + (blockBytes >> 2))
                }
            }
        } catch is StopReading {
            return
        } catch {
            if !block.lines.isEmpty { _ = emit(block) }
            throw error
        }
        if !block.lines.isEmpty { _ = emit(block) }
    }

    private struct StopReading: Error {}
}

/// What ``ExportFileReading`` reads lines from: the CLI's `LineReader` (a file or standard
/// input), which throws the CLI's own failures and so stays in the CLI.
package protocol ExportLineSource: AnyObject {
    /// Whether the line being handed over ended with `\n` (only the last line may not).
    var lineEndsWithNewline: Bool { get }
    /// Calls `body` with every line (without its `\n`) and its 1-based number, in order.
    func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws
}
