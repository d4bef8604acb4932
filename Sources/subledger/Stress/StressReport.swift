#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The lines `stress-append` reports on standard output, each written whole with one
/// `write(2)` as soon as it is known, so a process killed right after keeps every line it
/// reported.
///
/// ```
/// ready
/// ack BATCH FIRST LAST SIZE [STREAM=EXPECTED ...]
/// conflict BATCH STREAM EXPECTED ACTUAL
/// ```
enum StressReport {
    /// The store is open; appends start.
    static func ready() {
        emit("ready")
    }

    /// A batch committed at positions `first...last`; with expected versions, the version
    /// each of its streams was expected (and found) at.
    static func acknowledged(_ batch: StressBatch, first: UInt64, last: UInt64) {
        let expectations = batch.expectedVersions.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        emit("ack \(batch.name) \(first) \(last) \(batch.events.count)\(expectations)")
    }

    /// A batch was refused because `stream` was not at the version expected.
    static func conflict(_ batch: StressBatch, stream: String, expected: UInt64, actual: UInt64) {
        emit("conflict \(batch.name) \(stream) \(expected) \(actual)")
    }

    private static func emit(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
