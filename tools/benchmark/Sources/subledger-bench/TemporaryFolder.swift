import Foundation

/// A fresh folder under /tmp for one run, removed by ``remove()``.
struct TemporaryFolder {
    let path: String

    init(prefix: String) throws {
        var template = Array("/tmp/subledger-bench-\(prefix)-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw BenchmarkError("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A path inside the folder.
    func appending(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The size of the file at `path` in bytes (0 when missing).
    static func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// The bytes the file at `path` occupies on disk (its allocated blocks).
    static func allocatedSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_blocks) * 512 : 0
    }
}

/// A failure of the benchmark itself, with what went wrong.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
