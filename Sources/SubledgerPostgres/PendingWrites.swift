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

    var isFull: Bool { bytes >= Self.flushBytes }

    func write(_ table: Table, _ key: [UInt8]) -> Write? {
        writes[table.rawValue][key]
    }

    mutating func record(_ write: Write, of key: [UInt8], in table: Table) {
        if case .put(let value, _) = write { bytes += value.count }
        bytes += key.count
        writes[table.rawValue][key] = write
    }

    /// Forgets what `table` had pending (the table is being emptied).
    mutating func discard(_ table: Table) {
        writes[table.rawValue] = [:]
    }

    /// The statements that write what `table` has pending, which is then no longer pending.
    mutating func take(_ table: Table) -> [Statement] {
        let taken = writes[table.rawValue]
        guard !taken.isEmpty else { return [] }
        writes[table.rawValue] = [:]
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
