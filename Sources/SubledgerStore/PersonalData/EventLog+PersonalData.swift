/// The log's operations on personal data (RET-1), whatever its backend.
protocol PersonalDataLog: Sendable {
    var personalDataKeys: PersonalDataKeys { get }
    func storedMasterKeyGeneration() throws -> UInt64?
    func disclosures(at position: UInt64) throws -> [String: Disclosure]?
    func committing(_ event: ProposedEvent) throws -> ProposedEvent
    func erase(_ erasures: [(subject: StreamID, erasure: ProposedEvent)], crashAfter: KeyRotationStep?) throws
        -> AppendResult
}

extension EventLog: PersonalDataLog {
    /// The generation of the master key the store's subject keys are sealed under.
    func storedMasterKeyGeneration() throws -> UInt64? {
        try wrapped("reading the master key generation") {
            try backend.read { transaction in try SubjectKeys.storedGeneration(in: transaction) }
        }
    }

    /// See ``EventStore/committing(_:)``.
    func committing(_ event: ProposedEvent) throws -> ProposedEvent {
        guard !event.personalFields.isEmpty, let keyFile = personalDataKeys.keyFile else { return event }
        return try wrapped("reading the key of \(event.stream)") {
            try backend.read { transaction in
                guard let key = try SubjectKeys.find(for: event.stream, keyFile: keyFile, in: transaction) else {
                    return event
                }
                return try PersonalDataSealer.committed(event, key: key)
            }
        }
    }

    /// The disclosures of the event at `position`: `nil` when it has none or its subject
    /// was erased. See ``EventStore/disclosures(at:)``.
    func disclosures(at position: UInt64) throws -> [String: Disclosure]? {
        try wrapped("reading the disclosures of position \(position)") {
            try backend.read { transaction -> [String: Disclosure]? in
                var symbols = symbolsSnapshot
                guard
                    let event = try decodeSequence(
                        from: position, limit: 1, previousHash: nil, verifyingHashes: false,
                        in: transaction, symbols: &symbols
                    ).first, event.position == position
                else {
                    throw EventStoreError(
                        .invalidEvent, "the log has no event at position \(position)", position: position)
                }
                let prefix = event.stream.keyPrefix
                let place = StoreKeys.streamVersion(prefix, position)
                guard let sealed = try transaction.get(.disclosures, key: place).map(Array.init),
                    try transaction.get(.subjectKeys, key: prefix) != nil
                else { return nil }
                guard let keyFile = personalDataKeys.keyFile else {
                    throw EventStoreError(
                        .keysMissing,
                        "the disclosures of position \(position) are sealed: the store needs its key file to read them (EventStore.Options.keyFile, --key-file)",
                        position: position)
                }
                try SubjectKeys.checkGeneration(of: keyFile, in: transaction)
                guard let key = try SubjectKeys.find(for: event.stream, keyFile: keyFile, in: transaction) else {
                    return nil
                }
                return try SealedDisclosures.open(sealed, place: place, key: key, position: position)
            }
        }
    }

    /// Appends the erasures and crypto-shreds their subjects in one transaction, under the
    /// key-file protocol of ``KeyRotation``. See ``EventStore/erase(_:)``.
    func erase(_ erasures: [(subject: StreamID, erasure: ProposedEvent)], crashAfter: KeyRotationStep?) throws
        -> AppendResult
    {
        let crash = { (step: KeyRotationStep) throws in if step == crashAfter { throw SimulatedCrash(step: step) } }
        guard let current = personalDataKeys.keyFile else {
            throw EventStoreError(
                .keysMissing,
                "erasing personal data needs the store's key file (EventStore.Options.keyFile, --key-file); nothing was written"
            )
        }
        for (index, item) in erasures.enumerated() {
            if let problem = StoreLimits.problem(of: item.erasure) ?? item.subject.problem {
                throw EventStoreError(
                    .invalidEvent, "erasure \(index + 1) (\(item.erasure.type)): \(problem); nothing was written",
                    stream: item.erasure.stream)
            }
        }
        let next = current.nextGeneration()
        try KeyRotation.writeNext(next)
        try crash(.nextWritten)
        var committedSymbols = SymbolTable()
        let result: AppendResult
        do {
            result = try backend.write { transaction in
                try SubjectKeys.checkGeneration(of: current, in: transaction)
                var batch = try AppendBatch(
                    log: self, transaction: transaction, symbols: symbolsSnapshot, now: clock.now())
                for item in erasures { try batch.add(item.erasure, expectations: [:]) }
                try batch.finishBatch()
                for subject in Set(erasures.map(\.subject)) { try Self.shred(subject, in: transaction) }
                try Self.reseal(from: current, to: next, in: transaction)
                try batch.finishTransaction()
                committedSymbols = batch.symbols
                return AppendResult(
                    positions: batch.positions, appendedCount: batch.appendedCount, headPosition: batch.headPosition)
            }
        } catch {
            KeyRotation.discardNext(of: current.path)
            throw EventStoreError.storage(error, while: "erasing the personal data of \(erasures.count) subjects")
        }
        publish(committedSymbols)
        personalDataKeys.keyFile = next
        try crash(.committed)
        do {
            try KeyRotation.finish(next, crash: crash)
        } catch let error as SimulatedCrash {
            throw error
        } catch {
            throw EventStoreError(
                .storage,
                "the erasure is recorded and the personal data is gone, but the new key file is still at \(KeyRotation.nextPath(of: next.path)): \(error); the next open of the store moves it into place"
            )
        }
        return result
    }

    /// Deletes the subject's key and every disclosure sealed under it.
    private static func shred(_ subject: StreamID, in transaction: Backend.Transaction) throws {
        let prefix = subject.keyPrefix
        try transaction.delete(.subjectKeys, key: prefix)
        var places: [[UInt8]] = []
        try transaction.scan(.disclosures, from: prefix) { entry in
            guard StoreKeys.hasPrefix(entry.key, prefix, totalLength: prefix.count + 8) else { return false }
            places.append(Array(entry.key))
            return true
        }
        for place in places { try transaction.delete(.disclosures, key: place) }
    }

    /// Seals every live subject key again under the next master key, and records its
    /// generation: from the commit on, only the next key file opens the store's keys.
    private static func reseal(from current: StoreKeyFile, to next: StoreKeyFile, in transaction: Backend.Transaction)
        throws
    {
        var entries: [(prefix: [UInt8], stored: [UInt8])] = []
        try transaction.scan(.subjectKeys, from: []) { entry in
            entries.append((Array(entry.key), Array(entry.value)))
            return true
        }
        for entry in entries {
            let subject = String(decoding: entry.prefix.dropLast(), as: UTF8.self).replacing("\u{0}", with: " ")
            let key = try SubjectKeys.unwrap(entry.stored, prefix: entry.prefix, under: current, naming: subject)
            try transaction.put(
                .subjectKeys, key: entry.prefix, value: try SubjectKeys.wrap(key, prefix: entry.prefix, under: next),
                mode: .upsert)
        }
        try SubjectKeys.writeGeneration(next.generation, in: transaction)
    }
}
