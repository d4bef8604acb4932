/// A key file that cannot be used: missing, unreadable, readable by others, of another
/// store, inside the store's folder, or not a key file. `message` names the path and what
/// to do; it never holds a key.
public struct StoreKeyFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The key file's path.
    public var path: String
    /// What is wrong, and what to do.
    public var message: String

    /// The fault of the key file at `path`.
    /// - Parameters:
    ///   - path: The key file's path.
    ///   - message: What is wrong and what to do, naming the path; never a key.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// The message, as printed to the operator.
    public var description: String { message }
}
