import SubledgerStore

/// Checks a CSV export (``CSVExport``, documented in docs/event-format.md) as
/// ``ExportFileVerifier`` checks JSON Lines: each row is turned back into the event it
/// carries (the cells of the common fields, the `metadata` and `data` cells as the JSON they
/// hold, the stream as `streamCategory: streamId`), and that event goes through every check
/// of a JSON Lines line, its hash recomputed from its canonical JSON. Then each amount
/// column must say what `data` holds (the field's integer, or empty when `data` has no such
/// integer): the amount cells are not hashed, so a cell edited in a spreadsheet is found
/// here and named by row and column. Rows are counted as a spreadsheet counts them: the
/// header is row 1. A quoted cell may span lines (RFC 4180).
package struct CSVExportVerifier {
    private var verifier: ExportFileVerifier
    /// The record read so far, when a quoted cell runs on to the next line.
    private var record: [UInt8] = []
    private var insideQuotes = false
    /// Records read (the header is row 1).
    private var row = 0

    /// The columns of the file, as its header row names them (format 2 or 1).
    private var columns = CSVExport.columns

    /// A verifier of a CSV export, row by row, with the checks of a JSON Lines export.
    /// - Parameters:
    ///   - filtered: Whether gaps in positions are accepted (`--filtered`).
    ///   - anchors: The hashes the file must hold (`--anchor`).
    ///   - completeStreams: Whether every stream's versions must run 1, 2, 3, ...
    ///   - allowVersionGaps: Whether versions may skip across a gap in positions (a time range).
    ///   - format1: Whether the file is of format 1 (made before `subledger migrate`).
    package init(
        filtered: Bool, anchors: [String], completeStreams: Bool, allowVersionGaps: Bool = false, format1: Bool = false
    ) {
        verifier = ExportFileVerifier(
            filtered: filtered, anchors: anchors, completeStreams: completeStreams,
            allowVersionGaps: allowVersionGaps, format1: format1)
    }

    /// Whether `bytes` (a file's first line) is the header row of a CSV export.
    /// - Parameter bytes: The first line, without its `\n`.
    /// - Returns: `true` for the header row of format 2 or 1.
    package static func isHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerColumns(bytes) != nil
    }

    /// The columns a header row names: of format 2, or of format 1 (before `migrate`);
    /// `nil` when `bytes` is not a header row of a subledger CSV export.
    static func headerColumns(_ bytes: UnsafeRawBufferPointer) -> [String]? {
        var line = Array(bytes)
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        if line.last == 0x0D { line.removeLast() }
        return [CSVExport.columns, CSVExport.format1Columns].first { line == Array($0.joined(separator: ",").utf8) }
    }

    /// Checks one line of the file (without its `\n`); returns `false` once the file is bad.
    /// - Parameter bytes: The line; a quoted cell may go on to the next.
    /// - Returns: `false` once the file is found bad.
    package mutating func check(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if insideQuotes { record.append(0x0A) }
        record.append(contentsOf: bytes)
        for byte in bytes where byte == UInt8(ascii: "\"") { insideQuotes.toggle() }
        guard !insideQuotes else { return true }
        var text = record
        record = []
        if text.last == 0x0D { text.removeLast() }
        row += 1
        return checkRecord(text)
    }

    /// The result, once every line was checked.
    /// - Returns: What the check found, as `tools/verify_export.py` reports it.
    package mutating func finish() -> ExportVerification {
        if insideQuotes, verifier.result.ok {
            verifier.fail(
                line: row + 1, column: nil, checked: false, "a quoted cell is not closed at the end of the file")
        }
        var result = verifier.finish()
        result.lineLabel = "row"
        return result
    }

    private mutating func checkRecord(_ text: [UInt8]) -> Bool {
        if row == 1 {
            guard let columns = text.withUnsafeBytes(Self.headerColumns) else {
                verifier.fail(
                    line: 1, column: nil, checked: false,
                    "not the header row of a subledger CSV export (\(CSVExport.columns.joined(separator: ",")))")
                return false
            }
            self.columns = columns
            return true
        }
        if text.isEmpty { return text.withUnsafeBytes { verifier.check($0, line: row) } }
        guard let cells = Self.cells(of: text) else {
            verifier.fail(
                line: row, column: nil, checked: false,
                "malformed CSV: a double quote outside a quoted cell, or text after one")
            return false
        }
        guard cells.count == columns.count else {
            verifier.fail(
                line: row, column: nil, checked: false, "the row has \(cells.count) cells, the header \(columns.count)")
            return false
        }
        var cell: [String: String] = [:]
        for (name, value) in zip(columns, cells) { cell[name] = value }
        // The amounts data holds, read while the cell's bytes are at hand.
        var held: [String: String] = [:]
        for name in ["metadata", "data"] {
            let isObject = Array(cell[name]!.utf8).withUnsafeBytes { bytes in
                guard case .event(let object) = ExportLine.read(bytes, endsWithNewline: false) else { return false }
                if name == "data" {
                    for amount in CSVExport.amountColumns { held[amount] = object.integerText(amount) ?? "" }
                }
                return true
            }
            guard isObject else {
                verifier.fail(line: row, column: name, checked: false, "the cell is not one JSON object")
                return false
            }
        }
        let line = Self.eventLine(cell)
        guard line.withUnsafeBytes({ verifier.check($0, line: row) }) else { return false }
        for name in CSVExport.amountColumns {
            let held = held[name] ?? ""
            if cell[name] != held {
                let says = held.isEmpty ? "data has no integer \(name)" : "data holds \(held)"
                verifier.fail(
                    line: row, column: name, checked: true,
                    "the cell says \(ExportText.quoted(cell[name]!)) but \(says)")
                return false
            }
        }
        return true
    }

    /// The event a row carries, as a JSON object with its keys sorted (so that a row written
    /// by export reads as a canonical line). Integer cells stay numbers; any other cell of
    /// `position` or `streamVersion` becomes a string, which the checks then refuse.
    private static func eventLine(_ cell: [String: String]) -> [UInt8] {
        func isInteger(_ text: String) -> Bool {
            let digits = text.utf8.first == UInt8(ascii: "-") ? Substring(text.dropFirst()) : Substring(text)
            guard let first = digits.utf8.first, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return false
            }
            return first != UInt8(ascii: "0") || digits.utf8.count == 1
        }
        var members: [(key: String, value: String)] = [
            ("metadata", cell["metadata"]!), ("data", cell["data"]!),
            (cell["streamCategory"]!, ExportText.quoted(cell["streamId"]!)),
        ]
        for name in ["position", "streamVersion"] {
            let value = cell[name]!
            members.append((name, isInteger(value) ? value : ExportText.quoted(value)))
        }
        for name in ["recordedAt", "eventId", "type", "occurredAt", "prevHash", "streamPrevHash", "hash"] {
            // A file of format 1 has no streamPrevHash column.
            if let value = cell[name] { members.append((name, ExportText.quoted(value))) }
        }
        members.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return Array(
            ("{" + members.map { "\(ExportText.quoted($0.key)):\($0.value)" }.joined(separator: ",") + "}").utf8)
    }

    /// The cells of one record (RFC 4180), or `nil` when it is malformed.
    static func cells(of text: [UInt8]) -> [String]? {
        var cells: [String] = []
        var index = 0
        while true {
            var cell: [UInt8] = []
            if index < text.count, text[index] == UInt8(ascii: "\"") {
                index += 1
                while true {
                    guard index < text.count else { return nil }
                    if text[index] == UInt8(ascii: "\"") {
                        if index + 1 < text.count, text[index + 1] == UInt8(ascii: "\"") {
                            cell.append(UInt8(ascii: "\""))
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    cell.append(text[index])
                    index += 1
                }
            } else {
                while index < text.count, text[index] != UInt8(ascii: ",") {
                    guard text[index] != UInt8(ascii: "\"") else { return nil }
                    cell.append(text[index])
                    index += 1
                }
            }
            cells.append(String(decoding: cell, as: UTF8.self))
            guard index < text.count else { return cells }
            guard text[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}
