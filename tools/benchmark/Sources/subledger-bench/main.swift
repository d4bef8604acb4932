import Foundation

// subledger-bench: subledger's append and read against raw LMDB and SQLite (GRDB).
// Progress goes to standard error; the report, in Markdown, to standard output.

// The follow part's follower runs as this program again, in a process of its own.
if CommandLine.arguments.dropFirst().first == FollowingProcess.flag {
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    Task {
        exit(await FollowingProcess.run(arguments))
    }
    dispatchMain()
}

let started = ContinuousClock.now
let options: BenchmarkOptions
do throws(UsageError) {
    options = try BenchmarkOptions.parse(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
} catch {
    if let message = error.message { printToStandardError("subledger-bench: \(message)") }
    print(BenchmarkOptions.usage)
    exit(error.message == nil ? 0 : 2)
}

var run = BenchmarkRun(options: options)
do {
    try run.runAll()
} catch {
    printToStandardError("subledger-bench: failed: \(error)")
    exit(1)
}
let wallSeconds = (ContinuousClock.now - started).seconds
print(Report(run: run, machine: .current(), wallSeconds: wallSeconds).text)
