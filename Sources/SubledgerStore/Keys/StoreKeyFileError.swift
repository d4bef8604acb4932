/// A key file that cannot be used: missing, unreadable, readable by others, of another
/// store, inside the store's folder, or not a key file. `message` names the path and what
/// to do; it never holds a key.
public struct StoreKeyFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The key file's path.
    public var path: String
    /// What is wrong, and what to do.
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
