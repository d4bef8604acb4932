import Foundation
import SubledgerStore
import SubledgerStoreTesting
import Testing

/// Several processes that open one store folder that does not exist yet, all at the same
/// moment, all succeed: one creates folder, tables and format stamp, the others find them
/// (a race CI once lost: a writer's `mkdir` met the folder another had just made).
@Suite("Simultaneous creation: processes opening one new store at once all succeed")
struct SimultaneousCreationTests {
    static let rounds = 16
    static let processes = 6

    @Test func processesCreatingOneStoreAtOnceAllSucceed() throws {
        let sandbox = try Sandbox()
        for round in 1...Self.rounds {
            let store = sandbox.folder + "/new-store-\(round)"
            let children = try (1...Self.processes).map { writer in
                try StressChild(
                    [
                        "--db", store, "--seed", "\(round)", "--writer", "r\(round)w\(writer)", "--batches", "1",
                        "--streams", "2", "--largest-batch", "2",
                    ],
                    folder: sandbox.folder, name: "round-\(round)-writer-\(writer)")
            }
            for child in children {
                child.process.waitUntilExit()
                #expect(child.process.terminationStatus == 0, "round \(round): \(child.errors)")
            }
            let contents = try StressStoreContents(folder: store)
            #expect(contents.verification.isValid, "round \(round): \(contents.verification.problem ?? "")")
            #expect(contents.batches.count == Self.processes, "round \(round)")
        }
    }
}
