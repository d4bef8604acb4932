import SubledgerStore
import SubledgerLedger

/// The demo's random population at scale, for the fact stream (``DemoFactStream``): the same
/// mix of individuals, companies and government bodies, plans, services and payment habits
/// as ``DemoPopulation``, planned one subscriber at a time (each from its own stream of the
/// seed, so that any part can be planned without the rest and memory stays flat), over a
/// shorter period that sets how many events a line has: the lines activate during the first
/// 85 % of the last `windowDays` days of the demo's timeline and live to its end.
///
/// Numbers are unique without remembering them: the last seven digits are a bijection of
/// the line's index (up to ten million lines), the prefix tells mobile from fixed.
struct DemoScalePopulation {
    let seed: UInt64
    let timeline: DemoTimeline
    let windowDays: Int
    /// Lines to plan (the long-lived line apart).
    let lineCount: Int
    /// Subscribers planned so far.
    private(set) var subscriberCount = 0
    /// Lines planned so far.
    private(set) var plannedLines = 0

    /// The most lines the numbering tells apart.
    static let maximumLines = 10_000_000
    /// Line index 0 and subscriber `S-0000001` are the long-lived line's
    /// (``DemoFactStream/longLine(seed:timeline:)``).
    static let firstLineIndex = 1
    static let firstSubscriberOrdinal = 1

    init(seed: UInt64, timeline: DemoTimeline, windowDays: Int, lineCount: Int) {
        self.seed = seed
        self.timeline = timeline
        self.windowDays = windowDays
        self.lineCount = lineCount
    }

    /// One subscriber with its lines and its onboarding (registration, identity check).
    struct Household {
        var subscriber: DemoSubscriber
        var lines: [DemoLinePlan]
        var onboarding: [LedgerFact]
        var owner: SubscriberState
    }

    /// The next subscriber, or `nil` once every line is planned.
    mutating func next() -> Household? {
        guard plannedLines < lineCount else { return nil }
        let ordinal = Self.firstSubscriberOrdinal + subscriberCount
        subscriberCount += 1
        var random = DemoRandom(seed: seed, stream: 0x5CA1_E000_0000 &+ UInt64(ordinal))
        let roll = random.int(1...100)
        let subscriber: DemoSubscriber
        var lineTotal: Int
        if roll <= 88 {
            subscriber = DemoSubscriber(
                id: Self.subscriberID(ordinal), kind: .individual, governmental: false,
                name: DemoNames.person(&random), nationalID: DemoNames.nationalCode(&random),
                documents: ["national-id-card"])
            let count = random.int(1...100)
            lineTotal = count <= 86 ? 1 : (count <= 98 ? 2 : 3)
        } else {
            let governmental = roll > 98
            subscriber = DemoSubscriber(
                id: Self.subscriberID(ordinal), kind: .legalEntity, governmental: governmental,
                name: governmental ? DemoNames.government(&random) : DemoNames.company(&random),
                nationalID: DemoNames.entityID(&random),
                documents: governmental
                    ? ["official-letter", "national-id-of-entity"]
                    : ["registration-gazette", "national-id-of-signatory"])
            lineTotal = governmental ? random.int(2...6) : random.int(1...4)
        }
        lineTotal = min(lineTotal, lineCount - plannedLines)

        let day: Int64 = 86_400_000
        let windowStart = timeline.end.adding(milliseconds: -Int64(windowDays) * day)
        let lastActivationDay = max(1, windowDays * 85 / 100)
        let firstDay = Int64(random.int(0...lastActivationDay))
        let isEntity = subscriber.kind == .legalEntity
        var lines: [DemoLinePlan] = []
        for index in 0..<lineTotal {
            let offset = min(
                firstDay + (index == 0 ? 0 : Int64(random.int(0...max(1, windowDays / 4)))), Int64(lastActivationDay))
            let activatedAt = windowStart.adding(
                milliseconds: offset * day + Int64(random.int(9 * 3600...19 * 3600)) * 1000)
            let service: Service =
                index == 0
                ? (random.chance(isEntity ? 50 : 85) ? .mobile : .fixed) : (random.chance(55) ? .mobile : .fixed)
            let planRoll = random.int(1...100)
            let plan: Plan =
                subscriber.governmental
                ? (planRoll <= 70 ? .guarantee : .noDeposit)
                : (planRoll <= 64 ? .noDeposit : (planRoll <= 84 ? .deposit : .guarantee))
            let lineIndex = Self.firstLineIndex + plannedLines
            plannedLines += 1
            var line = DemoPopulation.usualLine(
                index: lineIndex, number: Self.number(lineIndex, service: service, seed: seed, random: &random),
                subscriber: ordinal, service: service, plan: plan, activatedAt: activatedAt, random: &random)
            if service == .mobile, random.chance(1.5) {
                line.vanityPremium = random.rials(40_000_000...900_000_000, step: 1_000_000)
            }
            line.habit = habit(governmental: subscriber.governmental, activatedAt: activatedAt, random: &random)
            line.spikePercent = random.chance(5) ? 12 : 0.4
            lines.append(line)
        }
        let firstActivation = lines.map(\.activatedAt).min() ?? timeline.end
        let (onboarding, owner) = DemoGenerator.onboarding(of: subscriber, before: firstActivation, random: &random)
        return Household(subscriber: subscriber, lines: lines, onboarding: onboarding, owner: owner)
    }

    /// How a line of the population pays: a governmental owner sometimes late, else mostly
    /// prompt, some sometimes late, a few stopping some weeks after activation.
    /// - Parameters:
    ///   - governmental: Whether the owner is a governmental entity.
    ///   - activatedAt: When the line is activated.
    ///   - random: The household's draws.
    /// - Returns: The line's habit.
    private func habit(governmental: Bool, activatedAt: Timestamp, random: inout DemoRandom) -> PaymentHabit {
        let day: Int64 = 86_400_000
        let habitRoll = random.int(1...1000)
        if governmental {
            return .sometimesLate(percent: 35)
        } else if habitRoll <= 770 {
            return .prompt
        } else if habitRoll <= 930 {
            return .sometimesLate(percent: Double(random.int(8...35)))
        }
        // Stops paying from a billing run some weeks after activation.
        let life = Int((timeline.end.millisecondsSinceEpoch - activatedAt.millisecondsSinceEpoch) / day)
        let from = activatedAt.adding(milliseconds: Int64(random.int(20...max(21, life - 10))) * day)
        return .defaulter(from: from, paysBackAfterDays: random.chance(40) ? random.int(20...300) : nil)
    }

    /// `S-0000042`: seven digits, so that ids sort as they were made up to ten million.
    static func subscriberID(_ ordinal: Int) -> String {
        let number = String(ordinal)
        return "S-" + String(repeating: "0", count: max(0, 7 - number.count)) + number
    }

    /// The number of line `index`: a mobile (`+989…`, ten digits after 98) or fixed
    /// (`+98` area code, a digit 2–8 and seven digits) number whose last seven digits are
    /// `(7,654,321 × index + seed) mod 10⁷`, one-to-one for indexes below ten million.
    static func number(_ index: Int, service: Service, seed: UInt64, random: inout DemoRandom) -> String {
        let suffix = String((UInt64(index) &* 7_654_321 &+ seed % 10_000_000) % 10_000_000)
        let digits = String(repeating: "0", count: 7 - suffix.count) + suffix
        switch service {
        case .mobile: return "+989" + random.pick(DemoNames.mobilePrefixes).dropFirst() + digits
        case .fixed: return "+98" + random.pick(DemoNames.fixedPrefixes) + String(random.int(2...8)) + digits
        }
    }
}
