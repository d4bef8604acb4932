import Dispatch
import Testing
@testable import SubledgerStore

/// Issue 12, item 4: the store's `Lock` is the standard library's `Mutex` (Synchronization),
/// no longer a hand-made `pthread_mutex_t`.
@Suite("The store's lock")
struct LockTests {
    @Test("given two threads, when each takes the lock 100,000 times, then no increment is lost")
    func lockExcludes() {
        final class Counter: @unchecked Sendable {
            let lock = Lock()
            var value = 0
        }
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<100_000 { counter.lock.withLock { counter.value += 1 } }
        }
        #expect(counter.lock.withLock { counter.value } == 200_000)
        let none: Int? = counter.lock.withLock { nil }
        #expect(none == nil, "an optional result comes back as it was")
    }
}
