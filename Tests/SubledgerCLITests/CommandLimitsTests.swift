import Testing
import SubledgerStore
@testable import subledger

/// Issue 12, item 5: the CLI's line bounds are the store's (``StoreLimits``), written once,
/// and agree with what the store can export.
@Suite("The CLI's bounds are the store's")
struct CommandLimitsTests {
    @Test("given the bounds, then import and verify read lines of the stated sizes, and every export line fits both")
    func lineBounds() {
        #expect(FactFileRecording.maximumLineBytes == StoreLimits.importLineBytes)
        #expect(LineReader.defaultMaximumLineBytes == StoreLimits.verifiedLineBytes)
        #expect(StoreLimits.importLineBytes == 16 << 20)
        #expect(StoreLimits.verifiedLineBytes == 64 << 20)
        #expect(StoreLimits.exportedEventBytes <= FactFileRecording.maximumLineBytes)
        #expect(FactFileRecording.maximumLineBytes < LineReader.defaultMaximumLineBytes)
        #expect(
            FactFileRecording.maximumAttempts >= 1
                && FactFileRecording.maximumAttempts <= StoreLimits.conflictRetryAttempts)
    }
}
