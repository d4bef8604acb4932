import ArgumentParser
import SubledgerStore

/// `subledger verify`: checks the store's hash chain and names the first bad position.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the store's hash chain; name the first bad position."
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func run() throws {
        let report = try store.openStore().verify()
        if json {
            let bad = report.firstBadPosition.map(String.init) ?? "null"
            let problem = report.problem.map { value -> String in
                var bytes: [UInt8] = []
                CanonicalJSON.writeString(value, into: &bytes)
                return String(decoding: bytes, as: UTF8.self)
            } ?? "null"
            print(#"{"firstBadPosition":\#(bad),"headHash":"\#(report.headHash)","headPosition":\#(report.headPosition),"ok":\#(report.isValid),"problem":\#(problem),"verified":\#(report.verifiedCount)}"#)
        } else if report.isValid {
            print("ok: \(report.verifiedCount) events, head position \(report.headPosition), head hash \(report.headHash)")
        } else {
            print("bad: position \(report.firstBadPosition!): \(report.problem ?? "")")
        }
        if !report.isValid { throw ExitCode(1) }
    }
}
