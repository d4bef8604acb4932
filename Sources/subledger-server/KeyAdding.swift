import ArgumentParser
import Foundation
import SubledgerServer

/// `subledger serve --keys FILE --add-key NAME --scopes read,record`: a new secret, printed
/// once; only its SHA-256 goes into the key file (created with mode 0600 when missing).
enum KeyAdding {
    static func add(name: String, scopes text: String, to path: String) throws {
        var scopes: Set<APIScope> = []
        for part in text.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let scope = APIScope(rawValue: trimmed) else {
                throw ValidationError("--scopes: \"\(trimmed)\" is not a scope (read, record, apply, erase, admin)")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw ValidationError("--scopes: give at least one scope") }
        if FileManager.default.fileExists(atPath: path) {
            let existing = try APIKeyFile.read(at: path)
            guard !existing.keys.contains(where: { $0.name == name }) else {
                throw ValidationError("--add-key: \(path) has a key named \(name) already")
            }
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("--keys: cannot create \(path)") }
        }
        let (secret, line) = APIKeyFile.newKey(name: name, scopes: scopes)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("--keys: cannot write \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        print(secret)
    }
}
