import Foundation
import Synchronization

/// Two halves of a command's work on the machine's two cores: a second thread produces
/// batches in order (reads and parses, or reads from the store), while the calling thread
/// consumes them in the same order (checks, records, writes).
///
/// What the caller sees is what a sequential loop would give: every batch, in order, then
/// the producer's error if it stopped on one. When the consumer throws, the producer is
/// told to stop (``run(queueLimit:produce:consume:)`` waits for it) and its later batches
/// and error are dropped, as a sequential loop would never have reached them.
///
/// ```swift
/// try OrderedPipeline<[Int]>.run(produce: { emit in
///     for start in stride(from: 0, to: 100, by: 10) where !emit(Array(start..<start + 10)) { return }
/// }, consume: { batch in print(batch) })
/// ```
final class OrderedPipeline<Batch: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let queueLimit: Int
    // Guarded by `condition`.
    private var queue: [Batch] = []
    private var producerError: (any Error)?
    private var isProducerDone = false
    private var isCancelled = false

    private init(queueLimit: Int) {
        self.queueLimit = max(1, queueLimit)
    }

    /// Runs `produce` on a second thread and `consume` on this one with each batch that
    /// `produce` hands to `emit`, in order. `emit` waits while `queueLimit` batches wait to
    /// be consumed, and returns `false` once the consumer stopped: `produce` should then
    /// return. Throws what `consume` throws, else what `produce` threw (after every batch
    /// emitted before it was consumed). The second thread has finished when this returns.
    static func run(queueLimit: Int = 8, produce: @escaping @Sendable (_ emit: (Batch) -> Bool) throws -> Void,
                    consume: (Batch) throws -> Void) throws {
        let pipeline = OrderedPipeline(queueLimit: queueLimit)
        let thread = Thread {
            var failure: (any Error)?
            do {
                try produce { batch in pipeline.hand(batch) }
            } catch {
                failure = error
            }
            pipeline.finish(failure)
        }
        // Deep enough for the parsers' bounded recursion, like a main thread's.
        thread.stackSize = 8 << 20
        thread.start()
        defer { pipeline.cancelAndWait() }
        while let batch = try pipeline.next() {
            try consume(batch)
        }
    }

    /// Queues a batch, waiting while the queue is full; `false` once the consumer stopped.
    private func hand(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= queueLimit, !isCancelled { condition.wait() }
        guard !isCancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        producerError = error
        isProducerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order; `nil` at the end; the producer's error once every batch
    /// before it was taken.
    private func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !isProducerDone { condition.wait() }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let producerError { throw producerError }
        return nil
    }

    /// Tells the producer to stop and waits until it has returned.
    private func cancelAndWait() {
        condition.lock()
        isCancelled = true
        condition.broadcast()
        while !isProducerDone { condition.wait() }
        condition.unlock()
    }
}

/// A value handed to the producer's thread, which alone uses it from then on (a reader, a
/// buffer): the hand-over the compiler cannot see.
struct HandedOver<Value>: @unchecked Sendable {
    let value: Value
}

/// Storage the consumer of an ``OrderedPipeline`` gives back to its producer once it is
/// done with a batch, so that the producer fills the same memory again instead of
/// allocating (and the kernel zeroing) new pages for every batch.
final class RecycledStorage<Element: Sendable>: Sendable {
    private let spare = Mutex<[[Element]]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// An empty array, with the capacity of one given back if there is one.
    func take(minimumCapacity: Int) -> [Element] {
        var storage = spare.withLock { $0.popLast() } ?? []
        storage.removeAll(keepingCapacity: true)
        storage.reserveCapacity(minimumCapacity)
        return storage
    }

    /// Gives `storage` back (the caller keeps no other reference to it).
    func give(_ storage: [Element]) {
        spare.withLock { spare in
            if spare.count < limit { spare.append(storage) }
        }
    }
}
