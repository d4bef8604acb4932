/// An inclusion proof (RFC 9162 §2.1.3): the event at `leafIndex + 1` is in the tree of
/// `treeSize` leaves whose root is `rootHash`. Its JSON is interchange.md's
/// `{"leafIndex", "treeSize", "rootHash", "path"}`, hashes in lowercase hex.
public struct InclusionProof: Hashable, Sendable {
    /// The leaf's index, from 0: the event's position minus 1.
    public var leafIndex: UInt64
    /// The number of leaves (leading events) in the tree.
    public var treeSize: UInt64
    /// The root hash of that tree.
    public var rootHash: ChainHash
    /// The sibling hashes from the leaf up to the root.
    public var path: [ChainHash]

    /// A proof as given; ``verify(eventHash:)`` checks it.
    /// - Parameters:
    ///   - leafIndex: The leaf's index, from 0.
    ///   - treeSize: The number of leaves in the tree.
    ///   - rootHash: The tree's root hash.
    ///   - path: The sibling hashes from the leaf up.
    public init(leafIndex: UInt64, treeSize: UInt64, rootHash: ChainHash, path: [ChainHash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.path = path
    }

    /// Checks that this proof leads from the event whose chain hash is `eventHash` to
    /// `rootHash` (``MerkleTree/verifyInclusion(leafHash:leafIndex:treeSize:path:rootHash:)``).
    /// - Parameter eventHash: The event's chain `hash` (interchange.md).
    /// - Throws: ``ProofError`` saying why the proof does not verify.
    public func verify(eventHash: ChainHash) throws(ProofError) {
        try MerkleTree.verifyInclusion(
            leafHash: MerkleTree.leafHash(ofEvent: eventHash), leafIndex: leafIndex,
            treeSize: treeSize, path: path, rootHash: rootHash)
    }

    /// The JSON object of interchange.md.
    public var json: JSONValue {
        .object([
            "leafIndex": .integer(Int64(leafIndex)), "treeSize": .integer(Int64(treeSize)),
            "rootHash": .string(rootHash.hex), "path": .array(path.map { .string($0.hex) }),
        ])
    }

    /// Reads the JSON object of interchange.md; `context` names where it is in errors
    /// (`"inclusion"` in a proof file).
    /// - Parameters:
    ///   - json: The proof's JSON object.
    ///   - context: The name of the object in messages and in ``ProofError/field``.
    /// - Throws: ``ProofError`` naming the field that is missing, of the wrong type, or not a hash.
    public init(json: JSONValue, context: String = "inclusion") throws(ProofError) {
        let fields = try ProofFields(json, context: context)
        try self.init(
            leafIndex: fields.count("leafIndex"), treeSize: fields.count("treeSize"),
            rootHash: fields.hash("rootHash"), path: fields.path("path"))
    }
}

/// A consistency proof (RFC 9162 §2.1.4): the tree of `toSize` leaves extends the tree of
/// `fromSize` leaves, so nothing in the first was rewritten. JSON: `{"fromSize",
/// "toSize", "path"}`.
public struct ConsistencyProof: Hashable, Sendable {
    /// The size of the older tree, at least 1.
    public var fromSize: UInt64
    /// The size of the newer tree, at least ``fromSize``.
    public var toSize: UInt64
    /// The hashes of RFC 9162's consistency path.
    public var path: [ChainHash]

    /// A proof as given; ``verify(fromRoot:toRoot:)`` checks it.
    /// - Parameters:
    ///   - fromSize: The size of the older tree.
    ///   - toSize: The size of the newer tree.
    ///   - path: The consistency path.
    public init(fromSize: UInt64, toSize: UInt64, path: [ChainHash]) {
        self.fromSize = fromSize
        self.toSize = toSize
        self.path = path
    }

    /// Checks that the tree with root `toRoot` extends the tree with root `fromRoot`
    /// (``MerkleTree/verifyConsistency(fromSize:toSize:fromRoot:toRoot:path:)``).
    /// - Parameters:
    ///   - fromRoot: The root hash of the tree of ``fromSize`` leaves.
    ///   - toRoot: The root hash of the tree of ``toSize`` leaves.
    /// - Throws: ``ProofError`` saying why the proof does not verify.
    public func verify(fromRoot: ChainHash, toRoot: ChainHash) throws(ProofError) {
        try MerkleTree.verifyConsistency(
            fromSize: fromSize, toSize: toSize, fromRoot: fromRoot, toRoot: toRoot, path: path)
    }

    /// The JSON object of interchange.md.
    public var json: JSONValue {
        .object([
            "fromSize": .integer(Int64(fromSize)), "toSize": .integer(Int64(toSize)),
            "path": .array(path.map { .string($0.hex) }),
        ])
    }

    /// Reads the JSON object of interchange.md; `context` names where it is in errors.
    /// - Parameters:
    ///   - json: The proof's JSON object.
    ///   - context: The name of the object in messages and in ``ProofError/field``.
    /// - Throws: ``ProofError`` naming the field that is missing, of the wrong type, or not a hash.
    public init(json: JSONValue, context: String = "consistency") throws(ProofError) {
        let fields = try ProofFields(json, context: context)
        try self.init(fromSize: fields.count("fromSize"), toSize: fields.count("toSize"), path: fields.path("path"))
    }
}

/// The members of a proof or checkpoint object, read with errors that name the field.
struct ProofFields {
    let object: JSONObject
    let context: String

    init(_ value: JSONValue, context: String) throws(ProofError) {
        guard case .object(let object) = value else {
            throw ProofError("\(context) is not a JSON object", field: context)
        }
        self.object = object
        self.context = context
    }

    func name(_ field: String) -> String { "\(context).\(field)" }

    func member(_ field: String) throws(ProofError) -> JSONValue {
        guard let value = object[field] else { throw ProofError("\(name(field)) is missing", field: name(field)) }
        return value
    }

    func string(_ field: String) throws(ProofError) -> String {
        guard let text = try member(field).stringValue else {
            throw ProofError("\(name(field)) is not a string", field: name(field))
        }
        return text
    }

    /// A size or an index: a non-negative integer.
    func count(_ field: String) throws(ProofError) -> UInt64 {
        guard let value = try member(field).integerValue, value >= 0 else {
            throw ProofError("\(name(field)) is not a non-negative integer", field: name(field))
        }
        return UInt64(value)
    }

    func hash(_ field: String) throws(ProofError) -> ChainHash {
        let text = try string(field)
        guard let hash = ChainHash(hex: text) else {
            throw ProofError("\(name(field)) is not 64 lowercase hex digits: '\(text.prefix(80))'", field: name(field))
        }
        return hash
    }

    func path(_ field: String) throws(ProofError) -> [ChainHash] {
        guard case .array(let elements) = try member(field) else {
            throw ProofError("\(name(field)) is not an array", field: name(field))
        }
        // A path of a tree of 2^64 leaves has at most 64 hashes.
        guard elements.count <= 64 else {
            throw ProofError(
                "\(name(field)) has \(elements.count) hashes, more than the 64 of any tree", field: name(field))
        }
        var hashes: [ChainHash] = []
        for (index, element) in elements.enumerated() {
            guard let text = element.stringValue, let hash = ChainHash(hex: text) else {
                throw ProofError(
                    "\(name(field))[\(index)] is not 64 lowercase hex digits", field: "\(name(field))[\(index)]")
            }
            hashes.append(hash)
        }
        return hashes
    }
}
