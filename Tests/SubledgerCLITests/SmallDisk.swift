import Foundation

/// A small tmpfs mounted on a folder, to fill a disk on purpose. Mounting needs root (or
/// CAP_SYS_ADMIN); where it is not permitted, ``mount(at:size:)`` says why instead.
final class SmallDisk {
    let path: String

    private init(path: String) {
        self.path = path
    }

    /// Mounts a tmpfs of `size` (as `mount -o size=` reads it, such as `2m`) on the new
    /// folder `path`; the reason it could not, otherwise.
    static func mount(at path: String, size: String) -> Result<SmallDisk, SmallDiskUnavailable> {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            return .failure(SmallDiskUnavailable(reason: "cannot create \(path): \(error)"))
        }
        guard getuid() == 0 else {
            return .failure(SmallDiskUnavailable(reason: "mounting a tmpfs needs root (uid \(getuid()))"))
        }
        let result = run(["mount", "-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
        guard result.status == 0 else {
            return .failure(SmallDiskUnavailable(reason: "mount -t tmpfs is not permitted here: \(result.errors)"))
        }
        return .success(SmallDisk(path: path))
    }

    /// The bytes free on the disk.
    var freeBytes: Int {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return -1 }
        return Int(status.f_bavail) * Int(status.f_frsize)
    }

    /// Gives the disk another size (to free space on a full one).
    func resize(to size: String) -> Bool {
        Self.run(["mount", "-o", "remount,size=\(size)", path]).status == 0
    }

    private var isMounted = true

    /// Unmounts the disk (lazily, should a file still be open) and removes its folder.
    func unmount() {
        guard isMounted else { return }
        isMounted = false
        _ = Self.run(["umount", "-l", path])
        rmdir(path)
    }

    deinit {
        unmount()
    }

    /// Runs `arguments` (a command found on the path) and returns its status and standard error.
    static func run(_ arguments: [String]) -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(error)") }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why no small disk could be mounted: the test says so and is skipped.
struct SmallDiskUnavailable: Error {
    var reason: String
}
