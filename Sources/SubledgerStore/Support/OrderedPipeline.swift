import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one ordered pipeline of the package (issue 12, item 4): `producers` threads make
/// batches, the calling thread consumes them in order, each producer at most `queueLimit`
/// batches ahead (a bounded queue each, so memory stays bounded however long the input).
/// Producer `p` makes batches `p`, `p + producers`, `p + 2 × producers` … of the whole
/// sequence, and the consumer takes them round the producers in turn; the sequence ends at
/// the first producer, in that turn, that has returned.
///
/// One producer: a second thread reads and parses (the CLI's `import`, `export`,
/// `verify FILE`) while this one records or writes. Two: two cores read and decode chunks of
/// the log while this thread folds them (a projection's rebuild,
/// ``EventStore/forEachChunk(chunkSize:verifyingHashes:prepare:_:)``).
///
/// What the caller sees is what a sequential loop gives: every batch, in order, then the
/// error a producer stopped on, at its turn. When the consumer throws, the producers are
/// told to stop (`emit` returns `false`) and waited for; their later batches and errors
/// are dropped, as a sequential loop would never have reached them.
///
/// ```swift
/// try OrderedPipeline<[Int]>.run(produce: { emit in
///     for start in stride(from: 0, to: 100, by: 10) where !emit(Array(start..<start + 10)) { return }
/// }, consume: { batch in print(batch) })
/// ```
package final class OrderedPipeline<Batch: Sendable>: Sendable {
    /// What a producer's queue holds: a batch, or its end (with the error it stopped on).
    private enum Slot: Sendable {
        case batch(Batch)
        case end((any Error)?)
    }

    private struct State: ~Copyable {
        var queues: [[Slot]]
        var isCancelled = false
    }

    private let producers: Int
    private let queueLimit: Int
    private let state: Mutex<State>
    /// Per producer: signalled once per slot queued (the consumer waits on it).
    private let filled: [DispatchSemaphore]
    /// Per producer: signalled once per place free in its queue (the producer waits on it).
    /// Created at zero and signalled up: libdispatch traps when a semaphore is freed with a
    /// count below the one it was created with, which an early stop can leave.
    private let free: [DispatchSemaphore]

    /// The stack of a producer's thread: deep enough for the parsers' bounded recursion, like
    /// a main thread's.
    static var producerStackBytes: Int { 8 << 20 }

    private init(producers: Int, queueLimit: Int) {
        precondition(producers >= 1, "a pipeline has a producer")
        self.producers = producers
        self.queueLimit = max(1, queueLimit)
        state = Mutex(State(queues: Array(repeating: [], count: producers)))
        filled = (0..<producers).map { _ in DispatchSemaphore(value: 0) }
        free = (0..<producers).map { _ in DispatchSemaphore(value: 0) }
        for semaphore in free { for _ in 0..<self.queueLimit { semaphore.signal() } }
    }

    /// Runs `produce` on one second thread, `consume` on this one with each batch handed to
    /// `emit`, in order. `emit` waits while `queueLimit` batches wait to be consumed and
    /// returns `false` once the consumer stopped: `produce` should then return. Throws what
    /// `consume` throws, else what `produce` threw (after every batch emitted before it).
    /// The second thread has finished when this returns.
    /// - Parameters:
    ///   - queueLimit: The most batches that wait to be consumed (below 1 counts as 1).
    ///   - produce: Makes the batches and hands each to `emit`, on the second thread.
    ///   - consume: Takes each batch, in order, on the calling thread.
    /// - Throws: The error of `consume`, else the error of `produce`.
    package static func run(
        queueLimit: Int = 8, produce: @escaping @Sendable (_ emit: (Batch) -> Bool) throws -> Void,
        consume: (Batch) throws -> Void
    ) throws {
        try run(producers: 1, queueLimit: queueLimit, produce: { _, emit in try produce(emit) }, consume: consume)
    }

    /// Runs `produce(p, emit)` for each producer `p` in `0..<producers` on a thread of its
    /// own and `consume` on this one, with the batches in turn (see the type). Throws what
    /// `consume` throws, else the error of the first producer, in turn, that threw. Every
    /// producer's thread has finished when this returns.
    /// - Parameters:
    ///   - producers: The number of producer threads, at least 1 (a precondition).
    ///   - queueLimit: The most batches each producer has waiting (below 1 counts as 1).
    ///   - produce: Makes the batches of producer `producer` and hands each to `emit`.
    ///   - consume: Takes each batch, in order, on the calling thread.
    /// - Throws: The error of `consume`, else the first producer's error, in turn.
    package static func run(
        producers: Int, queueLimit: Int,
        produce: @escaping @Sendable (_ producer: Int, _ emit: (Batch) -> Bool) throws -> Void,
        consume: (Batch) throws -> Void
    ) throws {
        let pipeline = OrderedPipeline(producers: producers, queueLimit: queueLimit)
        let threads = (0..<producers).map { producer in
            ProducerThread.start(stackBytes: producerStackBytes) {
                var failure: (any Error)?
                do {
                    try produce(producer) { batch in pipeline.hand(batch, from: producer) }
                } catch {
                    failure = error
                }
                pipeline.finish(producer, failure)
            }
        }
        defer {
            pipeline.cancel()
            for thread in threads { thread.join() }
        }
        try pipeline.consumeInTurn(consume)
    }

    /// Queues a batch of `producer`, waiting while its queue is full; `false` once the
    /// consumer stopped.
    private func hand(_ batch: Batch, from producer: Int) -> Bool {
        if state.withLock({ $0.isCancelled }) { return false }
        free[producer].wait()
        let queued = state.withLock { state -> Bool in
            guard !state.isCancelled else { return false }
            precondition(
                state.queues[producer].count < queueLimit, "a producer's queue holds at most queueLimit batches")
            state.queues[producer].append(.batch(batch))
            return true
        }
        if queued { filled[producer].signal() }
        return queued
    }

    /// Queues the end of `producer` (it takes no place: the queue may go one over).
    private func finish(_ producer: Int, _ error: (any Error)?) {
        state.withLock { $0.queues[producer].append(.end(error)) }
        filled[producer].signal()
    }

    /// Takes the batches round the producers in turn until one has ended.
    private func consumeInTurn(_ consume: (Batch) throws -> Void) throws {
        var turn = 0
        while true {
            filled[turn].wait()
            let slot = state.withLock { state -> Slot in
                precondition(!state.queues[turn].isEmpty, "a producer's queue was signalled without a slot")
                return state.queues[turn].removeFirst()
            }
            switch slot {
            case .batch(let batch):
                free[turn].signal()
                try consume(batch)
                turn = (turn + 1) % producers
            case .end(let error):
                if let error { throw error }
                return
            }
        }
    }

    /// Tells the producers to stop: one waiting for room is woken, and sees it.
    private func cancel() {
        state.withLock { $0.isCancelled = true }
        for semaphore in free { semaphore.signal() }
    }
}

/// A thread of its own with a stated stack (the standard library has no thread type, and
/// the store does not use Foundation), joined when its work is done.
private struct ProducerThread: Sendable {
    private final class Work: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private let thread: pthread_t

    static func start(stackBytes: Int, _ body: @escaping @Sendable () -> Void) -> ProducerThread {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, &attributes,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().body()
                return nil
            }, work)
        precondition(status == 0, "pthread_create failed: \(status)")
        return ProducerThread(thread: thread)
    }

    func join() {
        let status = pthread_join(thread, nil)
        precondition(status == 0, "pthread_join failed: \(status)")
    }
}
