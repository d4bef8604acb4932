import ArgumentParser
import Foundation

/// `subledger serve ...`: the ledger as an HTTP service (issue 14). The server is its own
/// program, `subledger-server` beside this one (or `$SUBLEDGER_SERVER`), which this command
/// becomes (`execv`) with the same arguments: the command line's binary links no HTTP stack,
/// and SIGTERM reaches the server itself. `subledger serve --help` prints the server's options.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP with API keys (docs/service.md): --store DIR --keys FILE [--port N].",
        helpNames: []
    )

    @Argument(parsing: .captureForPassthrough, help: "The server's options; subledger serve --help lists them.")
    var arguments: [String] = []

    func run() throws {
        let program = Self.serverPath()
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw CommandFailure(
                "cannot start the server: \(program) is not an executable (build it with swift build, or name it with SUBLEDGER_SERVER)"
            )
        }
        let argv = [program] + arguments
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        execv(program, cArguments)
        throw CommandFailure("cannot start the server \(program): \(String(cString: strerror(errno)))")
    }

    /// `$SUBLEDGER_SERVER`, else `subledger-server` in this executable's folder.
    static func serverPath() -> String {
        if let path = ProcessInfo.processInfo.environment["SUBLEDGER_SERVER"], !path.isEmpty { return path }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("subledger-server")
            .path
    }
}
