/// The states of many streams by name, held compactly: what a `[String: Value]` holds, with
/// the values in one array and the dictionary mapping each name to its place (issue 13).
///
/// A dictionary keeps its values in its buckets, and keeps up to twice as many buckets as
/// entries: a ``LineState`` takes 432 bytes, so a dictionary of a million lines took about
/// 940 MB. Here each value takes its own size once, in insertion order (the array grows by
/// doubling, as any array does), and the buckets hold the name and a place: the import's
/// checking and the projection's rebuild each hold one state per stream of the log.
///
/// It has value semantics, as a dictionary has. Removing a name moves the last value into its
/// place, so the order of ``names`` is not kept across a removal.
struct StateTable<Value> {
    private var places: [String: Int] = [:]
    /// The names, in the order of ``values``.
    private(set) var names: ContiguousArray<String> = []
    /// The values, in the order their names were first added.
    private(set) var values: ContiguousArray<Value> = []

    /// An empty table.
    init() {}

    /// How many names the table holds.
    var count: Int { values.count }

    /// Where `name`'s value lies in ``values``; `nil` when the table does not hold it.
    func place(of name: String) -> Int? { places[name] }

    /// The value at `place` (from ``place(of:)`` or ``add(_:for:)``), read and changed where it lies.
    subscript(place place: Int) -> Value {
        get { values[place] }
        _modify { yield &values[place] }
    }

    /// Adds `value` under `name`, which the table does not hold yet.
    /// - Returns: where the value lies.
    @discardableResult
    mutating func add(_ value: Value, for name: String) -> Int {
        let place = values.count
        places[name] = place
        names.append(name)
        values.append(value)
        return place
    }

    /// The value under `name`, as a dictionary gives it: `nil` when the table does not hold
    /// the name; setting `nil` removes it.
    subscript(name: String) -> Value? {
        get { places[name].map { values[$0] } }
        set {
            if let place = places[name] {
                if let newValue { values[place] = newValue } else { remove(at: place) }
            } else if let newValue {
                add(newValue, for: name)
            }
        }
    }

    /// Takes in every entry of `other`, its value replacing the one held under the same name.
    mutating func merge(_ other: StateTable<Value>) {
        for (name, value) in zip(other.names, other.values) { self[name] = value }
    }

    /// Takes in every entry of `other` that this table does not hold.
    mutating func add(missingFrom other: StateTable<Value>) {
        for (name, value) in zip(other.names, other.values) where places[name] == nil { add(value, for: name) }
    }

    private mutating func remove(at place: Int) {
        let last = values.count - 1
        places[names[place]] = nil
        if place != last {
            values.swapAt(place, last)
            names.swapAt(place, last)
            places[names[place]] = place
        }
        values.removeLast()
        names.removeLast()
    }
}

extension StateTable: Sendable where Value: Sendable {}
