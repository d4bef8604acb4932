import Dispatch

/// Runs `produce` for chunks `0..<count` on two worker threads (chunk i on worker i % 2)
/// and hands each chunk's result to `consume` on the calling thread, in chunk order. Each
/// worker stays at most `ahead` chunks in front of the consumer, so memory stays bounded
/// however long the log.
///
/// A failure in `produce` is rethrown by `run` when its chunk's turn comes; the workers
/// stop as soon as `run` returns or throws.
final class ChunkPipeline<Output: Sendable>: @unchecked Sendable {
    static var workers: Int { 2 }

    private let count: Int
    private let ahead: Int
    private let lock = Lock()
    /// Guarded by `lock`.
    private var results: [Int: Result<Output, any Error>] = [:]
    private var isCancelled = false
    private let ready: [DispatchSemaphore]
    private let windows: [DispatchSemaphore]
    private let finished = DispatchGroup()

    init(count: Int, ahead: Int = 2) {
        self.count = count
        self.ahead = ahead
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        // Created at zero and signalled up: libdispatch traps when a semaphore is freed with
        // a count below the one it was created with, which an early stop can leave.
        windows = (0..<Self.workers).map { _ in DispatchSemaphore(value: 0) }
        for window in windows { for _ in 0..<ahead { window.signal() } }
    }

    func run(produce: @escaping @Sendable (Int) throws -> Output, consume: (Output) throws -> Void) throws {
        for worker in 0..<Self.workers {
            finished.enter()
            DispatchQueue.global().async { [self] in
                defer { finished.leave() }
                var chunk = worker
                while chunk < count {
                    windows[worker].wait()
                    if lock.withLock({ isCancelled }) { return }
                    let result = Result { try produce(chunk) }
                    lock.withLock { results[chunk] = result }
                    ready[chunk].signal()
                    if case .failure = result { return }
                    chunk += Self.workers
                }
            }
        }
        defer {
            lock.withLock { isCancelled = true }
            for window in windows { for _ in 0..<ahead { window.signal() } }
            finished.wait()
        }
        for chunk in 0..<count {
            ready[chunk].wait()
            let result = lock.withLock { results.removeValue(forKey: chunk) }
            windows[chunk % Self.workers].signal()
            guard let result else { preconditionFailure("chunk \(chunk) signalled without a result") }
            try consume(try result.get())
        }
    }
}
