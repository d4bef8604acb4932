#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SubledgerStore
import SubledgerVerify

/// Reads a file (or standard input) line by line through one large buffer, so a file of
/// any size is read in constant memory: as much as its longest line, at least the buffer.
///
/// Lines are split at `\n` only and handed over without it; a last line without `\n` is a
/// line too, and a file that ends with `\n` has no empty line after it.
final class LineReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let name: String
    private var buffer: UnsafeMutableRawBufferPointer
    /// The longest line accepted, or `nil` for any.
    private let maximumLineBytes: Int?
    /// The longest line accepted unless the caller says otherwise: far more than any event
    /// takes (the store refuses events over 1 MiB, which escaping may inflate sixfold as
    /// JSON), so that one endless line cannot exhaust memory.
    static let defaultMaximumLineBytes = StoreLimits.verifiedLineBytes
    /// Bytes of the lines handed over so far, their newlines included: the progress.
    private(set) var bytesConsumed = 0
    /// Whether the line being handed over ended with `\n` (only the last line may not).
    private(set) var lineEndsWithNewline = true
    /// Whether a file that starts with a UTF-8 byte order mark is refused (input of facts),
    /// rather than handed over as it is (for `verify FILE` to give its verdict on it).
    private let refusesByteOrderMark: Bool
    /// The UTF-8 byte order mark, `EF BB BF`.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Opens `path` for reading (`name` is what messages call it).
    /// With `refusingByteOrderMark`, a first line that starts with `EF BB BF` is refused
    /// with its reason, named as verify names it.
    init(
        path: String, name: String? = nil, bufferBytes: Int = 1 << 20,
        maximumLineBytes: Int? = LineReader.defaultMaximumLineBytes, refusingByteOrderMark: Bool = false
    ) throws(CommandFailure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot read \(name ?? path): \(SystemError.text(errno))", file: name ?? path)
        }
        self.descriptor = descriptor
        ownsDescriptor = true
        self.name = name ?? path
        buffer = .allocate(byteCount: bufferBytes, alignment: 16)
        self.maximumLineBytes = maximumLineBytes
        refusesByteOrderMark = refusingByteOrderMark
    }

    /// Reads standard input.
    init(
        standardInputWithBufferBytes bufferBytes: Int = 1 << 20,
        maximumLineBytes: Int? = LineReader.defaultMaximumLineBytes
    ) {
        descriptor = STDIN_FILENO
        ownsDescriptor = false
        name = "standard input"
        buffer = .allocate(byteCount: bufferBytes, alignment: 16)
        self.maximumLineBytes = maximumLineBytes
        refusesByteOrderMark = false
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(descriptor) }
    }

    /// The file's size in bytes, when it is a regular file.
    var fileSize: Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    /// Calls `body` with each line (without its `\n`) and its 1-based number, in order.
    /// The bytes are valid only during the call.
    func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var start = 0
        var end = 0
        var scanned = 0
        var lineNumber = 0
        while true {
            let base = buffer.baseAddress!
            if scanned < end, let newline = memchr(base + scanned, 0x0A, end - scanned) {
                let index = base.distance(to: newline)
                lineNumber += 1
                bytesConsumed += index + 1 - start
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<index])
                if lineNumber == 1 { try checkByteOrderMark(line) }
                try body(line, lineNumber)
                start = index + 1
                scanned = start
                continue
            }
            scanned = end
            if start > 0 {
                if end > start { memmove(base, base + start, end - start) }
                end -= start
                scanned -= start
                start = 0
            }
            if end == buffer.count { try grow(lineNumber: lineNumber + 1) }
            let count = read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot read \(name): \(SystemError.text(errno))", file: name)
            }
            if count == 0 {
                if end > start {
                    lineNumber += 1
                    bytesConsumed += end - start
                    lineEndsWithNewline = false
                    let line = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                    if lineNumber == 1 { try checkByteOrderMark(line) }
                    try body(line, lineNumber)
                }
                return
            }
            end += count
        }
    }

    /// Refuses a first line that starts with a byte order mark, when asked to: JSON Lines
    /// is UTF-8 without one (RFC 8259, section 8.1), and a parser would call it an
    /// unexpected character.
    private func checkByteOrderMark(_ firstLine: UnsafeRawBufferPointer) throws(CommandFailure) {
        guard refusesByteOrderMark, firstLine.starts(with: Self.byteOrderMark) else { return }
        throw CommandFailure(
            file: name, line: 1,
            "the file starts with a UTF-8 byte order mark (EF BB BF); remove it: JSON Lines is UTF-8 without one")
    }

    /// Doubles the buffer for a line longer than it.
    private func grow(lineNumber: Int) throws(CommandFailure) {
        if let maximumLineBytes, buffer.count >= maximumLineBytes {
            throw CommandFailure(
                file: name, line: lineNumber,
                "the line is longer than \(maximumLineBytes) bytes: it cannot be one event")
        }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
        larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = larger
    }
}

/// The text of a system error number.
enum SystemError {
    static func text(_ number: Int32) -> String {
        String(cString: strerror(number))
    }
}

/// What `verify FILE` reads on its second thread (``ExportFileReading`` of SubledgerVerify).
extension LineReader: ExportLineSource {}
