import Dispatch

/// A task executor outside Swift's cooperative pool, on a serial dispatch queue of its own
/// (which always gets a thread). The pool has one thread per core, and a caller that blocks
/// them (synchronous store calls, a test suite's synchronous tests) holds back every task
/// queued on it: the tasks that must run whatever else does, such as the PostgreSQL commit
/// listener (issue 15 item 3), run here instead.
package final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    /// An executor that tests share for the tasks they time.
    package static let shared = DedicatedExecutor(label: "subledger.dedicated-executor")

    private let queue: DispatchQueue

    /// An executor on a new serial queue.
    /// - Parameter label: The queue's name, as debuggers show it.
    package init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `job` on the queue, after the jobs enqueued before it.
    /// - Parameter job: A partial task.
    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs `body` with its tasks, and its child tasks', on the shared executor.
    /// - Parameter body: What to run.
    /// - Throws: What `body` throws.
    /// - Returns: What `body` returns.
    package static func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(shared) { try await body() }
    }

    /// A detached task on the shared executor.
    /// - Parameter body: The task's work.
    /// - Returns: The task.
    package static func detached<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
        Task.detached(executorPreference: shared) { try await body() }
    }
}
