import SubledgerLedger
import SubledgerStore

/// `import` and `apply` of more than ``FactLimits/eventsRecordedWithoutCheckpointMaximum``
/// events end with a signed checkpoint (issue 10, item 3), recorded after the commit.
extension FactFileRecording {
    /// The store's key file (created, mode 0600, beside the store when missing), whose key
    /// signs the checkpoint, when the input may record enough events to end with one.
    func keyFileForCheckpoint(of eventStore: EventStore, factCount: Int) throws -> StoreKeyFile? {
        guard factCount > FactLimits.eventsRecordedWithoutCheckpointMaximum else { return nil }
        return try store.keyFile(for: eventStore, creating: true)
    }

    /// Records the checkpoint once the recording is committed, when it recorded enough.
    /// The events are recorded whatever happens here: a failure says so, and how to finish.
    func checkpointing(
        _ summary: RecordingSummary, of eventStore: EventStore,
        signedWith keyFile: StoreKeyFile?
    ) throws -> RecordingSummary {
        guard let keyFile, summary.recorded > FactLimits.eventsRecordedWithoutCheckpointMaximum else { return summary }
        var summary = summary
        do {
            summary.checkpoint = try eventStore.recordCheckpoint(signingKey: keyFile.signingKey)
        } catch let error as EventStoreError {
            throw CommandFailure(
                "\(input.name): \(summary.recorded) events were recorded, but the checkpoint after them was not: \(error.message); run subledger checkpoint"
            )
        }
        return summary
    }
}
