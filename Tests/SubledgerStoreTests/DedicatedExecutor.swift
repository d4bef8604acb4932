import Dispatch

/// A task executor outside Swift's cooperative pool, on a serial dispatch queue of its own
/// (which always gets a thread). The suite's synchronous tests hold the pool's threads, two
/// on a 2-core machine, for minutes at a time; a test that times a wake-up runs its tasks
/// here, so that what it measures is the store's wake-up, not the pool's queue.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    /// The one executor the timing tests share.
    static let shared = DedicatedExecutor()

    private let queue = DispatchQueue(label: "subledger.tests.dedicated-executor")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs `body` with its tasks, and its child tasks', on this executor.
    static func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(shared) { try await body() }
    }

    /// A detached task on this executor.
    static func detached<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
        Task.detached(executorPreference: shared) { try await body() }
    }
}
