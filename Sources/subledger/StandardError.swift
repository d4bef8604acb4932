#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Text on standard error that is not an error: notes (`complete: ...`) and the progress bar.
enum StandardError {
    /// Writes `line` and a newline.
    static func print(_ line: String) {
        write(line + "\n")
    }

    /// Writes `text` as it is, unbuffered.
    static func write(_ text: String) {
        // swift-system retries EINTR and partial writes; a failed note is dropped, as before.
        _ = try? FileDescriptor.standardError.writeAll(text.utf8)
    }
}
