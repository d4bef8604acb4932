import SubledgerStore

/// What `--json` prints: exactly one JSON document on standard output (canonical JSON,
/// RFC 8785, so keys are sorted and there is no white space), and nothing else.
enum JSONOutput {
    static func print(_ value: JSONValue) {
        var bytes = CanonicalJSON.encode(value)
        bytes.append(UInt8(ascii: "\n"))
        Swift.print(String(decoding: bytes, as: UTF8.self), terminator: "")
    }

    static func print(_ object: JSONObject) {
        print(.object(object))
    }
}
