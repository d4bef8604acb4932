#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SubledgerStore
import SubledgerLedger
import SystemPackage

// The files of the fact stream: the folder of sorted runs, a buffered writer, a run's reader.

func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// A folder for the runs beside the output file, removed with what it holds.
struct RunFolder {
    let path: String

    init(beside output: String) throws(DemoFactStreamError) {
        let slash = output.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(output[..<$0]) } ?? "."
        var template = Array("\(directory.isEmpty ? "/" : directory)/.demo-facts-runs-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw DemoFactStreamError("cannot create a folder for the runs beside \(output): \(systemMessage(errno))")
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != ".", name != ".." { unlink(path + "/" + name) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}

/// Buffered writes to a new file: the package's one ``BufferedWriter`` over the file.
final class FileWriter {
    private let writer: BufferedWriter
    private let path: String
    var written: Int { writer.appendedBytes }

    init(path: String) throws(DemoFactStreamError) {
        do throws(Errno) {
            writer = BufferedWriter(descriptor: try BufferedWriter.create(path), capacity: 4 << 20)
        } catch {
            throw DemoFactStreamError("cannot write \(path): \(systemMessage(error.rawValue))")
        }
        self.path = path
    }

    deinit {
        try? writer.descriptor.close()
    }

    func append(_ body: (inout [UInt8]) -> Void) throws(DemoFactStreamError) {
        do throws(Errno) { try writer.append(body) } catch {
            throw DemoFactStreamError("cannot write \(path): \(systemMessage(error.rawValue))")
        }
    }

    func flush() throws(DemoFactStreamError) {
        do throws(Errno) { try writer.flush() } catch {
            throw DemoFactStreamError("cannot write \(path): \(systemMessage(error.rawValue))")
        }
    }

    func close() throws(DemoFactStreamError) {
        try flush()
    }
}

/// Reads the records of a run file one at a time, through a buffer.
struct RunReader {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var recordStart = 0
    private var recordLength = 0
    /// The `recordedAt` of the current record.
    private(set) var recorded: Int64 = 0

    init(path: String) throws(DemoFactStreamError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DemoFactStreamError("cannot read \(path): \(systemMessage(errno))") }
        self.path = path
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    /// Moves to the next record; `false` (and the file closed) at the end.
    mutating func advance() throws(DemoFactStreamError) -> Bool {
        start = recordStart + recordLength
        guard try fill(12) else {
            Glibc.close(descriptor)
            return false
        }
        var recorded: Int64 = 0
        var length: UInt32 = 0
        buffer.withUnsafeBytes { raw in
            recorded = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: Int64.self))
            length = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self))
        }
        self.recorded = recorded
        start += 12
        recordStart = start
        recordLength = 0
        guard try fill(Int(length)) else { throw DemoFactStreamError("\(path) ends inside a record") }
        recordStart = start
        recordLength = Int(length)
        return true
    }

    /// Appends the current record's bytes.
    func appendRecord(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: buffer[recordStart..<(recordStart + recordLength)])
    }

    /// Makes at least `count` bytes available from `start`; `false` at the end of the file.
    private mutating func fill(_ count: Int) throws(DemoFactStreamError) -> Bool {
        if end - start >= count { return true }
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
        while end < count {
            let capacity = buffer.count - end
            let read = buffer.withUnsafeMutableBytes { raw in Glibc.read(descriptor, raw.baseAddress! + end, capacity) }
            if read < 0 {
                if errno == EINTR { continue }
                throw DemoFactStreamError("cannot read \(path): \(systemMessage(errno))")
            }
            if read == 0 { return end >= count }
            end += read
        }
        return true
    }
}
