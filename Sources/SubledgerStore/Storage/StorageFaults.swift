/// The faults a ``FaultInjectingBackend`` injects: the Nth put, commit, sync or read from the
/// moment it is armed fails with an injected I/O error, as SQLite's I/O-error tests fail
/// the Nth call of their VFS; or the Nth value read comes back torn or corrupt
/// (``armCorruption(_:ofValue:inTables:)``), as a disk or a driver that returns wrong bytes.
///
/// ```swift
/// let faults = StorageFaults()
/// let store = EventStore.faultInjecting(faults)
/// faults.arm(.commit, occurrence: 1)   // the next commit fails
/// faults.armCorruption(.flip(byte: 3, mask: 0x10), ofValue: 2)   // the second value read is wrong
/// ```
@_spi(Testing)
public final class StorageFaults: @unchecked Sendable {
    /// An operation of the storage seam that can be made to fail.
    public enum Operation: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
        /// A put of a key and value in a write transaction.
        case put
        /// The commit of a write transaction (for LMDB it includes the sync to disk).
        case commit
        /// The sync to disk of a write transaction that wrote something, after every put of
        /// it reached the engine: a failed `fsync` in `mdb_txn_commit`, after which LMDB
        /// aborts the transaction and leaves its meta page (the store) as it was.
        case sync
        /// A get, a seek to the last key, a scan or a count, in any transaction.
        case read

        /// The operation's name, as in a test's message.
        public var description: String { rawValue }
    }

    /// How a value read comes back wrong.
    public enum Corruption: Hashable, Sendable, CustomStringConvertible {
        /// One byte (its index taken modulo the value's length) XORed with a non-zero mask.
        case flip(byte: Int, mask: UInt8)
        /// Only the first bytes (at most the value's length less one): a torn read.
        case truncate(keeping: Int)

        /// The corruption in words, as in a test's message.
        public var description: String {
            switch self {
            case .flip(let byte, let mask): "byte \(byte) flipped by \(mask)"
            case .truncate(let keeping): "torn after \(keeping) bytes"
            }
        }
    }

    /// The names of the tables ``armCorruption(_:ofValue:inTables:)`` can be limited to.
    public static var tableNames: [String] { Table.allCases.map(\.name) }

    private let lock = Lock()
    private var armed: (operation: Operation, occurrence: Int)?
    private var seen: [Operation: Int] = [:]
    private var injected = 0
    private var corruption: (kind: Corruption, occurrence: Int, tables: Set<String>?)?
    private var valuesSeen = 0
    /// The wrong values handed out: they must outlive the transaction that read them, as
    /// the wrapped backend's do; freed with this object.
    private var allocations: [UnsafeMutableRawBufferPointer] = []

    /// Faults with nothing armed: every operation succeeds until ``arm(_:occurrence:)``.
    public init() {}

    deinit {
        for allocation in allocations { allocation.deallocate() }
    }

    /// Fails the `occurrence`-th `operation` from now on (1 is the next one), once; the
    /// counts of operations start again from zero.
    /// - Parameters:
    ///   - operation: The kind of operation to fail.
    ///   - occurrence: Which one, counting from 1.
    public func arm(_ operation: Operation, occurrence: Int) {
        lock.withLock {
            armed = (operation, occurrence)
            seen = [:]
        }
    }

    /// Makes the `occurrence`-th value read from now on (1 is the next one; by a get, a seek
    /// to the last key or a scan's entry) of one of `tables` (every table when `nil`) come
    /// back as `kind` makes it, once. An empty value is not counted.
    /// - Parameters:
    ///   - kind: How the value comes back wrong.
    ///   - occurrence: Which value read, counting from 1.
    ///   - tables: The names of the tables whose values count; `nil` for every table.
    public func armCorruption(_ kind: Corruption, ofValue occurrence: Int, inTables tables: Set<String>? = nil) {
        lock.withLock {
            corruption = (kind, occurrence, tables)
            valuesSeen = 0
        }
    }

    /// Lets every operation pass again, and every value read come back as stored.
    public func disarm() {
        lock.withLock {
            armed = nil
            corruption = nil
        }
    }

    /// Whether the armed fault is still waiting (it was not reached yet).
    public var isArmed: Bool { lock.withLock { armed != nil } }

    /// Whether the armed corruption is still waiting (no value of its tables was read yet).
    public var isCorruptionArmed: Bool { lock.withLock { corruption != nil } }

    /// How many faults were injected since this object was made.
    public var injectedCount: Int { lock.withLock { injected } }

    /// How many times `operation` ran since the last ``arm(_:occurrence:)``.
    /// - Parameter operation: The kind of operation.
    /// - Returns: The number counted, failed ones included.
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

    /// `value`, read from `table`, or a wrong copy of it when it is the armed corrupt one.
    func filter(_ value: UnsafeRawBufferPointer, from table: Table) -> UnsafeRawBufferPointer {
        guard !value.isEmpty else { return value }
        return lock.withLock { () -> UnsafeRawBufferPointer in
            guard let target = corruption, target.tables?.contains(table.name) ?? true else { return value }
            valuesSeen += 1
            guard valuesSeen == target.occurrence else { return value }
            corruption = nil
            injected += 1
            var bytes = Array(value)
            switch target.kind {
            case .flip(let byte, let mask):
                bytes[byte % bytes.count] ^= mask == 0 ? 1 : mask
            case .truncate(let keeping):
                bytes.removeLast(bytes.count - min(max(keeping, 0), bytes.count - 1))
            }
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
            copy.copyBytes(from: bytes)
            allocations.append(copy)
            return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(copy)[0..<bytes.count])
        }
    }
}

/// The error a ``StorageFaults`` injects: what the storage engine reports for a failed
/// read or write of its file (`EIO`).
struct InjectedStorageFault: Error, CustomStringConvertible {
    var operation: StorageFaults.Operation
    var occurrence: Int

    var description: String { "injected I/O error (EIO) on \(operation) \(occurrence)" }
}
