/// The binary min-heap of a k-way merge: the indexes of its sources, the one whose current
/// key sorts first on top. The caller keeps the keys and says how two sources compare
/// (their keys, then their indexes, so that equal keys come out in source order), at each
/// call: the heap holds no key of its own. Used by the import's index runs
/// (``MergedIndexRuns``) and the demo's sorted runs of facts.
package struct MergeHeap {
    private var heap: [Int]

    /// A heap of `sources`, each with a current key.
    /// - Parameters:
    ///   - sources: The indexes of the sources that have a key.
    ///   - less: Whether the first source's key sorts before the second's.
    package init(_ sources: [Int], by less: (Int, Int) -> Bool) {
        heap = sources
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index, by: less) }
    }

    /// The source whose key sorts first; `nil` once every source has run out.
    package var first: Int? { heap.first }

    /// Puts the heap in order again after its first source moved on.
    /// - Parameters:
    ///   - hasMore: Whether that source has a next key (`false`: it leaves the heap).
    ///   - less: Whether the first source's key sorts before the second's.
    package mutating func firstAdvanced(hasMore: Bool, by less: (Int, Int) -> Bool) {
        guard !heap.isEmpty else { return }
        if !hasMore {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
        }
        if !heap.isEmpty { siftDown(0, by: less) }
    }

    private mutating func siftDown(_ start: Int, by less: (Int, Int) -> Bool) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, less(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, less(heap[right], heap[smallest]) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
