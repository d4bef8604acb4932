import Foundation

/// Every file of a folder with its bytes and modification time: two equal images mean no
/// file was created, removed, written or touched (tests of opening a store read-only).
public struct FolderImage: Equatable, Sendable {
    /// One file's content and modification time (nanoseconds since 1970).
    public struct File: Equatable, Sendable {
        /// The file's content.
        public var bytes: [UInt8]
        /// When the file was last written, in nanoseconds since 1970.
        public var modifiedNanoseconds: Int64
    }

    /// The files by name.
    public var files: [String: File]

    /// The image of the folder `path` as it is now (its files, not its subfolders' files).
    /// - Parameter path: The folder.
    /// - Throws: ``FolderImageError`` if a file cannot be examined; Foundation's error if the
    ///   folder or a file cannot be read.
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
    /// The file.
    public var path: String
    /// The `errno` of `stat`.
    public var code: Int32
    /// The file and the system's message.
    public var description: String { "cannot stat \(path): \(String(cString: strerror(code)))" }
}
