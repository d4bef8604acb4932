#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The file system side of ``StoreKeyFile``: reading with its mode checked, creating with
/// mode 0600 durably, and refusing a place inside the store's folder.
enum KeyFileIO {
    /// A key file is a few hundred bytes; anything larger is not one.
    static let maximumBytes = 4096

    static func read(_ path: String) throws(StoreKeyFileError) -> StoreKeyFile {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT {
                throw StoreKeyFileError(
                    path: path,
                    "no key file at \(path): the store's master and signing keys are there; name it with --key-file or SUBLEDGER_KEY_FILE"
                )
            }
            throw StoreKeyFileError(path: path, "cannot read the key file \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw StoreKeyFileError(path: path, "cannot read the key file \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw StoreKeyFileError(path: path, "\(path) is not a regular file")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw StoreKeyFileError(
                path: path,
                "the key file \(path) can be read by other users (mode \(String(status.st_mode & 0o777, radix: 8))): run chmod 600 \(path)"
            )
        }
        // swift-system's read retries EINTR; one byte past the bound tells a file too long.
        let file = FileDescriptor(rawValue: descriptor)
        var bytes = [UInt8](repeating: 0, count: maximumBytes + 1)
        var count = 0
        while count < bytes.count {
            let read: Int
            do {
                read = try bytes.withUnsafeMutableBytes {
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[count...]))
                }
            } catch {
                let code = (error as? Errno)?.rawValue ?? EIO
                throw StoreKeyFileError(
                    path: path, "cannot read the key file \(path): \(String(cString: strerror(code)))")
            }
            if read == 0 { break }
            count += read
        }
        guard count <= maximumBytes else {
            throw StoreKeyFileError(
                path: path, "\(path) is not a subledger key file: longer than \(maximumBytes) bytes")
        }
        return try StoreKeyFile.decode(Array(bytes[..<count]), path: path)
    }

    /// Creates `path` with `contents`, mode 0600, failing when it exists; the data and the
    /// directory entry are on disk when this returns.
    static func create(_ path: String, contents: [UInt8]) throws(StoreKeyFileError) {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            throw StoreKeyFileError(
                path: path,
                code == EEXIST
                    ? "the key file \(path) exists already"
                    : "cannot create the key file \(path): \(String(cString: strerror(code)))")
        }
        var failure: Int32 = 0
        do {
            // swift-system's writeAll retries partial writes and EINTR.
            try FileDescriptor(rawValue: descriptor).writeAll(contents)
        } catch {
            failure = (error as? Errno)?.rawValue ?? EIO
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        guard failure == 0 else {
            unlink(path)
            throw StoreKeyFileError(
                path: path, "cannot write the key file \(path): \(String(cString: strerror(failure)))")
        }
        try syncDirectory(of: path)
    }

    /// fsync of the directory that holds `path`, so that a new or renamed entry survives a crash.
    static func syncDirectory(of path: String) throws(StoreKeyFileError) {
        let directory = directoryName(of: path)
        let descriptor = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreKeyFileError(
                path: path, "cannot open the folder \(directory) of the key file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreKeyFileError(
                path: path, "cannot sync the folder \(directory) of the key file: \(String(cString: strerror(errno)))")
        }
    }

    /// Refuses a key file inside the store's folder (or at the folder itself): a copy of the
    /// folder must never carry the keys (interchange.md, RET-1).
    static func refuseInside(_ path: String, storePath: String) throws(StoreKeyFileError) {
        guard let store = realPath(storePath) else { return }  // no folder yet: nothing to be inside
        guard let directory = realPath(directoryName(of: path)) else {
            throw StoreKeyFileError(path: path, "the folder of the key file \(path) does not exist")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let resolved = directory == "/" ? "/" + name : directory + "/" + name
        guard resolved != store, !resolved.hasPrefix(store == "/" ? "/" : store + "/") else {
            throw StoreKeyFileError(
                path: path,
                "the key file \(path) would be inside the store's folder \(storePath): keep it outside (the default is \(StoreKeyFile.defaultPath(forStoreAt: storePath)))"
            )
        }
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
