import Foundation
import SystemPackage
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
            throw CommandFailure(
                "cannot create a temporary file in \(folder) to hold standard input: \(SystemError.text(errno))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        // swift-system's read and writeAll retry EINTR (and writeAll partial writes).
        let spool = FileDescriptor(rawValue: descriptor)
        while true {
            let count: Int
            do {
                count = try FileDescriptor.standardInput.read(into: chunk)
            } catch {
                unlink(path)
                throw CommandFailure(
                    "cannot read standard input: \(SystemError.text((error as? Errno)?.rawValue ?? EIO))")
            }
            if count == 0 { break }
            do {
                try spool.writeAll(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
            } catch {
                unlink(path)
                throw CommandFailure(
                    "cannot hold standard input in \(path): \(SystemError.text((error as? Errno)?.rawValue ?? EIO))")
            }
        }
    }

    deinit {
        unlink(path)
    }
}
