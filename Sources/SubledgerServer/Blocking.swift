import Dispatch

/// Runs the ledger's synchronous reads (LMDB read transactions, folds, the audit) on a
/// dispatch queue of their own, so that a long audit never holds one of the few threads of
/// Swift's cooperative pool that every request's task runs on. Writes go through the ledger's
/// `async` `record` and `apply` (their group commits).
enum Blocking {
    private static let queue = DispatchQueue(label: "subledger.server-reads", qos: .userInitiated, attributes: .concurrent)

    /// Runs `work` on the reading queue and returns (or throws) what it did.
    static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
