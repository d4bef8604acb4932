import SubledgerStore

/// Text helpers of the export verifier, worded as `tools/verify_export.py` words them.
enum ExportText {
    /// `text` cut to `limit` characters (code points), with `...` when cut (Python's `_short`).
    static func short(_ text: String, limit: Int = 60) -> String {
        text.unicodeScalars.count <= limit
            ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit))) + "..."
    }

    /// `text` as a canonical JSON string.
    static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        writeCanonicalString(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a canonical JSON string (RFC 8785; `ensure_ascii=False`).
    static func writeCanonicalString(_ text: String, into bytes: inout [UInt8]) {
        CanonicalJSON.writeString(text, into: &bytes)
    }
}
