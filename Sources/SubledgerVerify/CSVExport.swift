package import SubledgerStore

/// The CSV form of an export (RFC 4180, UTF-8): a header row, then one record per event
/// with one column per common field; `metadata` and `data` hold canonical JSON, and the
/// amount columns (``amountColumns``) repeat the whole-rial fields of `data` so that a
/// spreadsheet sums them without parsing JSON. Records end with CRLF; a field is quoted
/// when it holds a comma, a double quote, CR or LF, and a double quote inside it is doubled.
/// docs/event-format.md documents the layout; `verify FILE` checks it (``CSVExportVerifier``).
package enum CSVExport {
    /// Every whole-rial field at the top of `data` in the catalog (docs/event-format.md),
    /// each a column of its own after `data`: the field's integer when the event's `data`
    /// has it, else empty. Not hashed: `verify` checks each against the `data` cell.
    static let amountColumns = [
        "amount", "total", "price", "value", "fee", "connectionFee", "vanityPremium", "reconnectionFee",
    ]

    /// The columns, in order (format 2: `streamPrevHash` after `prevHash`, issue 10).
    static let columns =
        [
            "position", "streamVersion", "recordedAt", "eventId", "type", "streamCategory", "streamId",
            "occurredAt", "prevHash", "streamPrevHash", "hash", "metadata", "data",
        ] + amountColumns

    /// The columns of an export of format 1 (made before `subledger migrate`), still verified.
    static let format1Columns = columns.filter { $0 != "streamPrevHash" }

    /// Appends the header row.
    /// - Parameter bytes: The file's bytes so far.
    package static func appendHeader(into bytes: inout [UInt8]) {
        for (index, column) in columns.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendField(Array(column.utf8), into: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends the record of `event`.
    /// - Parameters:
    ///   - event: The event, with its hashes.
    ///   - bytes: The file's bytes so far.
    package static func append(_ event: RecordedEvent, into bytes: inout [UInt8]) {
        var field: [UInt8] = []
        func column(_ fill: (inout [UInt8]) -> Void, first: Bool = false) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            field.removeAll(keepingCapacity: true)
            fill(&field)
            appendField(field, into: &bytes)
        }
        column({ CanonicalJSON.writeInteger(Int64(event.position), into: &$0) }, first: true)
        column { CanonicalJSON.writeInteger(Int64(event.streamVersion), into: &$0) }
        column { event.recordedAt.write(into: &$0) }
        column { event.eventID.write(into: &$0) }
        column { $0.append(contentsOf: event.type.utf8) }
        column { $0.append(contentsOf: event.stream.category.utf8) }
        column { $0.append(contentsOf: event.stream.id.utf8) }
        column { event.occurredAt.write(into: &$0) }
        column { event.previousHash.writeHex(into: &$0) }
        column { event.streamPreviousHash?.writeHex(into: &$0) }
        column { event.hash.writeHex(into: &$0) }
        column {
            CanonicalJSON.write(
                .object(JSONObject(event.metadata.map { ($0.key, JSONValue.string($0.value)) })), into: &$0)
        }
        column { CanonicalJSON.write(.object(event.data), into: &$0) }
        for key in amountColumns {
            column { if case .integer(let amount)? = event.data[key] { CanonicalJSON.writeInteger(amount, into: &$0) } }
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends one field, quoted when RFC 4180 requires it.
    static func appendField(_ field: [UInt8], into bytes: inout [UInt8]) {
        let needsQuotes = field.contains {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A
        }
        guard needsQuotes else {
            bytes.append(contentsOf: field)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
