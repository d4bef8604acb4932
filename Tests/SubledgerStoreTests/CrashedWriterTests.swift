import Foundation
import Testing
import SubledgerStore

/// A writer that dies holding LMDB's write lock must not lock the store for good: LMDB's
/// robust mutex hands the lock over, and stale reader slots are cleared at open.
@Suite("A store locked by a crashed process")
struct CrashedWriterTests {
    /// A Python child (ctypes over liblmdb) that opens the store, begins a write transaction
    /// and a read transaction, says so, and waits to be killed.
    static let lockingChild = #"""
        import ctypes, sys, time
        lmdb = ctypes.CDLL("liblmdb.so.0")
        env = ctypes.c_void_p()
        assert lmdb.mdb_env_create(ctypes.byref(env)) == 0
        lmdb.mdb_env_set_maxdbs(env, 16)
        assert lmdb.mdb_env_open(env, sys.argv[1].encode(), 0x200000, 0o600) == 0
        reader = ctypes.c_void_p()
        assert lmdb.mdb_txn_begin(env, None, 0x20000, ctypes.byref(reader)) == 0
        writer = ctypes.c_void_p()
        assert lmdb.mdb_txn_begin(env, None, 0, ctypes.byref(writer)) == 0
        print("locked", flush=True)
        time.sleep(60)
        """#

    @Test func aWriterKilledWhileHoldingTheLockDoesNotBlockTheStore() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try EventStore.open(at: folder)
            try store.append([paymentEvent("+98911", amount: 1)])
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", Self.lockingChild, folder]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.hasPrefix("locked"))
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        let reopened = try EventStore.open(at: folder)
        try reopened.append([paymentEvent("+98911", amount: 2)], expecting: [.line("+98911"): .exactly(1)])
        #expect(try reopened.verify().verifiedCount == 2)
    }
}
