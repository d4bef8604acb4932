import Testing
import SubledgerStore
import SubledgerStoreTesting

/// Issue 12, item 4: one SplitMix64 (``SplitMix64``) behind the tests' ``SeededRandom``,
/// the demo's `DemoRandom` and the benchmark's events, drawing the sequences they drew.
@Suite("The one seeded generator")
struct SplitMix64Tests {
    @Test("given seed 0, when drawn, then the reference sequence of SplitMix64 comes out")
    func referenceSequence() {
        var random = SplitMix64(seed: 0)
        let drawn = (0..<4).map { _ in random.next() }
        #expect(drawn == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    @Test("given a seed and a stream, when drawn, then the demo's per-line sequence is the one it always drew")
    func streamSequence() {
        var random = SplitMix64(seed: 42, stream: 7)
        let drawn = (0..<3).map { _ in random.next() }
        #expect(drawn == [0xF81B_36EE_A150_D484, 0x0BD9_A27E_D54E_1397, 0x0BAD_F5BA_D22B_9756])
        var other = SplitMix64(seed: 42, stream: 8)
        #expect(other.next() != drawn[0], "another stream draws another sequence")
    }

    @Test("given the same seed, when the tests' SeededRandom and SplitMix64 draw, then they draw the same")
    func seededRandomIsSplitMix64() {
        for seed: UInt64 in [0, 1, 4, UInt64.max] {
            var tests = SeededRandom(seed: seed)
            var house = SplitMix64(seed: seed)
            for _ in 0..<100 { #expect(tests.next() == house.next()) }
        }
    }
}
