/// The states of many streams by name, held compactly: what a `[String: Value]` holds, with
/// the values in one array and the dictionary mapping each name to its place (issue 13).
///
/// A dictionary keeps its values in its buckets, and keeps up to twice as many buckets as
/// entries: a ``LineState`` takes 432 bytes, so a dictionary of a million lines took about
/// 940 MB. Here each value takes its own size once, in insertion order (the array grows by
/// doubling, as any array does), and the buckets hold the name and a place: the import's
/// checking and the projection's rebuild each hold one state per stream of the log.
///
/// It has value semantics, as a dictionary has. Names are added and their values changed,
/// never removed: a fold holds every stream it touched until it is spent.
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
    /// the name. Setting a value adds the name or changes its value; setting `nil` leaves an
    /// absent name absent (an `inout` access that found nothing) and is a programming error
    /// for a name the table holds: nothing removes a name.
    subscript(name: String) -> Value? {
        get { places[name].map { values[$0] } }
        set {
            let place = places[name]
            if let newValue {
                if let place { values[place] = newValue } else { add(newValue, for: name) }
            } else if place != nil {
                preconditionFailure("a state table's names are never removed")
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
}

extension StateTable: Sendable where Value: Sendable {}
