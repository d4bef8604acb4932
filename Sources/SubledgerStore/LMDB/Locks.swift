import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mutual exclusion lock for state kept beside it (a class's stored properties, LMDB's
/// one writer): the standard library's `Mutex`, which holds no value here. Where the
/// guarded state is one value of its own, hold it in a `Mutex` directly (``GroupCommitter``).
package final class Lock: Sendable {
    private let mutex = Mutex(())

    /// A lock that no one holds.
    package init() {}

    /// Runs `body` holding the lock.
    /// - Parameter body: What runs under the lock.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw.
    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        // `Mutex.withLock` returns a `sending` value; what `body` returns belongs to the
        // caller's region, so it is carried out through a local instead.
        var result: R?
        try mutex.withLock { (_: inout Void) throws(E) -> Void in result = try body() }
        guard let result else { preconditionFailure("Lock.withLock: the body returned without a value") }
        return result
    }
}

/// A readers-writer lock that prefers writers, so a map resize is not starved by readers.
/// A `pthread_rwlock_t`: the standard library's Synchronization has no readers-writer lock,
/// and every LMDB transaction holds this one shared.
final class ReadWriteLock: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() {
        lock.initialize(to: pthread_rwlock_t())
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        let status = pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
        precondition(status == 0, "pthread_rwlock_init failed: \(status)")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withSharedLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withExclusiveLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
