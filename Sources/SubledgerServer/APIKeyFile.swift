import Crypto
import Foundation
public import SubledgerStore

/// Why a key file cannot be used: the file, its line, the field and why.
public struct APIKeyFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `keys.jsonl:3: field scopes: "write" is not a scope (read, record, apply, erase, admin)`.
    public var description: String
}

/// The API keys a service accepts, read from a JSON Lines file (`--keys FILE`) that holds
/// each key's name, scopes and the SHA-256 of its secret, never the secret itself:
///
/// ```
/// {"name":"billing","scopes":["read","record"],"sha256":"9f86d0…"}
/// ```
///
/// A presented secret is hashed and looked up; the file alone lets nobody call the service.
public struct APIKeyFile: Sendable {
    /// The keys by the hex SHA-256 of their secrets.
    private let keysBySecretSHA256: [String: APIKey]

    /// The keys, in file order.
    public let keys: [APIKey]

    /// A key set from keys already read.
    /// - Parameters:
    ///   - keys: the keys; their names and hashes must be distinct (a precondition).
    public init(keys: [APIKey]) {
        var byHash: [String: APIKey] = [:]
        for key in keys {
            precondition(byHash.updateValue(key, forKey: key.secretSHA256) == nil, "two keys of one secret")
        }
        precondition(Set(keys.map(\.name)).count == keys.count, "two keys of one name")
        self.keys = keys
        keysBySecretSHA256 = byHash
    }

    /// Reads the key file at `path`.
    /// - Parameters:
    ///   - path: the JSON Lines file of keys.
    /// - Returns: its keys.
    /// - Throws: ``APIKeyFileError`` naming the file, the line and the field of the first problem, or
    ///   saying that the file cannot be read or holds no key.
    public static func read(at path: String) throws(APIKeyFileError) -> APIKeyFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIKeyFileError(description: "\(path): cannot read the key file")
        }
        let name = (path as NSString).lastPathComponent
        var keys: [APIKey] = []
        for (offset, line) in String(decoding: data, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        ).enumerated() where !line.allSatisfy({ $0 == " " || $0 == "\r" || $0 == "\t" }) {
            let key = try parse(String(line), at: "\(name):\(offset + 1)")
            if keys.contains(where: { $0.name == key.name }) {
                throw APIKeyFileError(description: "\(name):\(offset + 1): field name: \"\(key.name)\" is named twice")
            }
            if keys.contains(where: { $0.secretSHA256 == key.secretSHA256 }) {
                throw APIKeyFileError(description: "\(name):\(offset + 1): field sha256: the same secret as another key")
            }
            keys.append(key)
        }
        guard !keys.isEmpty else { throw APIKeyFileError(description: "\(path): the key file holds no key") }
        return APIKeyFile(keys: keys)
    }

    /// One line of the file as a key; `location` (`keys.jsonl:3`) prefixes each error.
    static func parse(_ line: String, at location: String) throws(APIKeyFileError) -> APIKey {
        func failure(_ field: String, _ reason: String) -> APIKeyFileError {
            APIKeyFileError(description: "\(location): field \(field): \(reason)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch {
            throw APIKeyFileError(description: "\(location): malformed JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw APIKeyFileError(description: "\(location): not a JSON object: one key per line")
        }
        for member in object where !["name", "scopes", "sha256"].contains(member.key) {
            throw failure(member.key, "unknown (a key has name, scopes and sha256)")
        }
        guard case .string(let name)? = object["name"], !name.isEmpty, name.utf8.count <= 128,
            name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { throw failure("name", "must be a string of 1 to 128 printable characters") }
        guard case .array(let values)? = object["scopes"], !values.isEmpty else {
            throw failure("scopes", "must be a non-empty array of scopes (read, record, apply, erase, admin)")
        }
        var scopes: Set<APIScope> = []
        for value in values {
            guard case .string(let text) = value, let scope = APIScope(rawValue: text) else {
                throw failure("scopes", "\(value) is not a scope (read, record, apply, erase, admin)")
            }
            scopes.insert(scope)
        }
        guard case .string(let hash)? = object["sha256"], hash.utf8.count == 64,
            hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw failure("sha256", "must be the lowercase hex SHA-256 (64 digits) of the key's secret") }
        return APIKey(name: name, scopes: scopes, secretSHA256: hash)
    }

    /// The key whose secret is `secret`, or `nil` when no key has it.
    /// - Parameters:
    ///   - secret: the secret the caller presented.
    /// - Returns: the key, or `nil`.
    public func key(forSecret secret: String) -> APIKey? {
        keysBySecretSHA256[Self.sha256Hex(of: secret)]
    }

    /// The lowercase hex SHA-256 of `secret`'s UTF-8 bytes: what the key file keeps.
    /// - Parameters:
    ///   - secret: a key's secret.
    /// - Returns: 64 lowercase hex digits.
    public static func sha256Hex(of secret: String) -> String {
        hex(Array(SHA256.hash(data: Array(secret.utf8))))
    }

    /// A new secret (32 random bytes from the system's generator, hex, prefixed `slk_`) and the
    /// key file's line for it.
    /// - Parameters:
    ///   - name: the key's name.
    ///   - scopes: its scopes.
    /// - Returns: the secret, to hand to the caller once, and the line to add to the key file.
    public static func newKey(name: String, scopes: Set<APIScope>) -> (secret: String, line: String) {
        var generator = SystemRandomNumberGenerator()
        let secret = "slk_" + hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let object: JSONObject = [
            "name": .string(name), "scopes": .array(scopes.sorted().map { .string($0.rawValue) }),
            "sha256": .string(sha256Hex(of: secret)),
        ]
        return (secret, String(decoding: CanonicalJSON.encode(.object(object)), as: UTF8.self))
    }

    /// `bytes` as lowercase hex, two digits a byte.
    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: text, as: UTF8.self)
    }
}
