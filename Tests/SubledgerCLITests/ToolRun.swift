import Foundation

/// A tool (`psql`, `cluster.sh`) run to its end as a separate process, its output captured
/// through files, so that a large output cannot block it.
enum ToolRun {
    /// A tool that had not ended when its time was up, and what it had printed by then.
    struct TooLate: Error, CustomStringConvertible {
        var command: String
        var seconds: Double
        var stdout: String
        var stderr: String

        var description: String {
            "\(command) had not ended after \(seconds) s (a process it started may hold a descriptor of the test: "
                + "Foundation's Process sees a child end only when every holder of its socket has closed it)\n"
                + "stdout: \(stdout)\nstderr: \(stderr)"
        }
    }

    /// Runs `executable` with `arguments`; throws `TooLate` if it has not ended (as Foundation
    /// sees it) within `seconds`, instead of waiting for ever.
    static func run(_ executable: String, _ arguments: [String], within seconds: Double) throws -> CommandResult {
        let sandbox = try Sandbox()
        let outputPath = sandbox.folder + "/stdout"
        let errorPath = sandbox.folder + "/stderr"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        let outcome = ended.wait(timeout: .now() + seconds)
        let stdout = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        guard outcome == .success else {
            let command = ([executable] + arguments).joined(separator: " ")
            throw TooLate(command: command, seconds: seconds, stdout: stdout, stderr: stderr)
        }
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
