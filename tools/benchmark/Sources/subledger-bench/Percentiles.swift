/// The median, 99th percentile (nearest rank) and maximum of some durations.
struct Percentiles {
    var median: Double
    var p99: Double
    var maximum: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)]
        }
        median = rank(0.5)
        p99 = rank(0.99)
        maximum = sorted.last ?? .nan
    }
}
