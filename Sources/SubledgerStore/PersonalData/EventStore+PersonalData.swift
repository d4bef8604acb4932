/// Personal data (RET-1): the key file, disclosures, erasure.
extension EventStore {
    /// The key file the store seals and opens personal data with; `nil` without one. An
    /// erase replaces it by the next generation.
    public var keyFile: StoreKeyFile? { log.personalDataKeys.keyFile }

    /// Opens the store's key file at `path`, finishing or rolling back a master key
    /// rotation that a crash left half done, and uses it from now on.
    ///
    /// With `storePath` (the store's folder), a missing file is created (mode 0600, new
    /// keys) beside it, unless the store already sealed personal data: then the file that
    /// opens it is lost, and a new one would not.
    /// - Throws: ``StoreKeyFileError`` for a file that cannot be used or is of another
    ///   store or generation; ``EventStoreError`` when the store cannot be read.
    /// - Parameters:
    ///   - path: The key file's path.
    ///   - storePath: The store's folder, to create a missing file beside it; `nil` to only open one.
    /// - Returns: The key file now in use.
    @discardableResult
    public func openKeyFile(at path: String, creatingBesideStoreAt storePath: String? = nil) throws -> StoreKeyFile {
        let storeID = try storeID()
        let generation = try log.storedMasterKeyGeneration()
        let file: StoreKeyFile
        if let recovered = try KeyRotation.recover(at: path, storeID: storeID, storeGeneration: generation) {
            file = recovered
        } else if let storePath, generation == nil {
            file = try StoreKeyFile.openOrCreate(at: path, storeID: storeID, storePath: storePath)
        } else if let generation {
            throw StoreKeyFileError(
                path: path,
                "no key file at \(path), and the store's personal data is sealed under master key generation \(generation): name that key file with --key-file or SUBLEDGER_KEY_FILE (a new one would not open it)"
            )
        } else {
            file = try StoreKeyFile.open(at: path, storeID: storeID)  // throws: no file
        }
        log.personalDataKeys.keyFile = file
        return file
    }

    /// The store with `keyFile` opened again from its path, when there is one.
    func attaching(_ keyFile: StoreKeyFile?) throws -> EventStore {
        if let keyFile { try openKeyFile(at: keyFile.path) }
        return self
    }

    /// `event` with its clear personal values replaced by the commitments a retry of it
    /// makes (the salt depends on the subject's key and the event id), so that
    /// ``isRetry(_:of:)`` recognises it; unchanged when its subject has no key.
    /// - Parameter event: An event as proposed, possibly with clear personal values.
    /// - Returns: The event as a retry of it was stored, or `event` itself.
    /// - Throws: ``EventStoreError`` when the subject's key cannot be read or opened.
    public func committing(_ event: ProposedEvent) throws -> ProposedEvent {
        try log.committing(event)
    }

    /// The salts and clear values of the personal fields of the event at `position`,
    /// keyed `data.<member>`; `nil` when it has none or its subject was erased.
    /// - Throws: ``EventStoreError/Code/keysMissing`` when it has some and the store has
    ///   no key file (or one of another generation).
    /// - Parameter position: The event's position in the log, from 1.
    /// - Returns: The disclosures by key, or `nil`.
    public func disclosures(at position: UInt64) throws -> [String: Disclosure]? {
        try log.disclosures(at: position)
    }

    /// Erases subjects' personal data (RET-1), in one transaction: appends each
    /// `erasure` (such as `PersonalDataErased`), deletes each `subject`'s key and
    /// disclosures, and seals every other subject's key under a new master key, which
    /// replaces the key file's (generation + 1; see ``KeyRotation`` for the protocol that
    /// survives a crash). The old master key, which could open the erased keys where the
    /// store's free pages still hold them, is overwritten. Every hash stays as it was.
    /// - Throws: ``EventStoreError`` (``EventStoreError/Code/keysMissing`` without a key
    ///   file); nothing is written then.
    /// - Parameter erasures: Each subject to erase with the event that records it.
    /// - Returns: The positions of the erasure events and the new head.
    @discardableResult
    public func erase(_ erasures: [(subject: StreamID, erasure: ProposedEvent)]) throws -> AppendResult {
        try refuseIfReadOnly("to erase personal data")
        return try log.erase(erasures, crashAfter: nil)
    }

    /// ``erase(_:)`` that stops after `step` as a crash would: no clean-up (tests of the
    /// key-file protocol; open the store again to see what a crash leaves).
    /// - Parameters:
    ///   - erasures: Each subject to erase with the event that records it.
    ///   - step: The step of the key-file protocol after which to stop.
    /// - Throws: `SimulatedCrash` after `step`; ``EventStoreError`` as ``erase(_:)`` does.
    @_spi(Testing)
    public func erase(
        _ erasures: [(subject: StreamID, erasure: ProposedEvent)], simulatingCrashAfter step: KeyRotationStep
    ) throws {
        try refuseIfReadOnly("to erase personal data")
        _ = try log.erase(erasures, crashAfter: step)
    }
}
