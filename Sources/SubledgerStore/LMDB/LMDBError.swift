internal import CLMDB

/// A failed LMDB call: the function, its return code and LMDB's own words for it.
///
/// Codes are matchable by their documented static members, as swift-system's `Errno` is.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// LMDB's return code (an `MDB_*` code or an `errno` value).
    public var code: Int32
    /// The LMDB function that returned it.
    public var function: String

    /// The failure of `function` with `code`.
    /// - Parameters:
    ///   - code: LMDB's return code.
    ///   - function: The name of the LMDB function.
    public init(code: Int32, function: String) {
        self.code = code
        self.function = function
    }

    /// The map is full: the store grows it and retries, callers never see this.
    public static let mapFullCode: Int32 = MDB_MAP_FULL
    /// The key is not in the database.
    public static let notFoundCode: Int32 = MDB_NOTFOUND
    /// The key is already in the database (`MDB_NOOVERWRITE`).
    public static let keyExistsCode: Int32 = MDB_KEYEXIST
    /// Another process grew the map; the store adopts the new size and retries.
    public static let mapResizedCode: Int32 = MDB_MAP_RESIZED
    /// The file is not an LMDB file.
    public static let invalidCode: Int32 = MDB_INVALID
    /// The environment had a fatal error and must be reopened.
    public static let panicCode: Int32 = MDB_PANIC
    /// Every reader slot is taken.
    public static let readersFullCode: Int32 = MDB_READERS_FULL

    /// The function, LMDB's text for the code (`mdb_strerror`) and the code.
    public var description: String {
        let text = String(cString: mdb_strerror(code))
        return "\(function): \(text) (code \(code))"
    }

    static func check(_ code: Int32, _ function: StaticString) throws(LMDBError) {
        guard code == 0 else { throw LMDBError(code: code, function: "\(function)") }
    }
}
