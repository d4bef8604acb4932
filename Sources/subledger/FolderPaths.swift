#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a store built aside and moved into place needs of its folder's path: the folder
/// that holds it, its real path, and an `fsync` of the holding folder after a rename.
enum FolderPaths {
    /// The folder that holds `path` (`.` for a bare name), and its last component, as written.
    static func split(_ path: String) -> (parent: String, name: String) {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, String(path[path.index(after: slash)...]))
    }

    /// Makes a rename into the folder holding `path` durable.
    static func syncFolder(holding path: String) {
        let descriptor = open(split(path).parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// `path` with its links resolved, or `nil` when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
