/// Mutations of valid inputs for the fuzz tests: bit flips, truncations, insertions,
/// deletions, overwrites with random bytes, splices of two inputs, and bytes wholly at
/// random, in the manner of libFuzzer's mutators.
public struct ByteMutator: Sendable {
    /// Bytes worth inserting besides random ones (for JSON: its structural characters,
    /// escapes, digits and bytes that are never UTF-8).
    public var dictionary: [[UInt8]]

    /// A mutator that also inserts the words of `dictionary`.
    /// - Parameter dictionary: Bytes worth inserting besides random ones.
    public init(dictionary: [[UInt8]] = []) {
        self.dictionary = dictionary
    }

    /// One to four mutations of `input`, or of a splice of `input` and `other`.
    /// - Parameters:
    ///   - input: The valid input to spoil.
    ///   - other: A second input, for a splice.
    ///   - random: The seeded draws: the same seed, the same mutations.
    /// - Returns: The mutated bytes.
    public func mutate(_ input: [UInt8], splicingWith other: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            mutateOnce(&bytes, other: other, using: &random)
        }
        return bytes
    }

    private func mutateOnce(_ bytes: inout [UInt8], other: [UInt8], using random: inout SeededRandom) {
        switch random.below(dictionary.isEmpty ? 8 : 9) {
        case 0 where !bytes.isEmpty:  // flip one to three bits
            for _ in 0...random.below(3) {
                bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8))
            }
        case 1 where !bytes.isEmpty:  // truncate
            bytes.removeLast(1 + random.below(bytes.count))
        case 2:  // insert random bytes
            let insertion = (0...random.below(8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            bytes.insert(contentsOf: insertion, at: random.below(bytes.count + 1))
        case 3 where !bytes.isEmpty:  // delete a range
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(16)))
        case 4 where !bytes.isEmpty:  // overwrite a range with random bytes
            let start = random.below(bytes.count)
            for index in start..<min(bytes.count, start + 1 + random.below(8)) {
                bytes[index] = UInt8(truncatingIfNeeded: random.next())
            }
        case 5 where !bytes.isEmpty:  // set a byte to an edge value
            bytes[random.below(bytes.count)] = [0x00, 0x01, 0x7F, 0x80, 0xFF][random.below(5)]
        case 6 where !other.isEmpty:  // splice: a head of one, a tail of the other
            let head = bytes.prefix(random.below(bytes.count + 1))
            bytes = Array(head) + other.suffix(random.below(other.count + 1))
        case 7:  // bytes wholly at random
            bytes = (0..<random.below(300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 8:  // insert a dictionary word
            bytes.insert(contentsOf: dictionary[random.below(dictionary.count)], at: random.below(bytes.count + 1))
        default:
            bytes.append(UInt8(truncatingIfNeeded: random.next()))
        }
    }
}
