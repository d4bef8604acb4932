import ArgumentParser
import SubledgerStore

/// `subledger prove POSITION [--size N]` and `subledger prove --consistency M N`: the
/// Merkle proofs of RFC 9162 (interchange.md, "Checkpoints and proofs"; issue 10, item 3).
struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print an inclusion proof of one event, or a consistency proof between two tree sizes.",
        discussion: """
            prove POSITION: the RFC 9162 inclusion proof {leafIndex, treeSize, rootHash, path} \
            of the event at POSITION (leafIndex = POSITION - 1) in the tree of --size events \
            (default: the whole log). prove --consistency M N: the consistency proof \
            {fromSize, toSize, path} that the tree of N events extends the tree of M \
            (1 <= M <= N). Hashes in lowercase hex. Reads only; O(log n) reads of the store.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The position of the event to prove.") var position: UInt64?
    @Option(name: .long, help: ArgumentHelp("The tree's size (default: the head).", valueName: "N")) var size: UInt64?
    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Two tree sizes M N.", valueName: "M N"))
    var consistency: [UInt64] = []
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func validate() throws {
        if consistency.isEmpty {
            guard position != nil else { throw ValidationError("give POSITION, or --consistency M N") }
        } else {
            guard consistency.count == 2 else { throw ValidationError("--consistency takes two tree sizes, M N") }
            guard position == nil, size == nil else {
                throw ValidationError("--consistency M N takes no POSITION and no --size")
            }
        }
    }

    func run() throws {
        let eventStore = try store.openExistingStore(keepingProjections: false)
        do {
            if let position {
                let proof = try eventStore.inclusionProof(position: position, treeSize: size)
                if json {
                    JSONOutput.print(proof.json)
                } else {
                    print(
                        "position \(position): leafIndex \(proof.leafIndex), treeSize \(proof.treeSize), rootHash \(proof.rootHash)"
                    )
                    print(pathText(proof.path))
                }
            } else {
                let proof = try eventStore.consistencyProof(from: consistency[0], to: consistency[1])
                if json {
                    JSONOutput.print(proof.json)
                } else {
                    print("fromSize \(proof.fromSize), toSize \(proof.toSize)")
                    print(pathText(proof.path))
                }
            }
        } catch let error as EventStoreError {
            throw CommandFailure(error.message)
        }
    }

    private func pathText(_ path: [ChainHash]) -> String {
        "path (\(path.count) hashes)" + path.map { "\n  \($0)" }.joined()
    }
}
