import NIOCore
import SubledgerStore

/// The puts and deletes of a ``PostgresTransaction`` not yet sent, the last one of each key
/// (so a flush sends each key once, and the order of a flush's statements does not matter).
///
/// A put of ``PutMode/append`` (the log's records, which are facts) is sent as a plain
/// insert, never an upsert: a key already there fails the statement and the transaction
/// instead of overwriting what another writer recorded.
struct PendingWrites {
    enum Write {
        case put([UInt8], mode: PutMode)
        case delete
    }

    /// One multi-row statement of a flush: keys, and their values (`nil`: the keys are deleted).
    struct Statement {
        enum Kind { case upsert, insert, delete }
        var kind: Kind
        var keys: [ByteBuffer] = []
        var values: [ByteBuffer] = []
        var bytes = 0
    }

    /// Past this many bytes pending, the transaction flushes (bounded memory, any import).
    static let flushBytes = 8 << 20
    /// The most rows, and bytes, one statement carries.
    static let statementRows = 8192
    static let statementBytes = 4 << 20

    private var writes: [[[UInt8]: Write]] = Array(repeating: [:], count: Table.allCases.count)
    private var bytes = 0
    /// Each table's pending keys in order, made at its first ``lastPut(_:atOrBefore:)`` and
    /// kept in order after (`nil` until then).
    private var sortedKeys: [[[UInt8]]?] = Array(repeating: nil, count: Table.allCases.count)
    /// How many of each table's pending writes are deletes.
    private var deletes: [Int] = Array(repeating: 0, count: Table.allCases.count)

    var isFull: Bool { bytes >= Self.flushBytes }

    func write(_ table: Table, _ key: [UInt8]) -> Write? {
        writes[table.rawValue][key]
    }

    mutating func record(_ write: Write, of key: [UInt8], in table: Table) {
        if case .put(let value, _) = write { bytes += value.count }
        bytes += key.count
        let previous = writes[table.rawValue].updateValue(write, forKey: key)
        if case .delete? = previous { deletes[table.rawValue] -= 1 }
        if case .delete = write { deletes[table.rawValue] += 1 }
        if previous == nil, sortedKeys[table.rawValue] != nil {
            sortedKeys[table.rawValue]!.insert(key, at: Self.firstIndex(after: key, in: sortedKeys[table.rawValue]!))
        }
    }

    /// Whether `table` has a delete pending (a range read must then flush it first).
    func hasDeletes(_ table: Table) -> Bool { deletes[table.rawValue] > 0 }

    /// The pending put of `table` with the greatest key at or before `bound` (any, without one).
    /// - Precondition: `table` has no delete pending.
    mutating func lastPut(_ table: Table, atOrBefore bound: [UInt8]?) -> (key: [UInt8], value: [UInt8])? {
        precondition(!hasDeletes(table), "a table with a delete pending is flushed before a range read")
        let sorted =
            sortedKeys[table.rawValue] ?? writes[table.rawValue].keys.sorted { $0.lexicographicallyPrecedes($1) }
        sortedKeys[table.rawValue] = sorted
        let end = bound.map { Self.firstIndex(after: $0, in: sorted) } ?? sorted.count
        guard end > 0, case .put(let value, _)? = writes[table.rawValue][sorted[end - 1]] else { return nil }
        return (sorted[end - 1], value)
    }

    /// The index of the first key of `sorted` greater than `key`.
    private static func firstIndex(after key: [UInt8], in sorted: [[UInt8]]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if key.lexicographicallyPrecedes(sorted[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Forgets what `table` had pending (the table is being emptied).
    mutating func discard(_ table: Table) {
        writes[table.rawValue] = [:]
        sortedKeys[table.rawValue] = nil
        deletes[table.rawValue] = 0
    }

    /// The statements that write what `table` has pending, which is then no longer pending.
    mutating func take(_ table: Table) -> [Statement] {
        let taken = writes[table.rawValue]
        guard !taken.isEmpty else { return [] }
        discard(table)
        if writes.allSatisfy(\.isEmpty) { bytes = 0 }
        var upserts = [Statement(kind: .upsert)]
        var inserts = [Statement(kind: .insert)]
        var deletes = [Statement(kind: .delete)]
        for (key, write) in taken {
            switch write {
            case .put(let value, .append): Self.add(key, value, to: &inserts)
            case .put(let value, _): Self.add(key, value, to: &upserts)
            case .delete: Self.add(key, nil, to: &deletes)
            }
        }
        return (upserts + inserts + deletes).filter { !$0.keys.isEmpty }
    }

    private static func add(_ key: [UInt8], _ value: [UInt8]?, to statements: inout [Statement]) {
        let size = key.count + (value?.count ?? 0)
        let last = statements[statements.count - 1]
        if last.keys.count >= statementRows || last.bytes + size > statementBytes, !last.keys.isEmpty {
            statements.append(Statement(kind: last.kind))
        }
        statements[statements.count - 1].keys.append(ByteBuffer(bytes: key))
        if let value { statements[statements.count - 1].values.append(ByteBuffer(bytes: value)) }
        statements[statements.count - 1].bytes += size
    }
}
