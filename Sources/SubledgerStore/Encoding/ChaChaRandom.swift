import Synchronization

/// A ChaCha20 keystream (RFC 8439's block function, 20 rounds) used as a random number
/// generator: a CSPRNG once its key is secret and random. ``EventID/random()`` draws from
/// one per process (``processWide``), keyed by a single `getrandom` (issue 13, item 3):
/// an id costs a quarter of a block (no allocation, no system call), not a `getrandom`.
///
/// Why a CSPRNG and not a fast statistical generator: event ids must not collide (a
/// repeated id is an idempotent retry, so a collision would drop a fact) and must not be
/// guessable from ids already seen (an id names an event in exports and proofs shared with
/// others). ChaCha20's output is indistinguishable from random without the key, so the ids
/// keep the 122 random bits of a version-4 UUID; a 64-bit block counter never repeats
/// within a process. The process never forks without exec (subprocesses are spawned), so
/// no two processes share a keystream.
public struct ChaChaRandom: RandomNumberGenerator, Sendable {
    /// The 16 words of the state: constants, key, 64-bit block counter (words 12, 13) and
    /// nonce (words 14, 15).
    private var state: Words
    typealias Words = (
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
    )
    /// The current block's output, as eight 64-bit words, and how many were used.
    private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0, 0, 0, 0, 0, 0, 0, 0
    )
    private var used = 8

    /// A generator keyed with `key` (8 words, little-endian key bytes), starting at block
    /// `counter` with `nonce` (words 14 and 15; RFC 8439's 96-bit nonce puts its first
    /// word in word 13, which here is the counter's high half).
    /// - Parameters:
    ///   - key: The 256-bit key as 8 words; any other count stops the process (a precondition).
    ///   - counter: The first block's number.
    ///   - nonce: Words 14 and 15 of the state.
    public init(key: [UInt32], counter: UInt64 = 0, nonce: (UInt32, UInt32) = (0, 0)) {
        precondition(key.count == 8, "a ChaCha20 key is 8 words")
        state = (
            0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574, key[0], key[1], key[2], key[3],
            key[4], key[5], key[6], key[7], UInt32(truncatingIfNeeded: counter),
            UInt32(truncatingIfNeeded: counter >> 32), nonce.0, nonce.1
        )
    }

    /// A generator keyed from the system's random source (one `getrandom` for 32 bytes).
    /// - Returns: A generator at block 0 with a fresh random key.
    public static func seededBySystem() -> ChaChaRandom {
        var system = SystemRandomNumberGenerator()
        var key: [UInt32] = []
        for _ in 0..<4 {
            let word: UInt64 = system.next()
            key.append(UInt32(truncatingIfNeeded: word))
            key.append(UInt32(truncatingIfNeeded: word >> 32))
        }
        return ChaChaRandom(key: key)
    }

    /// The process's generator for event ids, keyed on first use.
    private static let processWide = Mutex(ChaChaRandom.seededBySystem())

    /// Runs `body` with the process's generator, under its lock.
    static func withProcessWide<R>(_ body: (inout ChaChaRandom) -> R) -> R {
        processWide.withLock { body(&$0) }
    }

    /// The next 64 bits of keystream: a block (eight such words) is computed every eighth call.
    /// - Returns: A uniformly distributed 64-bit value.
    public mutating func next() -> UInt64 {
        if used == 8 { refill() }
        defer { used += 1 }
        return withUnsafeBytes(of: &block) { $0.load(fromByteOffset: used * 8, as: UInt64.self) }
    }

    /// The next 64 bytes of keystream (RFC 8439 section 2.3), as 16 little-endian words.
    /// - Returns: The block at the current counter; the counter moves on by one.
    public mutating func nextBlock() -> [UInt32] {
        var words = state
        computeBlock(into: &words)
        return withUnsafeBytes(of: words) { Array($0.bindMemory(to: UInt32.self)) }
    }

    /// The block function on the state, without allocating: `words` gets the block, the
    /// counter moves on by one.
    private mutating func computeBlock(into words: inout Words) {
        words = state
        withUnsafeMutableBytes(of: &words) { raw in
            let block = raw.bindMemory(to: UInt32.self)
            for _ in 0..<10 {
                Self.quarterRound(block, 0, 4, 8, 12)
                Self.quarterRound(block, 1, 5, 9, 13)
                Self.quarterRound(block, 2, 6, 10, 14)
                Self.quarterRound(block, 3, 7, 11, 15)
                Self.quarterRound(block, 0, 5, 10, 15)
                Self.quarterRound(block, 1, 6, 11, 12)
                Self.quarterRound(block, 2, 7, 8, 13)
                Self.quarterRound(block, 3, 4, 9, 14)
            }
            withUnsafeBytes(of: state) { input in
                for (index, word) in input.bindMemory(to: UInt32.self).enumerated() { block[index] &+= word }
            }
        }
        let counter = (UInt64(state.13) << 32 | UInt64(state.12)) &+ 1
        state.12 = UInt32(truncatingIfNeeded: counter)
        state.13 = UInt32(truncatingIfNeeded: counter >> 32)
    }

    private mutating func refill() {
        var words = state
        computeBlock(into: &words)
        withUnsafeMutableBytes(of: &block) { raw in
            withUnsafeBytes(of: words) { source in
                for (index, word) in source.bindMemory(to: UInt32.self).enumerated() {
                    raw.storeBytes(of: word.littleEndian, toByteOffset: index * 4, as: UInt32.self)
                }
            }
        }
        used = 0
    }

    /// RFC 8439's quarter round on words `a`, `b`, `c`, `d`: two add-xor-rotate steps on
    /// (a, b, d), each followed by one on (c, d, b).
    private static func quarterRound(
        _ words: UnsafeMutableBufferPointer<UInt32>, _ a: Int, _ b: Int, _ c: Int, _ d: Int
    ) {
        addXorRotate(words, a, b, d, 16)
        addXorRotate(words, c, d, b, 12)
        addXorRotate(words, a, b, d, 8)
        addXorRotate(words, c, d, b, 7)
    }

    /// `x += y; z ^= x; z <<<= bits`.
    private static func addXorRotate(
        _ words: UnsafeMutableBufferPointer<UInt32>, _ x: Int, _ y: Int, _ z: Int, _ bits: UInt32
    ) {
        words[x] &+= words[y]
        words[z] ^= words[x]
        words[z] = words[z] << bits | words[z] >> (32 - bits)
    }
}
