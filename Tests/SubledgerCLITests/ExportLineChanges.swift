import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing
@testable import subledger

/// The changes the paths test makes to an export: to one line, to the file, and the edits they are made of.
extension ExportVerificationPathsTests {
    /// A way to spoil (or, for some, rewrite without changing) one line of an export.
    static let lineChanges: [(name: String, change: @Sendable ([UInt8], inout SeededRandom) -> [UInt8])] = [
        (
            "flip a byte",
            { line, random in
                var changed = line
                changed[random.below(changed.count)] ^= UInt8(1 + random.below(255))
                return changed
            }
        ),
        ("amount", { line, _ in replace(line, #""amount":"#, with: #""amount":7"#) }),
        (
            "keys reordered, same values",
            { line, _ in
                reencode(line) { object in
                    // Python reads any key order; the hash is over the sorted form.
                    "{"
                        + object.members.reversed().map { "\(quoted($0.key)):\(canonical($0.value))" }.joined(
                            separator: ",") + "}"
                }
            }
        ),
        (
            "spaces",
            { line, _ in
                Array(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\":", with: "\" : ").utf8)
            }
        ),
        ("escaped letter", { line, _ in replace(line, #""type":"U"#, with: #""type":"\u0055"#) }),
        ("escaped slash", { line, _ in replace(line, #"/slash/"#, with: #"\/slash\/"#) }),
        ("uppercase hash", { line, _ in uppercaseValue(line, of: "hash") }),
        ("position true", { line, _ in replaceValue(line, of: "position", with: "true") }),
        ("position zero", { line, _ in replaceValue(line, of: "position", with: "0") }),
        ("position huge", { line, _ in replaceValue(line, of: "position", with: "123456789012345678901234567890") }),
        ("position float", { line, _ in replaceValue(line, of: "position", with: "1e3") }),
        ("position string", { line, _ in replaceValue(line, of: "position", with: "\"7\"") }),
        ("position leading zero", { line, _ in replaceValue(line, of: "position", with: "007") }),
        ("negative zero", { line, _ in replace(line, #""amount":"#, with: #""amount":-0,"amount2":"#) }),
        (
            "recordedAt offset",
            { line, _ in replaceValue(line, of: "recordedAt", with: "\"2024-03-01T10:00:00+03:30\"") }
        ),
        ("recordedAt early", { line, _ in replaceValue(line, of: "recordedAt", with: "\"2001-01-01T00:00:00.000Z\"") }),
        ("recordedAt bad day", { line, _ in replaceValue(line, of: "recordedAt", with: "\"2023-02-29T00:00:00Z\"") }),
        ("duplicate key", { line, _ in replace(line, #""data":{"#, with: #""data":{"amount":1,"#) }),
        ("lone surrogate", { line, _ in replace(line, #""type":"U"#, with: #""type":"\ud800U"#) }),
        ("invalid UTF-8", { line, _ in replace(line, #""type":"U"#, with: "\"type\":\"\u{FF}U") }),
        ("raw control character", { line, _ in replace(line, #""type":"U"#, with: "\"type\":\"\u{01}U") }),
        (
            "deep nesting",
            { line, _ in
                replace(
                    line, #""data":{"#,
                    with: #""data":{"deep":"# + String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
                        + ",")
            }
        ),
        (
            "very deep nesting",
            { line, _ in
                replace(
                    line, #""data":{"#,
                    with: #""data":{"deep":"# + String(repeating: "[", count: 998) + String(repeating: "]", count: 998)
                        + ",")
            }
        ),
        ("carriage return", { line, _ in line + [0x0D] }),
        ("byte order mark", { line, _ in [0xEF, 0xBB, 0xBF] + line }),
        ("not an object", { _, _ in Array("[1,2]".utf8) }),
        ("blank", { _, _ in [] }),
        ("truncated", { line, random in Array(line.prefix(random.below(line.count))) }),
        ("hash missing", { line, _ in removeMember(line, "hash") }),
        ("prevHash missing", { line, _ in removeMember(line, "prevHash") }),
        ("extra member", { line, _ in replace(line, #""data":"#, with: #""aaa":null,"data":"#) }),
        // Valid hashes, wrong versions: only step 7 (stream versions) can find these.
        (
            "version skipped, hash recomputed",
            { line, _ in rehashed(line) { $0["streamVersion"] = .integer(($0["streamVersion"]?.integerValue ?? 0) + 3) }
            }
        ),
        (
            "version skipped, hash recomputed, keys reordered",
            { line, _ in
                reencode(
                    rehashed(line) { $0["streamVersion"] = .integer(($0["streamVersion"]?.integerValue ?? 0) + 3) }
                ) { object in
                    "{"
                        + object.members.reversed().map { "\(quoted($0.key)):\(canonical($0.value))" }.joined(
                            separator: ",") + "}"
                }
            }
        ),
        (
            "stream field removed, hash recomputed",
            { line, _ in
                rehashedLeniently(
                    removeMember(
                        removeMember(removeMember(removeMember(removeMember(line, "line"), "subscriber"), "a"), "pos"),
                        "zone"))
            }
        ),
    ]

    /// `line` changed by `change` with its hash recomputed over the change (the prevHash kept).
    static func rehashed(_ line: [UInt8], _ change: (inout JSONObject) -> Void) -> [UInt8] {
        guard case .object(var object)? = line.withUnsafeBytes({ try? JSONParser.parse(bytes: $0) }) else {
            return line
        }
        change(&object)
        return rehashedObject(object) ?? line
    }

    /// `line` with its hash recomputed as the verifier computes it (whatever its fields).
    static func rehashedLeniently(_ line: [UInt8]) -> [UInt8] {
        guard case .object(let object)? = line.withUnsafeBytes({ try? JSONParser.parse(bytes: $0) }) else {
            return line
        }
        return rehashedObject(object) ?? line
    }

    private static func rehashedObject(_ object: JSONObject) -> [UInt8]? {
        guard case .string(let previous)? = object["prevHash"], let previousHash = ChainHash(hex: previous) else {
            return nil
        }
        var body = object
        body["hash"] = nil
        body["prevHash"] = nil
        let hashed = previousHash.bytes + CanonicalJSON.encode(.object(body))
        var result = object
        result["hash"] = .string(ChainHash.sha256(of: hashed).hex)
        return CanonicalJSON.encode(.object(result))
    }

    /// Ways to change the file around a line.
    static let fileChanges: [(name: String, change: @Sendable ([[UInt8]], Int) -> [[UInt8]])] = [
        (
            "delete",
            { lines, index in
                var changed = lines; changed.remove(at: index); return changed
            }
        ),
        (
            "duplicate",
            { lines, index in
                var changed = lines; changed.insert(lines[index], at: index); return changed
            }
        ),
        (
            "swap with next",
            { lines, index in
                var changed = lines
                if index + 1 < lines.count { changed.swapAt(index, index + 1) }
                return changed
            }
        ),
        (
            "blank before",
            { lines, index in
                var changed = lines; changed.insert([], at: index); return changed
            }
        ),
    ]

    // MARK: Editing lines

    static func replace(_ line: [UInt8], _ target: String, with replacement: String) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: target) else { return line }
        return Array(text.replacingCharacters(in: range, with: replacement).utf8)
    }

    /// The line with the value of the top-level member `key` replaced by `value` (JSON text).
    static func replaceValue(_ line: [UInt8], of key: String, with value: String) -> [UInt8] {
        reencode(line) { object in
            "{"
                + object.members.map { "\(quoted($0.key)):\($0.key == key ? value : canonical($0.value))" }.joined(
                    separator: ",") + "}"
        }
    }

    static func uppercaseValue(_ line: [UInt8], of key: String) -> [UInt8] {
        reencode(line) { object in
            "{"
                + object.members.map { member in
                    let value = canonical(member.value)
                    return "\(quoted(member.key)):\(member.key == key ? value.uppercased() : value)"
                }.joined(separator: ",") + "}"
        }
    }

    static func removeMember(_ line: [UInt8], _ key: String) -> [UInt8] {
        reencode(line) { object in
            "{"
                + object.members.filter { $0.key != key }.map { "\(quoted($0.key)):\(canonical($0.value))" }.joined(
                    separator: ",") + "}"
        }
    }

    static func reencode(_ line: [UInt8], _ body: (JSONObject) -> String) -> [UInt8] {
        guard case .object(let object)? = line.withUnsafeBytes({ try? JSONParser.parse(bytes: $0) }) else {
            return line
        }
        return Array(body(object).utf8)
    }

    static func canonical(_ value: JSONValue) -> String { String(decoding: CanonicalJSON.encode(value), as: UTF8.self) }

    static func quoted(_ key: String) -> String { canonical(.string(key)) }
}
