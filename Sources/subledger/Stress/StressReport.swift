#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The lines `stress-append` reports on standard output, each written whole with one
/// `write(2)` as soon as it is known, so a process killed right after keeps every line it
/// reported.
///
/// ```
/// ready
/// ack BATCH FIRST LAST SIZE [STREAM=EXPECTED ...]
/// conflict BATCH STREAM EXPECTED ACTUAL
/// retry BATCH REASON...
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

    /// An append of `batch` failed in the storage (`reason`); it is tried again.
    static func retry(_ batch: StressBatch, reason: String) {
        let oneLine = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        emit("retry \(batch.name) \(oneLine)")
    }

    private static func emit(_ line: String) {
        // swift-system retries EINTR and partial writes; a failed line is dropped, as before.
        _ = try? FileDescriptor.standardOutput.writeAll((line + "\n").utf8)
    }
}
