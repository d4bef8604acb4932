import Foundation

/// A `subledger stress-append` child process whose standard output goes to a file, so
/// every line it reported survives its death (see the command's `StressReport`).
final class StressChild {
    let process = Process()
    let outputPath: String
    let errorPath: String

    /// Starts `subledger stress-append ARGUMENTS`; its output files are kept in `folder`.
    init(_ arguments: [String], folder: String, name: String) throws {
        outputPath = folder + "/\(name).out"
        errorPath = folder + "/\(name).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: SubledgerBinary.path)
        process.arguments = ["stress-append"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// What the child printed so far.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits until the child said `ready` (its store is open), or exited, or 20 s passed.
    func waitUntilReady() {
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, !output.hasPrefix("ready\n"), Date() < deadline { usleep(500) }
    }

    /// Waits for the child to end, `seconds` at most; past them it is killed (SIGKILL), so
    /// that a writer stuck for ever fails its test instead of holding it. Whether it ended.
    func waitForExit(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        guard process.isRunning else { return true }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    /// Kills the child with SIGKILL and waits for it; whether it was still running.
    @discardableResult
    func kill() -> Bool {
        let wasRunning = process.isRunning
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return wasRunning && process.terminationReason == .uncaughtSignal
    }

    /// The batches it acknowledged and the conflicts it was told of. A last line cut short
    /// by the kill is ignored (it was never reported whole).
    var report: StressOutput { StressOutput(parsing: output) }
}

/// The lines of a `stress-append` output: `ack BATCH FIRST LAST SIZE [STREAM=EXPECTED ...]`
/// and `conflict BATCH STREAM EXPECTED ACTUAL`, and `retry BATCH REASON...`.
struct StressOutput {
    struct Acknowledgement {
        var batch: String
        var first: UInt64
        var last: UInt64
        var size: Int
        var expectedVersions: [String: UInt64]
    }

    struct Conflict {
        var batch: String
        var stream: String
        var expected: UInt64
        var actual: UInt64
    }

    var acknowledgements: [Acknowledgement] = []
    var conflicts: [Conflict] = []
    /// The batches tried again after a failure of the storage (`retry BATCH REASON...`).
    var retries: [String] = []
    /// Lines that are none of the above (a failure of the test).
    var unexpected: [String] = []

    init(parsing text: String) {
        let whole =
            text.hasSuffix("\n")
            ? text : String(text[..<(text.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex)])
        for line in whole.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            switch fields.first {
            case "ready": continue
            case "ack" where fields.count >= 5:
                guard let first = UInt64(fields[2]), let last = UInt64(fields[3]), let size = Int(fields[4]) else {
                    unexpected.append(String(line))
                    continue
                }
                var expected: [String: UInt64] = [:]
                for pair in fields.dropFirst(5) {
                    let parts = pair.split(separator: "=")
                    if parts.count == 2, let version = UInt64(parts[1]) { expected[String(parts[0])] = version }
                }
                acknowledgements.append(
                    Acknowledgement(batch: fields[1], first: first, last: last, size: size, expectedVersions: expected))
            case "conflict" where fields.count == 5:
                guard let expected = UInt64(fields[3]), let actual = UInt64(fields[4]) else {
                    unexpected.append(String(line))
                    continue
                }
                conflicts.append(Conflict(batch: fields[1], stream: fields[2], expected: expected, actual: actual))
            case "retry" where fields.count >= 2:
                retries.append(fields[1])
            default:
                unexpected.append(String(line))
            }
        }
    }
}
