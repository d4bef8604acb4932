import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Standard input copied to a temporary file, so that it can be read more than once (an
/// import reads its input twice, and its write transaction may start over). The file is
/// removed when the spool is released.
final class StandardInputSpool {
    /// The temporary file's path.
    let path: String

    /// Copies all of standard input to a new temporary file (in `$TMPDIR`, else `/tmp`).
    init() throws(CommandFailure) {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/subledger-stdin-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw CommandFailure("cannot create a temporary file in \(folder) to hold standard input: \(SystemError.text(errno))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = read(STDIN_FILENO, chunk.baseAddress!, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                let reason = SystemError.text(errno)
                unlink(path)
                throw CommandFailure("cannot read standard input: \(reason)")
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = write(descriptor, chunk.baseAddress! + written, count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    let reason = SystemError.text(errno)
                    unlink(path)
                    throw CommandFailure("cannot hold standard input in \(path): \(reason)")
                }
                written += result
            }
        }
    }

    deinit {
        unlink(path)
    }
}
