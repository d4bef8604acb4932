import Foundation
import SubledgerStore

/// A temporary folder with a store path in it, where the built `subledger` executable is
/// run as a user runs it: a separate process, arguments, standard input, exit status.
final class Sandbox: @unchecked Sendable {
    let folder: String

    /// The store's folder (not created until a command creates it).
    var store: String { folder + "/store" }

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/subledger-cli-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SandboxError("cannot create a temporary folder")
        }
        folder = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes `text` to the file `name` in the sandbox; returns its path.
    @discardableResult
    func file(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs `subledger` with `arguments` on the sandbox's store (through `SUBLEDGER_DB`).
    func subledger(_ arguments: String..., input: String? = nil) throws -> CommandResult {
        try run(SubledgerBinary.path, arguments, input: input)
    }

    /// Runs `executable` with `arguments`; `input` is its standard input. With
    /// `inSandboxFolder`, the process runs in the sandbox's folder (relative paths land there).
    func run(_ executable: String, _ arguments: [String], input: String? = nil, inSandboxFolder: Bool = false) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if inSandboxFolder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["SUBLEDGER_DB"] = store
        process.environment = environment
        let identifier = UUID().uuidString
        let outputPath = folder + "/.stdout-" + identifier
        let errorPath = folder + "/.stderr-" + identifier
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardOutput = output
        process.standardError = error
        if let input {
            let inputPath = try file(".stdin-" + identifier, input)
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errorPath)), as: UTF8.self)
        )
    }

    /// The store's head as `verify --json` reports it, or `nil` when there is no store.
    func storeHead() throws -> String? {
        guard FileManager.default.fileExists(atPath: store) else { return nil }
        let document = try subledger("verify", "--json").json()
        guard case .object(let report) = document, case .string(let hash)? = report["headHash"],
            case .integer(let position)? = report["headPosition"]
        else { return "unreadable" }
        return "\(position) \(hash)"
    }
}

/// What a run printed and how it ended.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output parsed as exactly one JSON document.
    func json() throws -> JSONValue {
        try JSONParser.parse(stdout)
    }

    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

struct SandboxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The built `subledger` executable: beside the test bundle (SwiftPM builds it first, as
/// the test target depends on it), or `SUBLEDGER_BINARY`.
enum SubledgerBinary {
    static let path: String = {
        if let explicit = ProcessInfo.processInfo.environment["SUBLEDGER_BINARY"] { return explicit }
        var folders = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
        folders += Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }.map {
            $0.bundleURL.deletingLastPathComponent()
        }
        folders.append(Bundle.main.bundleURL)
        for folder in folders {
            let candidate = folder.appendingPathComponent("subledger").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return folders[0].appendingPathComponent("subledger").path
    }()

    /// The repository's root (for tools/verify_export.py).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

/// `python3`, when there is one (the auditors' verifier is run with it).
enum Python {
    static let path: String? = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }()

    /// The repository's tools/verify_export.py, or the file `SUBLEDGER_PYTHON_VERIFIER`
    /// names (to cross-check against a verifier being written beside this branch).
    static var verifier: String {
        ProcessInfo.processInfo.environment["SUBLEDGER_PYTHON_VERIFIER"]
            ?? SubledgerBinary.repository.appendingPathComponent("tools/verify_export.py").path
    }
}
