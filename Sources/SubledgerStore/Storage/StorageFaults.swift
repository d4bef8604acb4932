/// The faults a ``FaultInjectingBackend`` injects: the Nth put, commit or read from the
/// moment it is armed fails with an injected I/O error, as SQLite's I/O-error tests fail
/// the Nth call of their VFS.
///
/// ```swift
/// let faults = StorageFaults()
/// let store = EventStore.faultInjecting(faults)
/// faults.arm(.commit, occurrence: 1)   // the next commit fails
/// ```
@_spi(Testing)
public final class StorageFaults: @unchecked Sendable {
    /// An operation of the storage seam that can be made to fail.
    public enum Operation: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
        /// A put of a key and value in a write transaction.
        case put
        /// The commit of a write transaction (for LMDB it includes the sync to disk).
        case commit
        /// A get, a seek to the last key, a scan or a count, in any transaction.
        case read

        public var description: String { rawValue }
    }

    private let lock = Lock()
    private var armed: (operation: Operation, occurrence: Int)?
    private var seen: [Operation: Int] = [:]
    private var injected = 0

    public init() {}

    /// Fails the `occurrence`-th `operation` from now on (1 is the next one), once; the
    /// counts of operations start again from zero.
    public func arm(_ operation: Operation, occurrence: Int) {
        lock.withLock {
            armed = (operation, occurrence)
            seen = [:]
        }
    }

    /// Lets every operation pass again.
    public func disarm() {
        lock.withLock { armed = nil }
    }

    /// Whether the armed fault is still waiting (it was not reached yet).
    public var isArmed: Bool { lock.withLock { armed != nil } }

    /// How many faults were injected since this object was made.
    public var injectedCount: Int { lock.withLock { injected } }

    /// How many times `operation` ran since the last ``arm(_:occurrence:)``.
    public func count(of operation: Operation) -> Int { lock.withLock { seen[operation, default: 0] } }

    /// Counts one `operation` and throws the injected error when it is the armed one.
    func check(_ operation: Operation) throws {
        let failure: InjectedStorageFault? = lock.withLock {
            seen[operation, default: 0] += 1
            guard let target = armed, target.operation == operation, seen[operation] == target.occurrence else {
                return nil
            }
            armed = nil
            injected += 1
            return InjectedStorageFault(operation: operation, occurrence: target.occurrence)
        }
        if let failure { throw failure }
    }
}

/// The error a ``StorageFaults`` injects: what the storage engine reports for a failed
/// read or write of its file (`EIO`).
struct InjectedStorageFault: Error, CustomStringConvertible {
    var operation: StorageFaults.Operation
    var occurrence: Int

    var description: String { "injected I/O error (EIO) on \(operation) \(occurrence)" }
}
