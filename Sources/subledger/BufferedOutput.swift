import Foundation
import SubledgerStore
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Buffered writes to standard output or to a file. A file is written under a temporary
/// name beside it and renamed into place by ``commit()``, so a command that fails leaves
/// no half-written file behind (and an older file of that name untouched).
final class BufferedOutput {
    private let writer: BufferedWriter
    private let name: String
    /// For a file: the temporary path and the final one.
    private let temporaryPath: String?
    private let finalPath: String?
    private var isFinished = false

    /// Standard output.
    init(capacity: Int = 1 << 20) {
        writer = BufferedWriter(descriptor: .standardOutput, capacity: capacity)
        name = "standard output"
        temporaryPath = nil
        finalPath = nil
    }

    /// A new file at `path`, replacing any file there once committed.
    init(path: String, capacity: Int = 1 << 20) throws(CommandFailure) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
        do throws(Errno) {
            writer = BufferedWriter(descriptor: try BufferedWriter.create(temporary), capacity: capacity)
        } catch {
            throw CommandFailure("cannot write \(path): \(SystemError.text(error.rawValue))")
        }
        name = path
        temporaryPath = temporary
        finalPath = path
    }

    deinit {
        if let temporaryPath {
            if !isFinished { unlink(temporaryPath) }
            try? writer.descriptor.close()
        }
    }

    /// Gives `body` the buffer to append to directly (no copy), then writes it out if full.
    func append(_ body: (inout [UInt8]) -> Void) throws(CommandFailure) {
        do throws(Errno) { try writer.append(body) } catch {
            throw CommandFailure("cannot write \(name): \(SystemError.text(error.rawValue))")
        }
    }

    /// Writes out what is buffered.
    func flush() throws(CommandFailure) {
        do throws(Errno) { try writer.flush() } catch {
            throw CommandFailure("cannot write \(name): \(SystemError.text(error.rawValue))")
        }
    }

    /// Writes out what is buffered and, for a file, syncs it and moves it into place.
    func commit() throws(CommandFailure) {
        try flush()
        guard let temporaryPath, let finalPath else { return }
        // swift-system has no fsync nor rename: these two stay the C library's.
        guard fsync(writer.descriptor.rawValue) == 0 else {
            throw CommandFailure("cannot write \(finalPath): \(SystemError.text(errno))")
        }
        guard rename(temporaryPath, finalPath) == 0 else {
            throw CommandFailure("cannot move the output into \(finalPath): \(SystemError.text(errno))")
        }
        isFinished = true
    }
}
