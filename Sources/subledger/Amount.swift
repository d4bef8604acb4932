import SubledgerLedger

/// Amounts as people read them: whole rials with digits grouped by threes (`315,000`).
enum Amount {
    /// `value` with a comma between groups of three digits: the ledger's one grouping
    /// (``DisplayFormat/rials(_:)``), so a count and an amount group alike everywhere.
    static func grouped(_ value: Int64) -> String {
        DisplayFormat.rials(value)
    }

    /// `value` grouped, followed by the unit: `315,000 rials`.
    static func rials(_ value: Rials) -> String {
        "\(grouped(value)) rials"
    }

    /// Each of `values` as ``rials(_:)``, padded on the left to the same width, so that a
    /// column of amounts lines up on its last digit.
    static func rialsColumn(_ values: [Rials]) -> [String] {
        let grouped = values.map(grouped)
        let width = grouped.map(\.count).max() ?? 0
        return grouped.map { String(repeating: " ", count: width - $0.count) + $0 + " rials" }
    }
}
