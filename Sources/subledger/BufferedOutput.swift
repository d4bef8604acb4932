import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Buffered writes to standard output or to a file. A file is written under a temporary
/// name beside it and renamed into place by ``commit()``, so a command that fails leaves
/// no half-written file behind (and an older file of that name untouched).
final class BufferedOutput {
    private let descriptor: Int32
    private let name: String
    /// For a file: the temporary path and the final one.
    private let temporaryPath: String?
    private let finalPath: String?
    private var buffer: [UInt8] = []
    private let capacity: Int
    private var isFinished = false

    /// Standard output.
    init(capacity: Int = 1 << 20) {
        descriptor = STDOUT_FILENO
        name = "standard output"
        temporaryPath = nil
        finalPath = nil
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// A new file at `path`, replacing any file there once committed.
    init(path: String, capacity: Int = 1 << 20) throws(CommandFailure) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CommandFailure("cannot write \(path): \(SystemError.text(errno))") }
        self.descriptor = descriptor
        name = path
        temporaryPath = temporary
        finalPath = path
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if let temporaryPath {
            if !isFinished { unlink(temporaryPath) }
            close(descriptor)
        }
    }

    /// Gives `body` the buffer to append to directly (no copy), then writes it out if full.
    func append(_ body: (inout [UInt8]) -> Void) throws(CommandFailure) {
        body(&buffer)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes out what is buffered.
    func flush() throws(CommandFailure) {
        var offset = 0
        let failure: Int32? = buffer.withUnsafeBytes { bytes -> Int32? in
            while offset < bytes.count {
                let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw CommandFailure("cannot write \(name): \(SystemError.text(failure))") }
    }

    /// Writes out what is buffered and, for a file, syncs it and moves it into place.
    func commit() throws(CommandFailure) {
        try flush()
        guard let temporaryPath, let finalPath else { return }
        guard fsync(descriptor) == 0 else { throw CommandFailure("cannot write \(finalPath): \(SystemError.text(errno))") }
        guard rename(temporaryPath, finalPath) == 0 else {
            throw CommandFailure("cannot move the output into \(finalPath): \(SystemError.text(errno))")
        }
        isFinished = true
    }
}

/// `write(2)`, called from a type whose own members could shadow its name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
