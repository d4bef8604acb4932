import ArgumentParser
import SubledgerLedger
import SubledgerStore

/// `subledger settle LINE`: the netting statement of a revoked or sold line.
struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "The netting statement of a line: debt, credits, refund, residual debt (VAN-3, LEG-2).",
        discussion: """
            Netting happens once a line is revoked or sold: the credits (auction proceeds or \
            subscription value, plus deposit and guarantee still held) are set against the debt; \
            refund = max(0, credits - debt), residualDebt = max(0, debt - credits), refundDue = \
            refund - refunds paid. Before that, the credits, the refund and refundDue are 0.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The line's number in E.164, such as +989121234567.", transform: LineArgument.parse) var line:
        String
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func run() throws {
        let ledger = try store.openLedger()
        let statement: NettingStatement
        do {
            statement = try ledger.settlement(of: LineNumber(stored: line))
        } catch {
            throw CommandFailure(error)
        }
        if json {
            JSONOutput.print(statement.json)
            return
        }
        print(
            "line \(line): " + (statement.isNetted ? "netted" : "not netted yet: the line is neither revoked nor sold"))
        let rows: [(String, Rials)] = [
            ("debt", statement.debt), ("credits", statement.credits.total),
            ("  auction proceeds", statement.credits.auctionProceeds),
            ("  subscription value", statement.credits.subscriptionValue),
            ("  deposit", statement.credits.deposit), ("  guarantee", statement.credits.guarantee),
            ("refund", statement.refund), ("residual debt", statement.residualDebt),
            ("refunds paid", statement.refundsPaid), ("refund due", statement.refundDue),
        ]
        var table = TextTable([.left, .left])
        for (label, text) in zip(rows.map(\.0), Amount.rialsColumn(rows.map(\.1))) { table.add(label, text) }
        print(table.rendered(indent: "  "))
    }
}
