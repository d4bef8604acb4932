public import Crypto
internal import FoundationEssentials

/// A signed checkpoint (interchange.md, "Checkpoints and proofs"): the size and root hash
/// of the log's Merkle tree, in a C2SP `tlog-checkpoint` note body signed with the store's
/// Ed25519 key.
///
/// The note is the origin line (`subledger/<storeID>`), the size in decimal, the root in
/// standard base64, each ending in `\n`, then any extension lines, each ending in `\n`;
/// `signature` is the Ed25519 signature of the note's UTF-8 bytes. Its JSON is what
/// `subledger checkpoint --json` prints and a proof file holds: `{"origin", "size",
/// "rootHash" (hex), "note", "signature" (base64), "publicKey" (base64)}`.
public struct SignedCheckpoint: Hashable, Sendable {
    /// The note's first line: `subledger/<storeID>` for a store's checkpoint.
    public var origin: String
    /// The number of events in the tree.
    public var size: UInt64
    /// The root hash of the tree of ``size`` events.
    public var rootHash: ChainHash
    /// The signed text.
    public var note: String
    /// The 64 bytes of the Ed25519 signature of `note`.
    public var signature: [UInt8]
    /// The 32 bytes of the Ed25519 public key that made it.
    public var publicKey: [UInt8]

    /// The note's lines after the root, without their `\n`.
    public var extensionLines: [String] {
        Array(note.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).dropLast().map(String.init))
    }

    /// The origin of the checkpoints of the store `storeID`.
    /// - Parameter storeID: The store's id.
    /// - Returns: `subledger/` followed by `storeID`.
    public static func origin(storeID: String) -> String { "subledger/" + storeID }

    /// The note body of a checkpoint.
    /// - Throws: ``ProofError`` when an extension line is empty or holds a newline.
    /// - Parameters:
    ///   - origin: The origin line, without its newline.
    ///   - size: The tree's size.
    ///   - rootHash: The tree's root hash, written in standard base64.
    ///   - extensions: Lines added after the root, each one line of text.
    /// - Returns: The lines, each ending in `\n`.
    public static func note(origin: String, size: UInt64, rootHash: ChainHash, extensions: [String] = [])
        throws(ProofError) -> String
    {
        try checkExtensions(extensions)
        return "\(origin)\n\(size)\n\(Base64.encode(rootHash.bytes))\n" + extensions.map { $0 + "\n" }.joined()
    }

    /// Refuses an extension line that is empty or holds a newline: each is one line of the note.
    /// - Parameter extensions: The extension lines of a note.
    /// - Throws: ``ProofError`` of field `note` naming the first line at fault (from 1).
    public static func checkExtensions(_ extensions: [String]) throws(ProofError) {
        for (index, line) in extensions.enumerated() where line.isEmpty || line.contains("\n") {
            throw ProofError(
                "note extension line \(index + 1) is empty or holds a newline: each is one line of text", field: "note")
        }
    }

    /// Signs the checkpoint of the tree of `size` leaves with root `rootHash`.
    /// - Parameters:
    ///   - origin: The origin line.
    ///   - size: The tree's size.
    ///   - rootHash: The tree's root hash.
    ///   - extensions: Lines added to the note after the root.
    ///   - key: The Ed25519 signing key.
    /// - Returns: The checkpoint with its note, signature and public key.
    /// - Throws: ``ProofError`` for an extension line at fault; the signing library's error when
    ///   signing fails.
    public static func signing(
        origin: String, size: UInt64, rootHash: ChainHash, extensions: [String] = [],
        with key: Curve25519.Signing.PrivateKey
    ) throws -> SignedCheckpoint {
        let note = try note(origin: origin, size: size, rootHash: rootHash, extensions: extensions)
        let signature = try key.signature(for: Array(note.utf8))
        return SignedCheckpoint(
            origin: origin, size: size, rootHash: rootHash, note: note,
            signature: signature.withUnsafeBytes { Array($0) },
            publicKey: key.publicKey.rawRepresentation.withUnsafeBytes { Array($0) })
    }

    init(origin: String, size: UInt64, rootHash: ChainHash, note: String, signature: [UInt8], publicKey: [UInt8]) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.note = note
        self.signature = signature
        self.publicKey = publicKey
    }

    /// Checks the signature of the note with the checkpoint's own `publicKey`, and, when
    /// `pinnedPublicKey` is given (the operator's key, published), that it is that key.
    /// - Throws: ``ProofError`` naming `publicKey` or `signature`.
    /// - Parameter pinnedPublicKey: The 32 bytes of the expected public key; `nil` to accept the
    ///   checkpoint's own.
    public func verifySignature(pinnedPublicKey: [UInt8]? = nil) throws(ProofError) {
        if let pinnedPublicKey, pinnedPublicKey != publicKey {
            throw ProofError(
                "the checkpoint is signed with the key \(Base64.encode(publicKey)), not with the pinned key \(Base64.encode(pinnedPublicKey))",
                field: "checkpoint.publicKey")
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw ProofError("checkpoint.publicKey is not an Ed25519 public key", field: "checkpoint.publicKey")
        }
        guard key.isValidSignature(signature, for: Array(note.utf8)) else {
            throw ProofError(
                "the checkpoint's signature does not verify: its note (size \(size), root \(rootHash)) was not signed by \(Base64.encode(publicKey))",
                field: "checkpoint.signature")
        }
    }

    /// The JSON object of interchange.md.
    public var json: JSONValue {
        .object([
            "origin": .string(origin), "size": .integer(Int64(size)), "rootHash": .string(rootHash.hex),
            "note": .string(note),
            "signature": .string(Base64.encode(signature)), "publicKey": .string(Base64.encode(publicKey)),
        ])
    }

    /// Reads the JSON object of interchange.md (a kept checkpoint file, the `checkpoint` of
    /// a proof file): every field well-formed, and the note saying the same origin, size
    /// and root. The signature is checked by ``verifySignature(pinnedPublicKey:)``.
    /// - Throws: ``ProofError`` naming the bad field (`context.field`).
    /// - Parameters:
    ///   - json: The checkpoint's JSON object.
    ///   - context: The name of the object in messages and in ``ProofError/field``.
    public init(json: JSONValue, context: String = "checkpoint") throws(ProofError) {
        let fields = try ProofFields(json, context: context)
        let origin = try fields.string("origin")
        guard !origin.isEmpty, !origin.contains("\n") else {
            throw ProofError("\(fields.name("origin")) is empty or holds a newline", field: fields.name("origin"))
        }
        let size = try fields.count("size")
        let rootHash = try fields.hash("rootHash")
        let note = try fields.string("note")
        guard let signature = Base64.decode(try fields.string("signature")), signature.count == 64 else {
            throw ProofError("\(fields.name("signature")) is not 64 bytes of base64", field: fields.name("signature"))
        }
        guard let publicKey = Base64.decode(try fields.string("publicKey")), publicKey.count == 32 else {
            throw ProofError("\(fields.name("publicKey")) is not 32 bytes of base64", field: fields.name("publicKey"))
        }
        let head = "\(origin)\n\(size)\n\(Base64.encode(rootHash.bytes))\n"
        guard note.hasPrefix(head), note.hasSuffix("\n"), !note.contains("\n\n") else {
            throw ProofError(
                "\(fields.name("note")) does not say the checkpoint's origin, size and root hash, one a line: it must begin with \"\(origin)\\n\(size)\\n\(Base64.encode(rootHash.bytes))\\n\"",
                field: fields.name("note"))
        }
        self.init(
            origin: origin, size: size, rootHash: rootHash, note: note, signature: signature, publicKey: publicKey)
    }

    /// Reads a kept checkpoint file's text: one JSON object.
    /// - Parameters:
    ///   - text: The file's text.
    ///   - context: The name of the object in messages.
    /// - Returns: The checkpoint, its signature not yet checked.
    /// - Throws: ``ProofError`` when the text is not JSON or is not a checkpoint.
    public static func parse(_ text: String, context: String = "checkpoint") throws(ProofError) -> SignedCheckpoint {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw ProofError("\(context) is not JSON: \(error)") }
        return try SignedCheckpoint(json: value, context: context)
    }
}
