import Foundation
import Synchronization

/// A value handed to the producer's thread, which alone uses it from then on (a reader, a
/// buffer): the hand-over the compiler cannot see.
package struct HandedOver<Value>: @unchecked Sendable {
    /// The value handed over.
    package let value: Value

    /// Wraps `value` for the hand-over; the sender must not use it afterwards.
    /// - Parameter value: The value to hand over.
    package init(value: Value) {
        self.value = value
    }
}

/// Storage the consumer of an `OrderedPipeline` (the store's, the package's one) gives
/// back to its producer once it is done with a batch, so that the producer fills the same
/// memory again instead of allocating (and the kernel zeroing) new pages for every batch.
package final class RecycledStorage<Element: Sendable>: Sendable {
    private let spare = Mutex<[[Element]]>([])
    private let limit: Int

    /// A store of spare arrays that keeps at most `limit` of them.
    /// - Parameter limit: The most arrays kept; more given back are dropped.
    package init(limit: Int) {
        self.limit = limit
    }

    /// An empty array, with the capacity of one given back if there is one.
    /// - Parameter minimumCapacity: The capacity the array must have.
    /// - Returns: An empty array of at least `minimumCapacity`.
    package func take(minimumCapacity: Int) -> [Element] {
        var storage = spare.withLock { $0.popLast() } ?? []
        storage.removeAll(keepingCapacity: true)
        storage.reserveCapacity(minimumCapacity)
        return storage
    }

    /// Gives `storage` back (the caller keeps no other reference to it).
    /// - Parameter storage: The array the consumer is done with.
    package func give(_ storage: [Element]) {
        spare.withLock { spare in
            if spare.count < limit { spare.append(storage) }
        }
    }
}
