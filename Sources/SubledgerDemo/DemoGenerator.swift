package import SubledgerStore
package import SubledgerLedger

/// What the generator made: every fact in recording order, each with its `recordedAt` and
/// an event id drawn from the seed, so the same seed gives the same store byte for byte.
package struct DemoGeneration: Sendable {
    /// The seed everything was drawn from.
    package var seed: UInt64
    /// The subscribers and lines as planned.
    package var population: DemoPopulation
    /// The time frame simulated.
    package var timeline: DemoTimeline
    /// Every fact, in the order it is recorded.
    package var facts: [LedgerFact]
    /// The lines where the operator breaks a rule on purpose.
    package var mistakeLines: Set<String>
    /// Actions meant to be lawful that `decide` refused, or facts that could not be folded:
    /// empty unless the generator or the rules have a bug.
    package var anomalies: [String]

    /// The lines the demo points a newcomer to (the population's).
    package var highlights: DemoHighlights { population.highlights }
}

/// The demo's generator: a realistic population of subscribers in debt over three years,
/// from a seed (see ``DemoPopulation`` for the story and ``DemoLineSimulator`` for how a
/// line lives).
package enum DemoGenerator: Sendable {
    /// The demo of `seed`: the story's lines and a random population, each line simulated with the
    /// operator's actions decided by the rules, the facts merged in recording order.
    ///
    /// - Parameters:
    ///   - seed: the seed of every draw: the same seed gives the same facts.
    ///   - subscribers: the subscribers wanted; the story's come first, so there may be more.
    ///   - editions: the editions the simulated operator's actions are decided under.
    ///   - calendar: the Tehran calendar.
    /// - Returns: the generation; its ``DemoGeneration/anomalies`` are empty unless something is wrong.
    package static func generate(
        seed: UInt64, subscribers: Int, editions: PolicyEditions = .builtIn,
        calendar: TehranCalendar = .standard
    ) -> DemoGeneration {
        let timeline = DemoTimeline(calendar: calendar)
        var population = DemoPopulation(seed: seed, subscriberCount: subscribers, timeline: timeline)
        var random = DemoRandom(seed: seed, stream: 0x5EED_0002)

        // Subscribers register and are verified (KYC-1) before their first line.
        var firstActivation = [Timestamp](repeating: .maximum, count: population.subscribers.count)
        for line in population.lines {
            firstActivation[line.subscriber] = min(firstActivation[line.subscriber], line.activatedAt)
        }
        var tracks: [[LedgerFact]] = []
        var owners: [SubscriberState] = []
        for (index, subscriber) in population.subscribers.enumerated() {
            let (facts, owner) = onboarding(of: subscriber, before: firstActivation[index], random: &random)
            owners.append(owner)
            tracks.append(facts)
        }

        // Each line lives on its own, from its own stream of the seed.
        var anomalies: [String] = []
        var lawfulCandidates: [(score: Int, number: String)] = []
        for plan in population.lines {
            var simulator = DemoLineSimulator(
                plan: plan, owner: owners[plan.subscriber], timeline: timeline, editions: editions, seed: seed)
            simulator.run()
            anomalies += simulator.anomalies
            tracks.append(simulator.facts)
            if plan.script == .none, case .prompt = plan.habit, let score = lawfulScore(simulator.facts) {
                lawfulCandidates.append((score, plan.number))
            }
        }
        population.highlights.lawfulLine =
            lawfulCandidates.max { $0.score < $1.score }?.number ?? population.lines.last?.number ?? ""

        // One log: every track merged by recording time; event ids drawn in that order.
        var keys: [(recorded: Int64, track: Int32, index: Int32)] = []
        keys.reserveCapacity(tracks.reduce(0) { $0 + $1.count })
        for (track, facts) in tracks.enumerated() {
            for (index, fact) in facts.enumerated() {
                keys.append(((fact.recordedAt ?? fact.occurredAt).millisecondsSinceEpoch, Int32(track), Int32(index)))
            }
        }
        keys.sort { ($0.recorded, $0.track, $0.index) < ($1.recorded, $1.track, $1.index) }
        let logPositions = positionsInLog(of: tracks, keys: keys)
        var ids = DemoRandom(seed: seed, stream: 0xE7E7_1D00)
        var facts: [LedgerFact] = []
        facts.reserveCapacity(keys.count)
        for key in keys {
            var fact = tracks[Int(key.track)][Int(key.index)]
            fact.eventID = EventID.random(using: &ids)
            // CMP-1: a complaint names the event it is about by its position in the log; the
            // simulation knew its place in the line's own facts (1-based).
            if case .complaintFiled(var complaint) = fact.event, let place = complaint.position {
                complaint.position = logPositions[key.track]?[Int(place) - 1]
                fact.event = .complaintFiled(complaint)
            }
            facts.append(fact)
        }
        let mistakes = Set(population.lines.filter(\.hasMistake).map(\.number))
        return DemoGeneration(
            seed: seed, population: population, timeline: timeline, facts: facts, mistakeLines: mistakes,
            anomalies: anomalies)
    }

    /// For each track holding a complaint about an event, the position in the log (of an
    /// empty store, as ``record(_:into:eventsPerTransaction:batchSize:)`` asks) of each of
    /// its facts, by its index in the track.
    private static func positionsInLog(of tracks: [[LedgerFact]], keys: [(recorded: Int64, track: Int32, index: Int32)])
        -> [Int32: [Int: UInt64]]
    {
        var complaining: Set<Int32> = []
        for (track, facts) in tracks.enumerated() {
            for fact in facts {
                if case .complaintFiled(let complaint) = fact.event, complaint.position != nil {
                    complaining.insert(Int32(track))
                }
            }
        }
        guard !complaining.isEmpty else { return [:] }
        var positions: [Int32: [Int: UInt64]] = [:]
        for (offset, key) in keys.enumerated() where complaining.contains(key.track) {
            positions[key.track, default: [:]][Int(key.index)] = UInt64(offset + 1)
        }
        return positions
    }

    /// The subscriber's registration and identity check (KYC-1), an hour or few before its
    /// first line's activation at `firstActivation`; and the subscriber's state after them.
    static func onboarding(
        of subscriber: DemoSubscriber, before firstActivation: Timestamp,
        random: inout DemoRandom
    ) -> (facts: [LedgerFact], owner: SubscriberState) {
        let registeredAt = firstActivation.adding(
            milliseconds: -Int64(random.int(60...180)) * 60_000 - random.milliseconds(seconds: 0, 59))
        let verifiedAt = registeredAt.adding(milliseconds: Int64(random.int(10...50)) * 60_000)
        let registration = SubscriberRegistered(
            subscriberID: subscriber.id, kind: subscriber.kind, governmental: subscriber.governmental,
            name: subscriber.name, nationalID: subscriber.nationalID)
        let facts = [
            LedgerFact(
                stream: .subscriber(subscriber.id), occurredAt: registeredAt,
                event: .subscriberRegistered(registration),
                metadata: ["actor": "sales"], recordedAt: registeredAt.adding(milliseconds: 400)),
            LedgerFact(
                stream: .subscriber(subscriber.id), occurredAt: verifiedAt,
                event: .identityVerified(IdentityVerified(documents: subscriber.documents)),
                metadata: ["actor": "kyc"], recordedAt: verifiedAt.adding(milliseconds: 700)),
        ]
        var owner: SubscriberState?
        for fact in facts { owner = try? SubscriberState.checkedEvolve(owner, fact) }
        return (facts, owner ?? SubscriberState(registration: registration, at: registeredAt))
    }

    /// How well a line shows the rules at work (threshold notices, cuts, restorations), or
    /// `nil` for a line with no cut.
    private static func lawfulScore(_ facts: [LedgerFact]) -> Int? {
        var score = 0
        var cuts = 0
        for fact in facts {
            switch fact.event {
            case .lineSuspended(let suspension):
                cuts += 1
                score += suspension.reason == .threshold ? 5 : 2
            case .lineRestored: score += 2
            case .noticeSent(let notice) where notice.kind.isThresholdNotice: score += 2
            case .noticeDeliveryFailed: score += 3
            default: break
            }
        }
        return cuts > 0 && facts.count < 160 ? score : nil
    }

    /// Records the generation into `store` (which should be empty) in a few large write
    /// transactions of batches.
    ///
    /// - Parameters:
    ///   - generation: what to record.
    ///   - store: the store, empty.
    ///   - eventsPerTransaction: the events of one write transaction.
    ///   - batchSize: the events of one append within it.
    /// - Returns: the store's head position after the last append; 0 when there are no facts.
    /// - Throws: the store's `EventStoreError` when an append fails; the transactions before it stay committed.
    @discardableResult
    package static func record(
        _ generation: DemoGeneration, into store: EventStore, eventsPerTransaction: Int = 100_000,
        batchSize: Int = 10_000
    ) throws -> UInt64 {
        var start = 0
        let facts = generation.facts
        var head: UInt64 = 0
        while start < facts.count {
            let end = min(start + eventsPerTransaction, facts.count)
            let proposed = facts[start..<end].map { $0.proposedEvent() }
            head = try store.withAppendSession { session in
                var last: UInt64 = 0
                var index = 0
                while index < proposed.count {
                    let upper = min(index + batchSize, proposed.count)
                    last = try session.append(Array(proposed[index..<upper])).headPosition
                    index = upper
                }
                return last
            }
            start = end
        }
        return head
    }
}
