/// Where Python's `json` runs out of recursion in `tools/verify_export.py` (Python 3.11,
/// recursion limit 1000, the verifier run as a script), so that a line nested some 990
/// levels deep gets the same verdict and position here as there.
///
/// Python's scanner recurses once per array or object; it calls back into Python (a few
/// frames more) when an object closes (the duplicate-key hook) and on a float, NaN or
/// Infinity (the refusing callbacks). The verifier reads a line once ("fast path"); a line
/// it refuses is read again deeper in the stack ("slow path"), and a refused line a third
/// time, deeper still, to name its position ("salvage"). The limits and costs below were
/// measured on lines nested around the limits.
struct RecursionDepth {
    enum Kind {
        case array, object, objectClosed, objectClosedWithDuplicate, notAnInteger

        /// Python's message when this step runs out of recursion.
        var message: String {
            switch self {
            case .array: "maximum recursion depth exceeded while decoding a JSON array from a unicode string"
            case .object: "maximum recursion depth exceeded while decoding a JSON object from a unicode string"
            default: "maximum recursion depth exceeded while calling a Python object"
            }
        }
    }

    /// One step of the scan: which, and at what nesting level (the line's value is level 1).
    struct Step {
        var step: Int
        var kind: Kind
        var level: Int
    }

    /// The deepest level the fast path reaches.
    static let scanLimit = 995
    /// The deepest level the slow path reaches.
    static let slowScanLimit = 992
    /// The deepest level the salvage of a refused line's position reaches.
    static let salvageLimit = 990
    /// Steps shallower than this cannot matter.
    static let noteworthyLevel = 900

    let steps: [Step]

    /// The first step deeper than `limit`, counting the frames its callbacks need.
    func firstStep(beyond limit: Int, salvaging: Bool) -> (step: Int, message: String)? {
        for step in steps where step.level + cost(of: step.kind, salvaging: salvaging) > limit {
            return (step.step, step.kind.message)
        }
        return nil
    }

    private func cost(of kind: Kind, salvaging: Bool) -> Int {
        switch kind {
        case .array, .object: 0
        case .objectClosed: 2
        case .objectClosedWithDuplicate: salvaging ? 2 : 4
        // A number's level is one more than its container's: the callback costs 4 there.
        case .notAnInteger: salvaging ? 0 : 3
        }
    }
}
