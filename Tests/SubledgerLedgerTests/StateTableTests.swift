import Testing

@testable import SubledgerLedger

@Suite("StateTable: the states of many streams by name, as a dictionary holds them (issue 13)")
struct StateTableTests {
    @Test func holdsWhatADictionaryHoldsThroughAddsAndChanges() {
        var table = StateTable<Int?>()
        var dictionary: [String: Int?] = [:]
        var random = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            let name = "n\(Int.random(in: 0..<300, using: &random))"
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where table[name] == nil:
                table[name] = nil  // an `inout` access that found nothing: the name stays absent
                dictionary[name] = nil
            case 0, 1:
                table[name] = .some(nil)  // held, with no state: a stream loaded and found empty
                dictionary[name] = .some(nil)
            default:
                table[name] = step
                dictionary[name] = step
            }
        }
        #expect(table.count == dictionary.count)
        #expect(Set(table.names) == Set(dictionary.keys))
        for (name, value) in dictionary {
            #expect(table[name] == .some(value), "\(name)")
            let place = table.place(of: name)
            #expect(place.map { table.names[$0] } == name)
            #expect(place.map { table[place: $0] } == .some(value))
        }
        #expect(table["absent"] == nil)
        #expect(table.place(of: "absent") == nil)
    }

    @Test func aValueChangedInPlaceChangesOnlyThatName() {
        var table = StateTable<[Int]>()
        let first = table.add([1], for: "a")
        let second = table.add([2], for: "b")
        table[place: first].append(10)
        #expect(table["a"] == [1, 10])
        #expect(table["b"] == [2])
        #expect(second == 1 && table.values == [[1, 10], [2]])
    }

    @Test func aCopyIsAValue() {
        var table = StateTable<[Int]>()
        table.add([1], for: "a")
        let copy = table
        table[place: 0].append(2)
        table["b"] = [3]
        #expect(copy["a"] == [1])
        #expect(copy.count == 1)
        #expect(table["a"] == [1, 2])
    }

    @Test func mergeReplacesAndAddMissingKeeps() {
        var table = StateTable<Int>()
        table["a"] = 1
        table["b"] = 2
        var other = StateTable<Int>()
        other["b"] = 20
        other["c"] = 30
        var merged = table
        merged.merge(other)
        #expect(merged["a"] == 1 && merged["b"] == 20 && merged["c"] == 30 && merged.count == 3)
        var kept = table
        kept.add(missingFrom: other)
        #expect(kept["a"] == 1 && kept["b"] == 2 && kept["c"] == 30 && kept.count == 3)
    }
}
