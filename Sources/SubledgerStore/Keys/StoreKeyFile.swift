public import Crypto
internal import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The secret keys of one store, kept outside its folder (interchange.md, "Personal data"):
/// the master key that wraps each subscriber's key (RET-1) and the Ed25519 key that signs
/// the store's checkpoints.
///
/// A copy of the store's folder alone verifies and audits but discloses nothing and signs
/// nothing: whoever holds this file holds both powers. The file is one JSON object, mode
/// 0600 (refused when its group or others may read it), never inside the store's folder:
///
/// ```json
/// {"format":"subledger-keys/1","generation":1,"masterKey":"<base64, 32 bytes>",
///  "signingKey":"<base64, the 32-byte Ed25519 seed>","storeId":"<the store's id>"}
/// ```
///
/// `generation` counts master keys: erasing a subscriber replaces the master key by a new
/// one (generation + 1), so that the old one, which wrapped the erased subscriber's key in
/// pages the store may still hold, no longer exists.
public struct StoreKeyFile: Sendable {
    /// The `format` member of every key file this code writes and reads.
    public static let format = "subledger-keys/1"

    /// Where the file is.
    public let path: String
    /// The id of the store the keys belong to (``EventStore/storeID()``).
    public let storeID: String
    /// The master key's generation: 1 for a new file, one more at each rotation.
    public let generation: UInt64
    /// The 32 bytes of the master key and of the signing key's seed (kept as bytes: the
    /// key types of swift-crypto are not `Sendable`).
    private let masterKeyBytes: [UInt8]
    private let signingSeed: [UInt8]

    /// The AES-256 key that wraps the subscribers' keys.
    public var masterKey: SymmetricKey { SymmetricKey(data: masterKeyBytes) }
    /// The Ed25519 key that signs checkpoints.
    public var signingKey: Curve25519.Signing.PrivateKey {
        // The seed was checked to be a key when the file was read or made.
        // swiftlint:disable:next force_try
        try! Curve25519.Signing.PrivateKey(rawRepresentation: signingSeed)
    }

    /// The key that checks the store's checkpoints: published, kept by auditors.
    public var publicKey: Curve25519.Signing.PublicKey { signingKey.publicKey }

    init(
        path: String, storeID: String, generation: UInt64, masterKey: SymmetricKey,
        signingKey: Curve25519.Signing.PrivateKey
    ) {
        self.path = path
        self.storeID = storeID
        self.generation = generation
        masterKeyBytes = masterKey.withUnsafeBytes { Array($0) }
        signingSeed = signingKey.rawRepresentation.withUnsafeBytes { Array($0) }
    }

    /// The default place of a store's key file: beside its folder, `<folder>.keys`
    /// (`ledger/` → `ledger.keys`), never inside it.
    /// - Parameter storePath: The store's folder, with or without trailing slashes.
    /// - Returns: The folder's path with `.keys` appended.
    public static func defaultPath(forStoreAt storePath: String) -> String {
        var folder = storePath
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        return folder + ".keys"
    }

    /// Reads the key file at `path`, which must belong to the store `storeID`.
    /// - Throws: ``StoreKeyFileError`` naming the path and the fault.
    /// - Parameters:
    ///   - path: The key file's path.
    ///   - storeID: The id of the store that opens it.
    /// - Returns: The file's keys and generation.
    public static func open(at path: String, storeID: String) throws(StoreKeyFileError) -> StoreKeyFile {
        let file = try KeyFileIO.read(path)
        guard file.storeID == storeID else {
            throw StoreKeyFileError(
                path: path,
                "\(path) holds the keys of store \(file.storeID), not of this store (\(storeID)): name this store's key file with --key-file or SUBLEDGER_KEY_FILE"
            )
        }
        return file
    }

    /// Reads the key file at `path`, or creates it (mode 0600, new random keys, generation 1)
    /// when there is none. `storePath` is the store's folder, which must not hold the file.
    /// - Parameters:
    ///   - path: The key file's path.
    ///   - storeID: The id of the store that opens it.
    ///   - storePath: The store's folder.
    /// - Returns: The file read, or the one created.
    /// - Throws: ``StoreKeyFileError`` naming the path and the fault (inside `storePath`, of another
    ///   store, unreadable, readable by others, not a key file, or not writable when created).
    public static func openOrCreate(at path: String, storeID: String, storePath: String) throws(StoreKeyFileError)
        -> StoreKeyFile
    {
        try KeyFileIO.refuseInside(path, storePath: storePath)
        if access(path, F_OK) == 0 { return try open(at: path, storeID: storeID) }
        let file = StoreKeyFile(
            path: path, storeID: storeID, generation: 1, masterKey: SymmetricKey(size: .bits256),
            signingKey: Curve25519.Signing.PrivateKey())
        do {
            try KeyFileIO.create(path, contents: file.encoded())
        } catch let error where error.message.contains("exists") {
            // Another process created it first: theirs is the store's key file.
            return try open(at: path, storeID: storeID)
        }
        return file
    }

    /// The same file with a new random master key of the next generation; the signing key
    /// stays (checkpoints keep verifying under the published key). Written by the caller.
    /// - Returns: The keys of generation `generation + 1`, at the same path, not yet on disk.
    public func nextGeneration() -> StoreKeyFile {
        StoreKeyFile(
            path: path, storeID: storeID, generation: generation + 1, masterKey: SymmetricKey(size: .bits256),
            signingKey: signingKey)
    }

    /// The file's bytes: the JSON object, keys in code-point order, and a newline.
    /// - Returns: UTF-8 bytes holding the keys in base64: write them only to a file of mode 0600.
    public func encoded() -> [UInt8] {
        let master = Base64.encode(masterKeyBytes)
        let seed = Base64.encode(signingSeed)
        let object: JSONObject = [
            "format": .string(Self.format), "generation": .integer(Int64(generation)), "masterKey": .string(master),
            "signingKey": .string(seed), "storeId": .string(storeID),
        ]
        return CanonicalJSON.encode(.object(object)) + [UInt8(ascii: "\n")]
    }

    /// Reads the keys from a file's bytes; `path` names it in errors.
    static func decode(_ bytes: [UInt8], path: String) throws(StoreKeyFileError) -> StoreKeyFile {
        let bad = { (what: String) in StoreKeyFileError(path: path, "\(path) is not a subledger key file: \(what)") }
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBytes { buffer throws(JSONParseError) in try JSONParser.parse(bytes: buffer) }
        } catch {
            throw bad("it is not one JSON object (\(error))")
        }
        guard case .object(let object) = value else { throw bad("it is not one JSON object") }
        guard object["format"]?.stringValue == format else { throw bad("its format is not \"\(format)\"") }
        guard let storeID = object["storeId"]?.stringValue, !storeID.isEmpty else { throw bad("storeId is missing") }
        guard let generation = object["generation"]?.integerValue, generation >= 1 else {
            throw bad("generation is not a positive integer")
        }
        guard let master = object["masterKey"]?.stringValue.flatMap(Base64.decode), master.count == 32 else {
            throw bad("masterKey is not 32 bytes of base64")
        }
        guard let seed = object["signingKey"]?.stringValue.flatMap(Base64.decode), seed.count == 32,
            let signingKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else {
            throw bad("signingKey is not a 32-byte Ed25519 seed in base64")
        }
        return StoreKeyFile(
            path: path, storeID: storeID, generation: UInt64(generation), masterKey: SymmetricKey(data: master),
            signingKey: signingKey)
    }
}
