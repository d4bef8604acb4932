import SubledgerStore
import SubledgerStoreTesting

/// Mutations of a parsed JSON value that keep it JSON, so the fuzzer reaches past the
/// parser into the reading of fields: a value replaced by one of another type or by an
/// extreme one, a member removed or added, a string emptied, lengthened or made a time
/// that is not RFC 3339.
struct JSONValueMutator {
    static let replacements: [JSONValue] = [
        .null, .bool(true), .integer(0), .integer(-1), .integer(Int64.max), .integer(Int64.min), .string(""),
        .string("2024-02-30T00:00:00Z"), .string("yesterday"), .string("+98"),
        .string(String(repeating: "x", count: 1200)),
        .array([]), .array([.integer(1)]), .object([:]), .object(["amount": .integer(5)]),
    ]

    static func mutate(_ value: JSONValue, using random: inout SubledgerStoreTesting.SeededRandom, depth: Int = 0)
        -> JSONValue
    {
        switch value {
        case .object(let object) where !object.isEmpty && depth < 4:
            var members = object.members.map { ($0.key, $0.value) }
            let index = random.below(members.count)
            switch random.below(5) {
            case 0: members.remove(at: index)
            case 1: members.append(("extra\(random.below(3))", replacements[random.below(replacements.count)]))
            case 2: members[index].1 = replacements[random.below(replacements.count)]
            default: members[index].1 = mutate(members[index].1, using: &random, depth: depth + 1)
            }
            return .object(JSONObject(members))
        case .array(var elements) where !elements.isEmpty && depth < 4:
            let index = random.below(elements.count)
            elements[index] = mutate(elements[index], using: &random, depth: depth + 1)
            if random.below(4) == 0 { elements.append(elements[index]) }
            return .array(elements)
        case .integer(let integer):
            return .integer(
                [integer &+ 1, integer &- 1, -integer == integer ? 0 : -integer, 0, Int64.max][random.below(5)])
        case .string(let text) where random.below(2) == 0:
            return .string(String(text.prefix(random.below(text.count + 1))))
        default:
            return replacements[random.below(replacements.count)]
        }
    }
}
