/// The key file a log uses for personal data, shared by its threads: set when the store
/// is opened with one (or ``EventStore/openKeyFile(at:creatingBesideStoreAt:)``), and
/// replaced by the next generation when an erase commits.
final class PersonalDataKeys: @unchecked Sendable {
    private let lock = Lock()
    /// Guarded by `lock`.
    private var current: StoreKeyFile?

    var keyFile: StoreKeyFile? {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
