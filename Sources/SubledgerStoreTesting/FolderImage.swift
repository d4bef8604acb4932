import Foundation

/// Every file of a folder with its bytes and modification time: two equal images mean no
/// file was created, removed, written or touched (tests of opening a store read-only).
public struct FolderImage: Equatable, Sendable {
    /// One file's content and modification time (nanoseconds since 1970).
    public struct File: Equatable, Sendable {
        public var bytes: [UInt8]
        public var modifiedNanoseconds: Int64
    }

    /// The files by name.
    public var files: [String: File]

    /// The image of the folder `path` as it is now (its files, not its subfolders' files).
    public init(of path: String) throws {
        files = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            var status = stat()
            guard stat(path + "/" + name, &status) == 0 else {
                throw FolderImageError(path: path + "/" + name, code: errno)
            }
            let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            files[name] = File(
                bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))),
                modifiedNanoseconds: modified)
        }
    }
}

/// A file of the folder could not be examined.
public struct FolderImageError: Error, CustomStringConvertible {
    public var path: String
    public var code: Int32
    public var description: String { "cannot stat \(path): \(String(cString: strerror(code)))" }
}
