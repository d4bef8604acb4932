package import SystemPackage

/// The one buffered writer of the package (issue 12, item 4): bytes appended in place to a
/// buffer, written out through swift-system's `FileDescriptor.writeAll` (partial writes and
/// `EINTR` retried there) when the buffer reaches its capacity. The CLI's output files and
/// standard output (`BufferedOutput`) and the demo's fact files write through it.
///
/// Not thread-safe: one writer, one thread at a time.
package final class BufferedWriter {
    /// Where the bytes go; the writer never closes it (its owner does).
    package let descriptor: FileDescriptor
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// Bytes appended so far, written out or still buffered.
    package private(set) var appendedBytes = 0

    /// - Parameters:
    ///   - capacity: the buffered bytes that trigger a write; 1 or more.
    package init(descriptor: FileDescriptor, capacity: Int) {
        precondition(capacity >= 1, "a buffer holds at least one byte")
        self.descriptor = descriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// A new file at `path` (created or truncated, mode 0644, closed on exec), opened for writing.
    ///
    /// - Throws: the `Errno` of `open(2)`.
    /// - Parameter path: The file's path.
    /// - Returns: The open descriptor; the caller closes it.
    package static func create(_ path: String) throws(Errno) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch let error as Errno {
            throw error
        } catch {
            throw Errno.ioError
        }
    }

    /// Gives `body` the buffer to append to directly (no copy), then writes it out if full.
    ///
    /// - Throws: the `Errno` of `write(2)`; what was buffered is dropped then.
    /// - Parameter body: Appends the bytes to write; it must not remove any (a precondition).
    package func append(_ body: (inout [UInt8]) -> Void) throws(Errno) {
        let before = buffer.count
        body(&buffer)
        precondition(buffer.count >= before, "an append only adds bytes")
        appendedBytes += buffer.count - before
        if buffer.count >= capacity { try flush() }
    }

    /// Writes out what is buffered.
    ///
    /// - Throws: the `Errno` of `write(2)`; what was buffered is dropped then.
    package func flush() throws(Errno) {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !buffer.isEmpty else { return }
        do {
            let written = try descriptor.writeAll(buffer)
            precondition(written == buffer.count, "writeAll writes everything or throws")
        } catch let error as Errno {
            throw error
        } catch {
            throw Errno.ioError
        }
    }
}
