/// A projection's records in one of the store's transactions.
struct ProjectionRecordsInTransaction<Transaction: StorageTransaction>: ProjectionRecords {
    let transaction: Transaction

    func value(for key: [UInt8]) throws -> [UInt8]? {
        try transaction.get(.projections, key: key).map { Array($0) }
    }

    var readsAreRoundTrips: Bool { transaction.readsAreRoundTrips }

    func prefetch(_ keys: [[UInt8]]) throws {
        try transaction.prefetch(.projections, keys: keys)
    }

    func setValue(_ value: [UInt8], for key: [UInt8]) throws {
        try transaction.put(.projections, key: key, value: value, mode: .upsert)
    }
}
