import Testing
@_spi(Testing) import SubledgerStore
import SubledgerPostgres

/// The PostgreSQL transaction's read-your-writes: `last` merges the server's rows with the
/// puts not yet flushed (without flushing them), a pending delete forces a flush, and a
/// prefetched get answers as a get would.
@Suite("PostgreSQL: a transaction reads its own pending writes")
struct PostgresTransactionTests {
    static func key(_ byte: UInt8) -> [UInt8] { [0x10, byte] }

    static func lastKey(_ transaction: PostgresTransaction, _ bound: UInt8?) throws -> UInt8? {
        try transaction.last(.streams, atOrBefore: bound.map(key)).map { $0.key[1] }
    }

    @Test func lastMergesTheServersRowsWithThePendingPuts() throws {
        let location = try PostgresStoreLocation(url: try PostgresTestServer.newStoreURL())
        let backend = try PostgresBackend.connect(location, readOnly: false, logger: StoreLogging.silent)
        try backend.write { transaction in
            for byte: UInt8 in [1, 3] {
                try transaction.put(.streams, key: Self.key(byte), value: [byte], mode: .upsert)
            }
        }
        let found = try backend.write { transaction -> [UInt8?] in
            try transaction.put(.streams, key: Self.key(2), value: [2], mode: .upsert)
            try transaction.put(.streams, key: Self.key(5), value: [5], mode: .upsert)
            try transaction.put(.streams, key: Self.key(3), value: [33], mode: .upsert)
            var found = try [4, 2, 6, 0].map { try Self.lastKey(transaction, $0) }
            found.append(try Self.lastKey(transaction, nil))
            found.append(try transaction.last(.streams, atOrBefore: Self.key(3)).map { $0.value[0] })
            try transaction.delete(.streams, key: Self.key(5))
            found.append(try Self.lastKey(transaction, nil))
            return found
        }
        // At or before 4: the overwritten 3; before 2: the pending 2; 6: the pending 5; 0: none;
        // no bound: 5; the value of 3 is the pending one; 5 deleted: 3 again.
        #expect(found == [3, 2, 5, nil, 5, 33, 3])
        let stored = try backend.read { transaction in
            try (1...5).map { try transaction.get(.streams, key: Self.key($0)).map { Array($0) } }
        }
        #expect(stored == [[1], [2], [33], nil, nil])
    }

    @Test func aPrefetchedGetAnswersAsAGetWould() throws {
        let location = try PostgresStoreLocation(url: try PostgresTestServer.newStoreURL())
        let backend = try PostgresBackend.connect(location, readOnly: false, logger: StoreLogging.silent)
        try backend.write { try $0.put(.eventIDs, key: Self.key(1), value: [1], mode: .upsert) }
        let answers = try backend.write { transaction -> [[UInt8]?] in
            try transaction.put(.eventIDs, key: Self.key(2), value: [2], mode: .upsert)
            try transaction.prefetch(.eventIDs, keys: [Self.key(1), Self.key(2), Self.key(3)])
            try transaction.put(.eventIDs, key: Self.key(3), value: [3], mode: .insertOnly)
            let kept = try transaction.put(.eventIDs, key: Self.key(1), value: [9], mode: .insertOnly).map { Array($0) }
            return [kept] + (try (1...4).map { try transaction.get(.eventIDs, key: Self.key($0)).map { Array($0) } })
        }
        #expect(answers == [[1], [1], [2], [3], nil])
    }

    /// A key found absent by a prefetch, then written and flushed (a scan flushes its table),
    /// is read back with its value: the prefetch's answer does not outlive the write.
    @Test func aWriteAfterAPrefetchIsReadBackAfterItsFlush() throws {
        let location = try PostgresStoreLocation(url: try PostgresTestServer.newStoreURL())
        let backend = try PostgresBackend.connect(location, readOnly: false, logger: StoreLogging.silent)
        let answer = try backend.write { transaction -> [UInt8]? in
            try transaction.prefetch(.eventIDs, keys: [Self.key(7)])
            try transaction.put(.eventIDs, key: Self.key(7), value: [7], mode: .insertOnly)
            try transaction.scan(.eventIDs, from: []) { _ in false }
            return try transaction.put(.eventIDs, key: Self.key(7), value: [8], mode: .insertOnly).map { Array($0) }
        }
        #expect(answer == [7])
    }

    /// Prefetched last entries answer as statements would, before and after puts, and after
    /// a flush has sent those puts (a count flushes its table) and no pending put holds them.
    @Test func prefetchedLastEntriesAnswerAsStatementsWouldAcrossAFlush() throws {
        let location = try PostgresStoreLocation(url: try PostgresTestServer.newStoreURL())
        let backend = try PostgresBackend.connect(location, readOnly: false, logger: StoreLogging.silent)
        try backend.write { transaction in
            for byte: UInt8 in [10, 30] {
                try transaction.put(.streams, key: Self.key(byte), value: [byte], mode: .upsert)
            }
        }
        let bounds: [UInt8] = [5, 15, 25, 35, 45]
        let found = try backend.write { transaction -> [[UInt8?]] in
            try transaction.prefetchLast(.streams, atOrBefore: bounds.map(Self.key))
            var found = [try bounds.map { try Self.lastKey(transaction, $0) }]
            for byte: UInt8 in [20, 40, 3] {
                try transaction.put(.streams, key: Self.key(byte), value: [byte], mode: .upsert)
            }
            found.append(try bounds.map { try Self.lastKey(transaction, $0) })
            _ = try transaction.count(.streams)
            found.append(try bounds.map { try Self.lastKey(transaction, $0) })
            try transaction.put(.streams, key: Self.key(24), value: [24], mode: .upsert)
            _ = try transaction.count(.streams)
            found.append(try bounds.map { try Self.lastKey(transaction, $0) })
            return found
        }
        #expect(found[0] == [nil, 10, 10, 30, 30])
        #expect(found[1] == [3, 10, 20, 30, 40])
        #expect(found[2] == found[1], "after the flush, the answers hold what it sent")
        #expect(found[3] == [3, 10, 24, 30, 40])
        let fresh = try backend.read { transaction in try bounds.map { try Self.lastKey(transaction, $0) } }
        #expect(fresh == found[3])
    }
}
