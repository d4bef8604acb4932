/// Rows of cells printed in aligned columns (human output; `--json` is for programs).
struct TextTable {
    enum Alignment {
        case left, right
    }

    private let alignments: [Alignment]
    private var rows: [[String]] = []

    /// A table whose columns are aligned as given (columns beyond them align left).
    init(_ alignments: [Alignment]) {
        self.alignments = alignments
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    /// The rows, one a line, columns two spaces apart, each line preceded by `indent`.
    func rendered(indent: String = "") -> String {
        var widths: [Int] = []
        for row in rows {
            for (column, cell) in row.enumerated() {
                if column == widths.count { widths.append(0) }
                widths[column] = max(widths[column], cell.count)
            }
        }
        return rows.map { row in
            var line = indent
            for (column, cell) in row.enumerated() {
                if column > 0 { line += "  " }
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                let alignment = column < alignments.count ? alignments[column] : .left
                line += alignment == .right ? padding + cell : (column == row.count - 1 ? cell : cell + padding)
            }
            return line
        }.joined(separator: "\n")
    }
}
