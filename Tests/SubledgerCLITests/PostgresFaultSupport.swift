import Foundation

/// A store of its own on a PostgreSQL server for one fault test: the server's URL (the
/// suite's, or a cluster the test started), and a schema named after a new UUID.
struct PostgresFaultStore {
    /// The server's URL, without the schema (what `psql` is given).
    let serverURL: String
    /// The schema of the store.
    let schema: String

    /// A new, empty store on the server at `serverURL` (by default, the suite's).
    init(serverURL: String? = nil) throws {
        self.serverURL = try serverURL ?? PostgresDifferentialTests.serverURL()
        schema = "t_fault_" + UUID().uuidString.lowercased().filter { $0 != "-" }
    }

    /// The store's URL, as `--db` takes it.
    var url: String { serverURL + "?schema=" + schema }

    /// The quoted, qualified name of the store's table `name` (`events`, `event_ids`, ...).
    func table(_ name: String) -> String { "\"\(schema)\".\"\(name)\"" }

    /// Runs `sql` with `psql` on the server; its output, unaligned and without headers.
    @discardableResult
    func sql(_ sql: String) throws -> String {
        try Psql.run(sql, on: serverURL)
    }

    /// How many rows the store's events table holds: the visible log and, during or after an
    /// interrupted import, the rows written beyond its visible head.
    func eventRows() throws -> Int {
        guard let count = Int(try sql("SELECT count(*) FROM \(table("events"))")) else {
            throw SandboxError("the events table of \(schema) could not be counted")
        }
        return count
    }

    /// Ends, from another connection, every session of the process `pid` (its TCP connections,
    /// the writer lock's included), as a network cut or a DBA would; how many were ended.
    @discardableResult
    func terminateSessions(of pid: Int32) throws -> Int {
        let ports = TCPPorts.local(of: pid)
        guard !ports.isEmpty else { return 0 }
        let ended = try sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                + "AND client_port IN (\(ports.map(String.init).joined(separator: ", ")))")
        return Int(ended) ?? 0
    }
}

/// The local ports of a process's TCP sockets, from Linux's /proc: its descriptors name the
/// sockets' inodes, /proc/net/tcp and tcp6 give each inode's local address.
enum TCPPorts {
    static func local(of pid: Int32) -> [Int] {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let inodes = Set(
            descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
                .filter { $0.hasPrefix("socket:[") }.map { String($0.dropFirst(8).dropLast()) })
        var ports: [Int] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to its end: String(contentsOfFile:) stops at the first 4 kB of a /proc file
            // (whose size says 0), and the table lists every socket of the machine.
            let data = FileHandle(forReadingAtPath: table)?.readDataToEndOfFile() ?? Data()
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                let fields = line.split(separator: " ")
                guard fields.count > 9, inodes.contains(String(fields[9])),
                    let port = fields[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) })
                else { continue }
                ports.append(port)
            }
        }
        return ports
    }
}

/// PostgreSQL's client, `psql`, run as a separate process.
enum Psql {
    static let path: String? = {
        let candidates =
            ["/usr/bin/psql", "/usr/local/bin/psql"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed()
            .map { "/usr/lib/postgresql/\($0)/bin/psql" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `sql` on the server at `url`, stopping at the first error; its output, trimmed.
    static func run(_ sql: String, on url: String) throws -> String {
        guard let path else { throw SandboxError("psql, PostgreSQL's client, is not installed") }
        let result = try ToolRun.run(path, [url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], within: 60)
        guard result.status == 0 else { throw SandboxError("psql failed on \(sql): \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A throwaway PostgreSQL cluster of one test's own (`tools/postgres/cluster.sh`), for a test
/// that restarts its server: the suite's server is never touched. Stopped, and its folder
/// removed, when the test lets go of it, whatever happened.
final class ThrowawayCluster {
    let folder: String
    let url: String

    /// Starts a cluster (a few seconds).
    init() throws {
        let started: CommandResult
        do {
            started = try Self.script("start")
        } catch let late as ToolRun.TooLate {
            // The folder is the last thing start prints: stopping the server ends what held it.
            let folder = late.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if !folder.isEmpty { _ = try? Self.script("stop", folder) }
            throw late
        }
        guard started.status == 0 else { throw SandboxError("cluster.sh start failed: \(started)") }
        folder = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let url = try Self.script("url", folder)
        guard url.status == 0 else {
            _ = try? Self.script("stop", folder)
            throw SandboxError("cluster.sh url failed: \(url)")
        }
        self.url = url.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `pg_ctl restart -m fast`: every session is ended, its transaction rolled back, and the
    /// server comes back on the same port.
    func restart() throws {
        let restarted = try Self.script("restart", folder)
        guard restarted.status == 0 else { throw SandboxError("cluster.sh restart failed: \(restarted)") }
    }

    deinit {
        _ = try? Self.script("stop", folder)
    }

    /// Runs `cluster.sh ARGUMENTS`, failing rather than waiting past 90 s: a server that kept a
    /// descriptor of the test would otherwise hold the test forever (see `ToolRun.run(_:_:within:)`).
    private static func script(_ arguments: String...) throws -> CommandResult {
        let script = SubledgerBinary.repository.appendingPathComponent("tools/postgres/cluster.sh").path
        return try ToolRun.run("/bin/bash", [script] + arguments, within: 90)
    }
}
