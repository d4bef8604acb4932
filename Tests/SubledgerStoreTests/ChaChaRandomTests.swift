import Testing
@testable import SubledgerStore

/// Event ids come from a ChaCha20 keystream keyed once per process (issue 13, item 3):
/// the block function is RFC 8439's, the ids are version-4 UUIDs, and no id repeats.
@Suite("Event ids: a ChaCha20 generator keyed by one getrandom")
struct ChaChaRandomTests {
    /// RFC 8439, section 2.3.2: key 00 01 .. 1f, nonce 00000009 0000004a 00000000, block 1.
    static func rfcGenerator(block: UInt64 = 1) -> ChaChaRandom {
        var key: [UInt32] = []
        for word in 0..<8 {
            var value: UInt32 = 0
            for byte in 0..<4 { value |= UInt32(word * 4 + byte) << UInt32(8 * byte) }
            key.append(value)
        }
        return ChaChaRandom(key: key, counter: block | UInt64(0x0900_0000) << 32, nonce: (0x4a00_0000, 0))
    }

    static let rfcBlock: [UInt32] = [
        0xe4e7_f110, 0x1559_3bd1, 0x1fdd_0f50, 0xc471_20a3, 0xc7f4_d1c7, 0x0368_c033, 0x9aaa_2204, 0x4e6c_d4c3,
        0x4664_82d2, 0x09aa_9f07, 0x05d7_c214, 0xa202_8bd9, 0xd19c_12b5, 0xb94e_16de, 0xe883_d0cb, 0x4e3c_50a2,
    ]

    @Test("given RFC 8439's key, nonce and counter, when one block is drawn, then it is the RFC's test vector")
    func blockFunctionMatchesRFC8439() {
        var generator = Self.rfcGenerator()
        #expect(generator.nextBlock() == Self.rfcBlock)
    }

    @Test("given the RFC generator, when 64-bit words are drawn, then they are the block's bytes in order")
    func wordsAreTheKeystreamInOrder() {
        var generator = Self.rfcGenerator()
        #expect(generator.next() == UInt64(Self.rfcBlock[1]) << 32 | UInt64(Self.rfcBlock[0]))
        for _ in 1..<7 { _ = generator.next() }
        #expect(generator.next() == UInt64(Self.rfcBlock[15]) << 32 | UInt64(Self.rfcBlock[14]))
        // The ninth word is the next block's first: the counter moved on by one.
        var following = Self.rfcGenerator(block: 2)
        let second = following.nextBlock()
        #expect(generator.next() == UInt64(second[1]) << 32 | UInt64(second[0]))
        #expect(second != Self.rfcBlock)
    }

    @Test("given the process's generator, when 200,000 event ids are made, then all are distinct version-4 UUIDs")
    func processWideIdsAreDistinctVersion4() {
        var seen = Set<EventID>()
        for _ in 0..<200_000 {
            let id = EventID.random()
            #expect(id.high & 0xF000 == 0x4000)
            #expect(id.low >> 62 == 0b10)
            seen.insert(id)
        }
        #expect(seen.count == 200_000)
    }

    @Test("given two generators seeded by the system, then their keystreams differ")
    func systemSeedsDiffer() {
        var first = ChaChaRandom.seededBySystem()
        var second = ChaChaRandom.seededBySystem()
        #expect(first.nextBlock() != second.nextBlock())
    }
}
