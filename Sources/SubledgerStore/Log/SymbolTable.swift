/// The interned strings of the binary encoding: event types, stream categories, JSON keys.
///
/// Each string is stored once in the `symbols` table and referred to by a small number in
/// every event, which keeps records compact (a key like `occurredAt` costs one byte).
/// Symbols are only ever added; ids are dense from 0.
struct SymbolTable: Sendable {
    private(set) var names: [String] = []
    private var ids: [String: UInt32] = [:]

    var count: Int { names.count }

    func id(of name: String) -> UInt32? { ids[name] }

    func name(of id: UInt64) -> String? {
        id < UInt64(names.count) ? names[Int(id)] : nil
    }

    /// Adds `name` and returns its id; the caller stores it in the same transaction.
    mutating func add(_ name: String) -> UInt32 {
        precondition(ids[name] == nil, "symbol \(name) added twice")
        let id = UInt32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    /// Reads from `transaction` the symbols added since this table was loaded. Symbols read
    /// are read twice and must agree: the table is shared by every later read and write, so
    /// a torn or corrupt read of one (it has no checksum) would otherwise rename a type or key
    /// for good, even one the event that needed the catch-up does not use (issue 12 item 7,
    /// found by the simulator).
    mutating func catchUp(in transaction: some StorageTransaction) throws {
        var fresh = self
        try fresh.readNewSymbols(in: transaction)
        guard fresh.count > count else { return }
        var again = self
        try again.readNewSymbols(in: transaction)
        guard again.names == fresh.names else {
            throw EventStoreError(.corrupted, "the symbol table read differently twice after symbol \(count)")
        }
        self = fresh
    }

    private mutating func readNewSymbols(in transaction: some StorageTransaction) throws {
        var key: [UInt8] = []
        ByteWriter.appendBigEndian(UInt64(names.count), to: &key)
        try transaction.scan(.symbols, from: key) { entry in
            guard let id = ByteReader.bigEndian(entry.key), id == UInt64(names.count),
                let name = String(validating: entry.value, as: UTF8.self)
            else {
                throw EventStoreError(.corrupted, "the symbol table is corrupted at symbol \(names.count)")
            }
            _ = add(name)
            return true
        }
    }

    /// The id of `name`, adding and storing it when it is new.
    mutating func intern(_ name: String, in transaction: some StorageTransaction) throws -> UInt32 {
        if let id = ids[name] { return id }
        let id = add(name)
        var key: [UInt8] = []
        ByteWriter.appendBigEndian(UInt64(id), to: &key)
        try transaction.put(.symbols, key: key, value: Array(name.utf8), mode: .insertOnly)
        return id
    }
}
