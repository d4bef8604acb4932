#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `write(2)` and `close(2)`, named apart from the methods of the same names below.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func systemClose(_ descriptor: Int32) { close(descriptor) }

/// One sorted run of index entries on disk (issue 13): what one import transaction deferred
/// for one table, in key order. Each record is its key's length (2 bytes), its value's
/// length (4 bytes, both little-endian), the key and the value. The file lives only while
/// its import runs, in the store's folder (``ImportIndexRuns``); nothing reads it once the
/// import has merged it, and a crash leaves it for the rollback to remove.
final class IndexRunFile {
    static let recordHeaderBytes = 6
    /// Every this many records, the run keeps the key and offset in memory (point lookups).
    static let fenceStride = 128

    let path: String
    let count: Int
    let byteCount: Int
    /// The first key of every ``fenceStride`` records and its offset (empty when not fenced).
    private let fenceKeys: [[UInt8]]
    private let fenceOffsets: [Int]
    private var descriptor: Int32 = -1

    private init(path: String, count: Int, byteCount: Int, fenceKeys: [[UInt8]], fenceOffsets: [Int]) {
        self.path = path
        self.count = count
        self.byteCount = byteCount
        self.fenceKeys = fenceKeys
        self.fenceOffsets = fenceOffsets
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Writes `builder`'s entries in key order to a new file at `path`; `fenced` keeps what
    /// ``value(of:)`` needs.
    /// - Throws: ``EventStoreError`` (`.storage`) when the file cannot be written.
    static func write(_ builder: IndexRunBuilder, to path: String, fenced: Bool) throws -> IndexRunFile {
        let sorted = builder.sortedEntries()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("creating", path) }
        defer { close(descriptor) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var written = 0
        var fenceKeys: [[UInt8]] = []
        var fenceOffsets: [Int] = []
        try builder.bytes.withUnsafeBytes { base in
            for (index, entry) in sorted.enumerated() {
                let key = base[entry.offset..<entry.offset + entry.keyLength]
                if fenced, index % fenceStride == 0 {
                    fenceKeys.append(Array(key))
                    fenceOffsets.append(written + buffer.count)
                }
                appendLittleEndian(UInt64(entry.keyLength), bytes: 2, to: &buffer)
                appendLittleEndian(UInt64(entry.valueLength), bytes: 4, to: &buffer)
                buffer.append(contentsOf: base[entry.offset..<entry.offset + entry.keyLength + entry.valueLength])
                if buffer.count >= 1 << 20 {
                    try writeAll(buffer, to: descriptor, path: path)
                    written += buffer.count
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try writeAll(buffer, to: descriptor, path: path)
        written += buffer.count
        return IndexRunFile(
            path: path, count: sorted.count, byteCount: written, fenceKeys: fenceKeys, fenceOffsets: fenceOffsets)
    }

    /// The value stored under `key` in this run, or `nil`; only for a fenced run.
    /// - Throws: ``EventStoreError`` (`.storage`) when the file cannot be read or is short.
    func value(of key: [UInt8]) throws -> [UInt8]? {
        // The last fence at or before `key`: its block of records is where `key` would be.
        var low = 0
        var high = fenceKeys.count
        while low < high {
            let middle = (low + high) / 2
            if IndexRunBuilder.compare(fenceKeys[middle], key) <= 0 { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let start = fenceOffsets[low - 1]
        let end = low < fenceOffsets.count ? fenceOffsets[low] : byteCount
        let block = try read(from: start, count: end - start)
        var offset = 0
        while offset + Self.recordHeaderBytes <= block.count {
            let keyLength = Int(Self.littleEndian(block, at: offset, bytes: 2))
            let valueLength = Int(Self.littleEndian(block, at: offset + 2, bytes: 4))
            let keyStart = offset + Self.recordHeaderBytes
            guard keyStart + keyLength + valueLength <= block.count else { break }
            let order = block.withUnsafeBytes { bytes in
                let stored = UnsafeRawBufferPointer(rebasing: bytes[keyStart..<keyStart + keyLength])
                return key.withUnsafeBytes { IndexRunBuilder.compare(stored, $0) }
            }
            if order == 0 { return Array(block[(keyStart + keyLength)..<(keyStart + keyLength + valueLength)]) }
            if order > 0 { return nil }
            offset = keyStart + keyLength + valueLength
        }
        return nil
    }

    private func read(from offset: Int, count: Int) throws -> [UInt8] {
        if descriptor < 0 {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Self.failure("opening", path) }
        }
        var block = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = block.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw Self.failure("reading", path) }
            done += got
        }
        return block
    }

    /// Removes the file (its import has merged it, or is rolled back).
    func remove() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }

    static func appendLittleEndian(_ value: UInt64, bytes: Int, to buffer: inout [UInt8]) {
        for index in 0..<bytes { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    static func littleEndian(_ buffer: [UInt8], at offset: Int, bytes: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<bytes { value |= UInt64(buffer[offset + index]) << (8 * UInt64(index)) }
        return value
    }

    private static func writeAll(_ buffer: [UInt8], to descriptor: Int32, path: String) throws {
        var done = 0
        while done < buffer.count {
            let wrote = buffer.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + done, buffer.count - done) }
            if wrote < 0, errno == EINTR { continue }
            guard wrote > 0 else { throw failure("writing", path) }
            done += wrote
        }
    }

    static func failure(_ action: String, _ path: String) -> EventStoreError {
        EventStoreError(
            .storage, "\(action) the import's index run \(path) failed: \(String(cString: strerror(errno)))")
    }
}

/// Reads a run from its first record to its last, in blocks.
struct IndexRunReader {
    private let run: IndexRunFile
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var fileOffset = 0

    init(_ run: IndexRunFile) throws {
        self.run = run
        descriptor = open(run.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IndexRunFile.failure("opening", run.path) }
    }

    func close() { systemClose(descriptor) }

    /// The next entry, or `nil` after the last.
    /// - Throws: ``EventStoreError`` (`.storage`) when the file cannot be read or ends inside a record.
    mutating func next() throws -> (key: [UInt8], value: [UInt8])? {
        guard try fill(IndexRunFile.recordHeaderBytes) else { return nil }
        let keyLength = Int(IndexRunFile.littleEndian(buffer, at: start, bytes: 2))
        let valueLength = Int(IndexRunFile.littleEndian(buffer, at: start + 2, bytes: 4))
        let total = IndexRunFile.recordHeaderBytes + keyLength + valueLength
        guard try fill(total) else {
            throw EventStoreError(.storage, "the import's index run \(run.path) ends inside a record")
        }
        let keyStart = start + IndexRunFile.recordHeaderBytes
        let key = Array(buffer[keyStart..<keyStart + keyLength])
        let value = Array(buffer[(keyStart + keyLength)..<(keyStart + keyLength + valueLength)])
        start += total
        return (key, value)
    }

    /// Whether `count` bytes are buffered from `start`, reading more when not; `false` at
    /// the end of the file with nothing buffered.
    private mutating func fill(_ count: Int) throws -> Bool {
        if buffer.count - start >= count { return true }
        buffer.removeSubrange(0..<start)
        start = 0
        while buffer.count < count, fileOffset < run.byteCount {
            let want = max(count - buffer.count, 1 << 18)
            var chunk = [UInt8](repeating: 0, count: want)
            let got = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, want, off_t(fileOffset)) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw IndexRunFile.failure("reading", run.path) }
            buffer.append(contentsOf: chunk[0..<got])
            fileOffset += got
        }
        if buffer.count >= count { return true }
        if buffer.isEmpty { return false }
        throw EventStoreError(.storage, "the import's index run \(run.path) ends inside a record")
    }
}
