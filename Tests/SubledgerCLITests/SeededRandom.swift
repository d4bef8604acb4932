/// SplitMix64: the seeded generator of the reliability tests, so a seed printed by a
/// failing run replays the same schedule.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// The seed in the environment variable `name`, or a new one.
    static func seed(from name: String, environment: [String: String]) -> UInt64 {
        environment[name].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(Int64.max))
    }
}
