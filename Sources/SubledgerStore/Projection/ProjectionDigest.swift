internal import Crypto

/// A SHA-256 over a projection's records in key order (each key and value with its
/// length), to tell whether a rebuild wrote the same bytes as were there.
struct ProjectionDigest {
    private var hasher = SHA256()

    mutating func add(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        for bytes in [key, value] {
            var length = UInt64(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: bytes)
        }
    }

    func finish() -> [UInt8] { Array(hasher.finalize()) }
}
