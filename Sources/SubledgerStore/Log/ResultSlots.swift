/// Results filled in by concurrent workers, one slot each, read after they have all
/// finished (`DispatchQueue.concurrentPerform` returns only then).
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = Lock()
    /// Guarded by `lock`.
    private var slots: [Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, any Error>) {
        lock.withLock { slots[index] = result }
    }

    func get(_ index: Int) throws -> Value {
        guard let result = lock.withLock({ slots[index] }) else {
            throw EventStoreError(.storage, "a worker finished without a result")
        }
        return try result.get()
    }
}
