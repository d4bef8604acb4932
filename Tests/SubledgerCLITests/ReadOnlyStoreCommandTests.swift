import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// The reading commands work on a store they cannot write and never write to it
/// (interchange.md; issue 9, item 9): an auditor's copy on read-only media answers
/// `verify`, `export`, `status`, `audit`, `due`, `replay`, `settle` and `lines` as the
/// original does, with every file's bytes and modification time unchanged, and `import`
/// on it fails saying why. A writable copy whose stored projection is behind the log
/// answers `status` from the log without catching the projection up.
@Suite("Reading a store that cannot be written")
struct ReadOnlyStoreCommandTests {
    /// Every reading command, with arguments whose answer does not depend on the clock.
    static let readingCommands: [[String]] = [
        ["verify", "--json"],
        ["export"],
        ["export", "--format", "csv"],
        ["status", WorkedExample.line, "--json"],
        ["status", WorkedExample.line, "--as-of", "2025-02-03T20:00:00Z", "--json"],
        ["audit", "--json"],
        ["due", "--at", "2025-02-03T20:00:00Z", "--json"],
        ["replay", WorkedExample.line, "--json"],
        ["settle", WorkedExample.line, "--json"],
        ["lines", "--subscriber", "S-100", "--json"],
    ]

    /// A sandbox whose store holds the worked example.
    static func exampleStore() throws -> Sandbox {
        let sandbox = try Sandbox()
        let imported = try sandbox.subledger("import", try sandbox.file("example.jsonl", WorkedExample.text))
        #expect(imported.status == 0, "\(imported)")
        return sandbox
    }

    @Test(.readOnlyMediaCanBeMounted)
    func aCopyOnReadOnlyMediaAnswersEveryReadingCommandAndIsNotWritten() throws {
        let sandbox = try Self.exampleStore()
        let media = try ReadOnlyMedia(copying: sandbox.store, into: sandbox.folder + "/media")
        defer { media.unmount() }
        let before = try FolderImage(of: media.store)
        #expect(before.files.keys.contains("data.mdb"))
        for arguments in Self.readingCommands {
            let original = try sandbox.run(SubledgerBinary.path, arguments)
            #expect(original.status == 0, "\(arguments) on the original: \(original)")
            let copy = try sandbox.run(SubledgerBinary.path, arguments + ["--db", media.store])
            #expect(copy.status == 0, "\(arguments) on read-only media: \(copy)")
            #expect(copy.stdout == original.stdout, "\(arguments): the read-only copy answered otherwise")
        }
        let plainStatus = try sandbox.subledger("status", WorkedExample.line, "--db", media.store)
        #expect(plainStatus.status == 0, "\(plainStatus)")
        #expect(try FolderImage(of: media.store) == before, "a reading command changed a file of the read-only copy")

        let imported = try sandbox.subledger(
            "import", "--db", media.store, try sandbox.file("more.jsonl", WorkedExample.lines[3] + "\n"))
        #expect(imported.status != 0, "\(imported)")
        #expect(imported.stderr.contains(media.store), "\(imported.stderr)")
        #expect(imported.stderr.contains("read-only file system"), "\(imported.stderr)")
        #expect(try FolderImage(of: media.store) == before)
    }

    /// A lock file that cannot be written while another process holds a lock on it: the
    /// reader could not register, so that process could reuse the pages being read. The
    /// read is refused, naming the folder and the reason; once the lock is let go, it reads.
    @Test(.readOnlyMediaCanBeMounted)
    func aStoreInUseWhoseLockFileCannotBeWrittenIsRefused() throws {
        let sandbox = try Self.exampleStore()
        let media = try ReadOnlyMedia(copying: sandbox.store, into: sandbox.folder + "/media")
        defer { media.unmount() }
        // Another process holds a shared fcntl lock on lock.mdb, as LMDB's users do.
        let held = sandbox.folder + "/lock-held"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            """
            import fcntl, sys
            lock = open(sys.argv[1], "rb")
            fcntl.lockf(lock, fcntl.LOCK_SH, 1, 0)
            open(sys.argv[2], "w").close()
            sys.stdin.read()
            """, media.store + "/lock.mdb", held,
        ]
        // The holder lets go when its standard input ends.
        let release = Pipe()
        holder.standardInput = release
        try holder.run()
        var released = false
        func letGo() {
            guard !released else { return }
            released = true
            try? release.fileHandleForWriting.close()
            holder.waitUntilExit()
        }
        defer { letGo() }
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: held), holder.isRunning, Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: held), "the lock holder did not start")
        let refused = try sandbox.subledger("verify", "--db", media.store)
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains(media.store), "\(refused.stderr)")
        #expect(refused.stderr.contains("in use by process \(holder.processIdentifier)"), "\(refused.stderr)")
        letGo()
        let verified = try sandbox.subledger("verify", "--db", media.store)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func aStoredProjectionBehindTheLogIsAnsweredFromTheLogWithoutWriting() throws {
        let sandbox = try Self.exampleStore()
        let statusBefore = try sandbox.subledger("status", WorkedExample.line, "--json")
        do {
            // A writer without the projections pays 1,000 more: the stored projection is behind.
            let plain = try EventStore.open(at: sandbox.store)
            let payment = try #require(try plain.events(from: 10, limit: 1).first)
            try plain.append([
                ProposedEvent(
                    type: payment.type, stream: payment.stream, occurredAt: payment.occurredAt,
                    data: ["paymentId": .string("P-32"), "amount": .integer(1000), "method": .string("card")],
                    metadata: payment.metadata)
            ])
        }
        let dataBefore = try #require(try FolderImage(of: sandbox.store).files["data.mdb"])
        let namesBefore = try FolderImage(of: sandbox.store).files.keys.sorted()
        let status = try sandbox.subledger("status", WorkedExample.line, "--json")
        #expect(status.status == 0, "\(status)")
        #expect(
            try FolderImage(of: sandbox.store).files["data.mdb"] == dataBefore,
            "status wrote data.mdb (it caught the projection up)")
        #expect(try FolderImage(of: sandbox.store).files.keys.sorted() == namesBefore)

        // The same question on a copy whose projection a writer has caught up.
        let caughtUp = sandbox.folder + "/caught-up"
        try FileManager.default.copyItem(atPath: sandbox.store, toPath: caughtUp)
        #expect(try sandbox.subledger("rebuild", "--db", caughtUp).status == 0)
        let expected = try sandbox.subledger("status", WorkedExample.line, "--json", "--db", caughtUp)
        #expect(expected.status == 0, "\(expected)")
        #expect(status.stdout == expected.stdout)
        #expect(
            status.stdout != statusBefore.stdout,
            "the payment recorded behind the projection is missing: \(status.stdout)")
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs a test only where a tmpfs can be mounted and remounted read-only; elsewhere it
    /// is skipped, saying why (never a silent pass).
    static var readOnlyMediaCanBeMounted: Self {
        .enabled(
            if: ReadOnlyMedia.unavailableReason == nil,
            "mounting a tmpfs read-only is not permitted here (needs root or CAP_SYS_ADMIN); ReadOnlyMedia.unavailableReason says why"
        )
    }
}

/// A tmpfs holding a copy of a store, remounted read-only: an auditor's copy on read-only
/// media. Mounting needs root (or CAP_SYS_ADMIN).
final class ReadOnlyMedia {
    private let disk: SmallDisk
    /// The copy of the store on the media.
    var store: String { disk.path + "/store" }

    /// Why a read-only tmpfs cannot be mounted here, or `nil` when it can (tried once).
    static let unavailableReason: String? = {
        let reason = probeMounting()
        if let reason { print("read-only media tests skipped: \(reason)") }
        return reason
    }()

    private static func probeMounting() -> String? {
        let probe = NSTemporaryDirectory() + "/subledger-mount-probe-\(UUID().uuidString)"
        switch SmallDisk.mount(at: probe, size: "1m") {
        case .failure(let unavailable): return unavailable.reason
        case .success(let disk):
            defer { disk.unmount() }
            let remounted = SmallDisk.run(["mount", "-o", "remount,ro", disk.path])
            return remounted.status == 0 ? nil : "mount -o remount,ro is not permitted here: \(remounted.errors)"
        }
    }

    /// Mounts a tmpfs on the new folder `mountPoint`, copies the store folder `source`
    /// into it (as `store`) and remounts it read-only; throws when any step fails.
    init(copying source: String, into mountPoint: String) throws {
        switch SmallDisk.mount(at: mountPoint, size: "64m") {
        case .failure(let unavailable):
            throw SandboxError("cannot mount a tmpfs on \(mountPoint): \(unavailable.reason)")
        case .success(let disk): self.disk = disk
        }
        try FileManager.default.copyItem(atPath: source, toPath: store)
        let remounted = SmallDisk.run(["mount", "-o", "remount,ro", mountPoint])
        guard remounted.status == 0 else {
            throw SandboxError("mount -o remount,ro \(mountPoint): \(remounted.errors)")
        }
        guard access(store, W_OK) != 0, errno == EROFS else {
            throw SandboxError("\(mountPoint) is still writable after remount,ro")
        }
    }

    func unmount() { disk.unmount() }
}
