#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Text on standard error that is not an error: notes (`complete: ...`) and the progress bar.
enum StandardError {
    /// Writes `line` and a newline.
    static func print(_ line: String) {
        write(line + "\n")
    }

    /// Writes `text` as it is, unbuffered.
    static func write(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = writeToStandardError(bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// `write(2)` on standard error, under a name apart from ``StandardError/write(_:)``.
private func writeToStandardError(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(STDERR_FILENO, bytes, count)
}
