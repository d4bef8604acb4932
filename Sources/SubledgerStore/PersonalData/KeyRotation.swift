internal import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// A step of the key-file protocol of an erase, after which a test stops as a crash
/// would (``EventStore/erase(_:simulatingCrashAfter:)``).
@_spi(Testing)
public enum KeyRotationStep: String, CaseIterable, Hashable, Sendable {
    /// `<keyfile>.next` holds the new master key, on disk; the store is unchanged.
    case nextWritten
    /// The erase's transaction committed: the store needs the new master key.
    case committed
    /// The old key file's bytes were overwritten with zeros, on disk.
    case oldZeroed
    /// `.next` was renamed over the key file and the folder synced: the protocol is done.
    case replaced
}

/// What a test's simulated crash throws: nothing after `step` ran, no clean-up either.
@_spi(Testing)
public struct SimulatedCrash: Error, Hashable, Sendable, CustomStringConvertible {
    /// The last step that ran before the simulated crash.
    public var step: KeyRotationStep
    /// The step, for a test's failure message.
    public var description: String { "simulated crash after \(step)" }
}

/// The key-file protocol of an erase (RET-1), which replaces the master key so that the
/// old one, which can open the erased subject's key in the store's free pages, is gone:
///
/// 1. write `<keyfile>.next` with the next generation (mode 0600, fsync, folder fsync);
/// 2. commit the transaction that re-seals every live subject key under it and records
///    its generation in `meta`;
/// 3. overwrite the old key file with zeros (fsync), rename `.next` over it (folder fsync).
///
/// A crash anywhere is resolved by ``recover(at:storeID:storeGeneration:)`` at the next
/// open: the store's `meta` says which generation it needs, so a `.next` of that
/// generation finishes step 3 and any other `.next` is deleted (its key sealed nothing
/// that was committed).
enum KeyRotation {
    static func nextPath(of path: String) -> String { path + ".next" }

    /// Step 1. Fails when a `.next` exists: another erase is under way.
    static func writeNext(_ next: StoreKeyFile) throws(StoreKeyFileError) {
        guard !next.isInMemory else { return }
        let path = nextPath(of: next.path)
        do {
            try KeyFileIO.create(path, contents: next.encoded())
        } catch  where error.message.contains("exists") {
            throw StoreKeyFileError(
                path: path,
                "\(path) exists: another erase is replacing the master key (or one was interrupted: open the store again to finish it)"
            )
        }
    }

    /// Step 3, with a test's crash points.
    static func finish(_ next: StoreKeyFile, crash: (KeyRotationStep) throws -> Void) throws {
        guard !next.isInMemory else { return }
        try zero(next.path)
        try crash(.oldZeroed)
        guard rename(nextPath(of: next.path), next.path) == 0 else {
            throw StoreKeyFileError(
                path: next.path,
                "cannot rename \(nextPath(of: next.path)) over \(next.path): \(String(cString: strerror(errno)))")
        }
        try KeyFileIO.syncDirectory(of: next.path)
        try crash(.replaced)
    }

    /// Deletes a `.next` whose key protects nothing (an erase that did not commit).
    static func discardNext(of path: String) {
        guard !path.isEmpty else { return }
        let next = nextPath(of: path)
        try? zero(next)
        unlink(next)
        try? KeyFileIO.syncDirectory(of: next)
    }

    /// The store's key file at `path` once any half-done rotation is finished or rolled
    /// back; `nil` when there is no key file (nor a `.next` to finish).
    /// - Throws: ``StoreKeyFileError`` when the file is unusable or of another generation
    ///   than `storeGeneration` (the one the store's `meta` names; `nil` when it sealed nothing).
    static func recover(at path: String, storeID: String, storeGeneration: UInt64?) throws -> StoreKeyFile? {
        let next = nextPath(of: path)
        if access(next, F_OK) == 0 {
            if let file = try? KeyFileIO.read(next), file.storeID == storeID, let storeGeneration,
                file.generation == storeGeneration
            {
                // The erase committed before the crash: the store needs this key.
                let moved = file.moved(to: path)
                try finish(moved) { _ in }
                return moved
            }
            discardNext(of: path)
        }
        guard access(path, F_OK) == 0 else { return nil }
        let file = try StoreKeyFile.open(at: path, storeID: storeID)
        if let storeGeneration, file.generation != storeGeneration {
            throw StoreKeyFileError(
                path: path,
                "the key file \(path) holds master key generation \(file.generation), but the store's personal data is sealed under generation \(storeGeneration): name the store's current key file with --key-file or SUBLEDGER_KEY_FILE"
            )
        }
        return file
    }

    /// Overwrites the file's bytes with zeros and syncs them (a missing file is fine).
    static func zero(_ path: String) throws(StoreKeyFileError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw StoreKeyFileError(
                path: path, "cannot overwrite the old key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw StoreKeyFileError(
                path: path, "cannot overwrite the old key file \(path): \(String(cString: strerror(errno)))")
        }
        let zeros = [UInt8](repeating: 0, count: Int(status.st_size))
        do {
            // From offset 0, whatever the descriptor's position; swift-system retries EINTR and partial writes.
            try FileDescriptor(rawValue: descriptor).writeAll(toAbsoluteOffset: 0, zeros)
        } catch {
            let code = (error as? Errno)?.rawValue ?? EIO
            throw StoreKeyFileError(
                path: path, "cannot overwrite the old key file \(path): \(String(cString: strerror(code)))")
        }
        guard fsync(descriptor) == 0 else {
            throw StoreKeyFileError(
                path: path, "cannot sync the old key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}

extension StoreKeyFile {
    /// Keys held in memory only, for a store in memory: its personal data lives and dies
    /// with the process, and an erase replaces the master key without any file.
    /// - Parameter storeID: The id of the store in memory.
    /// - Returns: Keys of generation 1 with an empty path: never written.
    public static func inMemory(storeID: String) -> StoreKeyFile {
        StoreKeyFile(
            path: "", storeID: storeID, generation: 1, masterKey: SymmetricKey(size: .bits256),
            signingKey: Curve25519.Signing.PrivateKey())
    }

    /// Whether the keys are held in memory only (no file).
    var isInMemory: Bool { path.isEmpty }

    /// The same keys, named at another path (a `.next` once renamed).
    func moved(to path: String) -> StoreKeyFile {
        StoreKeyFile(path: path, storeID: storeID, generation: generation, masterKey: masterKey, signingKey: signingKey)
    }
}
