import SubledgerLedger
import SubledgerStore

/// Reads and parses the lines of an input of facts on a second thread while the caller's
/// thread admits and records them (``OrderedPipeline``). Lines are handed over in file
/// order, each with what reading it gave (a fact, a blank line, or the refusal that names
/// its line), so the caller sees exactly what a sequential read would give; the reading
/// stops at the first refusal, as a sequential read does.
///
/// ```swift
/// let reader = try LineReader(path: path, name: name)
/// try FactLinePipeline.forEachLine(of: reader, name: name) { line in ... }
/// ```
enum FactLinePipeline {
    /// One line of the input, as read.
    struct Line: Sendable {
        /// The 1-based line number.
        var number: Int
        /// The input's bytes read up to the end of this line (for a progress bar).
        var bytesConsumed: Int
        var content: Content
    }

    enum Content: Sendable {
        /// Only white space: skipped.
        case blank
        case fact(LedgerFact)
        /// The line cannot be a fact: the message names the file, the line and the field.
        case refused(CommandFailure)
    }

    /// Lines handed over at a time.
    static let batchSize = 256

    /// Calls `body` with every line of `reader`'s input, in order, reading and parsing on a
    /// second thread. `name` is what refusals call the input. Throws what `body` throws, or
    /// the failure that stopped the reading (after every line read before it).
    static func forEachLine(of reader: LineReader, name: String, _ body: (Line) throws -> Void) throws {
        let handedOver = HandedOver(value: reader)
        try OrderedPipeline<[Line]>.run(
            queueLimit: 16,
            produce: { emit in
                try read(handedOver.value, name: name, emit)
            },
            consume: { batch in
                for line in batch { try body(line) }
            })
    }

    /// The reading thread: parses each line, hands over batches, stops at the first refusal.
    private static func read(_ reader: LineReader, name: String, _ emit: ([Line]) -> Bool) throws {
        var batch: [Line] = []
        batch.reserveCapacity(batchSize)
        do {
            try reader.forEachLine { bytes, number in
                let content: Content
                if FactLine.isBlank(bytes) {
                    content = .blank
                } else {
                    do throws(CommandFailure) {
                        content = .fact(try FactLine.fact(from: bytes, name: name, line: number))
                    } catch {
                        content = .refused(error)
                    }
                }
                batch.append(Line(number: number, bytesConsumed: reader.bytesConsumed, content: content))
                if case .refused = content { throw StopReading() }
                if batch.count >= batchSize {
                    guard emit(batch) else { throw StopReading() }
                    batch.removeAll(keepingCapacity: true)
                }
            }
        } catch is StopReading {
            // A refused line (the last of `batch`), or the caller stopped.
        } catch {
            // The reading failed: the lines before it first.
            if !batch.isEmpty { _ = emit(batch) }
            throw error
        }
        if !batch.isEmpty { _ = emit(batch) }
    }

    private struct StopReading: Error {}
}
