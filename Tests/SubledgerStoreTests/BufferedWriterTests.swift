import Foundation
import SubledgerStore
import SystemPackage
import Testing

/// Issue 12, item 4: the one buffered writer (``BufferedWriter``, over swift-system's
/// `FileDescriptor`) behind the CLI's `BufferedOutput` and the demo's fact files.
@Suite("The one buffered writer")
struct BufferedWriterTests {
    @Test("given a capacity of 4, when 3, 1 and 3 bytes are appended and flushed, then the file holds them in order")
    func writesAcrossTheCapacity() throws {
        let path = temporaryFolder() + ".bytes"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = try BufferedWriter.create(path)
        let writer = BufferedWriter(descriptor: descriptor, capacity: 4)
        try writer.append { $0 += [1, 2, 3] }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty, "one byte under the capacity: still buffered")
        try writer.append { $0 += [4] }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3, 4]), "at the capacity: written out")
        try writer.append { $0 += [5, 6, 7] }
        try writer.flush()
        try descriptor.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3, 4, 5, 6, 7]))
        #expect(writer.appendedBytes == 7)
    }

    @Test(
        "given a descriptor open only for reading, when a flush writes, then it throws the Errno, and the buffer is dropped"
    )
    func aFailedWriteThrowsItsErrno() throws {
        let descriptor = try FileDescriptor.open("/dev/null", .readOnly)
        defer { try? descriptor.close() }
        let writer = BufferedWriter(descriptor: descriptor, capacity: 16)
        try writer.append { $0 += [1] }
        #expect(throws: Errno.badFileDescriptor) { try writer.flush() }
        try writer.flush()  // nothing left to write
    }
}
