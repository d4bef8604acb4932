import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The exclusive lock an import holds for its whole duration (issue 13 item 3): `flock` on
/// the file `import.lock` beside the LMDB files, so that another process (or another
/// descriptor in this one) can tell a running import from one whose process died, whose
/// lock the kernel released. A store in memory has no file: its lock is a flag of its log.
///
/// The lock says who may import or roll an import back; the marker in `meta`
/// (``PendingImport``) is what refuses other writers and hides the import from readers.
package final class ImportLock: Sendable {
    private enum Holder {
        case file(Int32)
        case flag(InProcessImportFlag)
        /// A lock held elsewhere (PostgreSQL's session advisory lock), released by the first
        /// closure; the second says whether it is still held (its session may have ended).
        case held(release: @Sendable () -> Void, isHeld: @Sendable () -> Bool)
    }

    private let holder: Holder
    private let released = Mutex(false)

    private init(_ holder: Holder) {
        self.holder = holder
    }

    /// The name of the lock file in a store's folder.
    static let fileName = "import.lock"

    /// Takes the lock of the store in folder `folder` without waiting.
    /// - Returns: The lock, or `nil` when another holds it (an import is running).
    /// - Throws: ``EventStoreError/Code/notWritable`` when the lock file cannot be opened or locked.
    static func take(folder: String) throws -> ImportLock? {
        let path = folder + "/" + fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw EventStoreError(.notWritable, "cannot open the import lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            if failure == EWOULDBLOCK { return nil }
            throw EventStoreError(.notWritable, "cannot lock \(path): \(String(cString: strerror(failure)))")
        }
        return ImportLock(.file(descriptor))
    }

    /// Takes the in-process lock `flag` (a store in memory) without waiting.
    /// - Returns: The lock, or `nil` when another holds it.
    static func take(flag: InProcessImportFlag) -> ImportLock? {
        let taken = flag.held.withLock { held in
            guard !held else { return false }
            held = true
            return true
        }
        return taken ? ImportLock(.flag(flag)) : nil
    }

    /// A lock that a backend of another target took (a PostgreSQL session advisory lock,
    /// issue 15): `release` gives it up, once.
    /// - Parameters:
    ///   - release: Gives the lock up; called once, by ``release()`` or when the lock is freed.
    ///   - isHeld: Whether the lock is still held: `false` once the session holding it has ended.
    package convenience init(
        releasing release: @escaping @Sendable () -> Void, isHeld: @escaping @Sendable () -> Bool = { true }
    ) {
        self.init(.held(release: release, isHeld: isHeld))
    }

    /// Whether the lock is still held (not released, and, for a lock held by a server
    /// session, that session not ended); a `flock` or a flag is held until released.
    var isHeld: Bool {
        guard !released.withLock({ $0 }) else { return false }
        if case .held(_, let isHeld) = holder { return isHeld() }
        return true
    }

    /// Releases the lock (once; later calls do nothing).
    func release() {
        let first = released.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        switch holder {
        case .file(let descriptor):
            flock(descriptor, LOCK_UN)
            close(descriptor)
        case .flag(let flag):
            flag.held.withLock { $0 = false }
        case .held(let release, _):
            release()
        }
    }

    deinit {
        release()
    }
}

/// The import lock of a store in memory: whether an import of this process holds it.
final class InProcessImportFlag: Sendable {
    let held = Mutex(false)
}
