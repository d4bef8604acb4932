import SubledgerStore
import SubledgerLedger

/// Simulates one line from its activation to the end of the demo: the subscriber's usage
/// and payments, the network's delivery receipts, and the operator's billing run and
/// working-morning checks. The operator's lawful actions go through ``Decider/decide`` (so
/// they carry `rule` and `policyEdition`); its scripted mistakes are recorded as plain
/// facts for the audit to find. Facts come out in recording order with `recordedAt` set.
struct DemoLineSimulator {
    let plan: DemoLinePlan
    /// The line's owner as the simulation knows them (a verification made again, KYC-1, updates it).
    var owner: SubscriberState
    let timeline: DemoTimeline
    let editions: PolicyEditions
    var random: DemoRandom

    var state: LineState?
    var facts: [LedgerFact] = []
    /// Actions the generator meant as lawful that `decide` refused, and other surprises.
    var anomalies: [String] = []

    var lastRecorded: Int64 = .min
    var pending: [Pending] = []
    var sequence = 0
    var noticeCount = 0
    var paymentCount = 0
    var lastInvoiceAt: Timestamp?
    var unbilled = Unbilled()
    var cutReason: LineSuspended.Reason?
    var defaultEnded = false
    var nextRevocationCheck = Timestamp.minimum
    var valuationAt: Timestamp?
    /// The facts count when `oldestUnpaidDue` was computed.
    var overdueCacheCount = -1
    var oldestUnpaidDue: Timestamp?
    /// Scripted windows: the operator's own checks stay quiet in them.
    var quietFrom = Timestamp.maximum
    var quietUntil = Timestamp.minimum
    var scriptedNoticeSent = false

    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000
    static let minute: Int64 = 60_000

    init(plan: DemoLinePlan, owner: SubscriberState, timeline: DemoTimeline, editions: PolicyEditions, seed: UInt64) {
        self.plan = plan
        self.owner = owner
        self.timeline = timeline
        self.editions = editions
        random = DemoRandom(seed: seed, stream: UInt64(plan.index) &+ 0x11AE_0000)
    }

    // MARK: What happens, in time order

    struct Pending {
        /// When it is recorded (the order of the simulation).
        var time: Timestamp
        /// When it happened (earlier than `time` for a payment recorded late).
        var occurredAt: Timestamp
        var sequence: Int
        var action: Action
    }

    enum Action {
        case billing(month: Int)
        case usage(amount: Rials, description: String)
        /// Usage that brings the debt to this percent of the threshold (roaming).
        case spike(percent: Int64, description: String)
        case payBalance(method: String)
        case payDebt(method: String)
        case receipt(noticeID: String, delivered: Bool)
        case resend(kind: NoticeSent.Kind)
        case restore
        case topUp(amount: Rials)
        case scripted(Step)
    }

    enum Step {
        case disputedCut, cutWithoutNotice, lateFee, otherLinesDebtCut(String), massCut
        /// CMP-1: the subscriber files a complaint (about the latest invoice when `aboutInvoice`).
        case fileComplaint(id: String, about: ComplaintFiled.About, channel: NoticeSent.Channel, aboutInvoice: Bool)
        /// CMP-1: the operator answers it, through the rules.
        case answerComplaint(id: String, outcome: ComplaintAnswered.Outcome)
        /// KYC-1: the cut notice, the suspension for `kyc`, the identity verified again, the restoration.
        case kycNotice, kycCut, kycVerified, kycRestore
        /// The notice of the one-way cut a scripted cut makes the day after (SUS-2 (a)).
        case cutNotice
        /// The suspension for kyc of the mass suspension (SUS-2 (c)).
        case kycSuspension
    }

    /// Charges recorded and not yet billed, by the invoice item they become (BIL-2).
    struct Unbilled {
        var calls: Rials = 0
        var data: Rials = 0
        var sms: Rials = 0
        var roaming: Rials = 0
        var reconnection: Rials = 0
        var lateFees: Rials = 0

        var items: [InvoiceIssued.Item] {
            [
                ("calls", calls), ("mobile data", data), ("SMS", sms), ("roaming", roaming),
                ("reconnection fee", reconnection),
                ("late payment fee", lateFees),
            ].filter { $0.1 > 0 }.map { InvoiceIssued.Item(description: $0.0, amount: $0.1) }
        }
    }

    mutating func schedule(_ action: Action, at time: Timestamp, occurredAt: Timestamp? = nil) {
        sequence += 1
        let item = Pending(time: time, occurredAt: occurredAt ?? time, sequence: sequence, action: action)
        var low = 0
        var high = pending.count
        while low < high {
            let middle = (low + high) / 2
            if (pending[middle].time, pending[middle].sequence) < (time, sequence) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        pending.insert(item, at: low)
    }

    // MARK: Running

    mutating func run() {
        activate()
        var morningIndex = timeline.morningIndex(atOrAfter: plan.activatedAt)
        let end = timeline.end
        // The operator's check starts a few minutes after 10:00 (before noon: no SUS-2).
        func morning(_ index: Int, _ random: inout DemoRandom) -> Timestamp {
            index < timeline.mornings.count
                ? timeline.mornings[index].adding(milliseconds: Int64(random.int(1...45)) * Self.minute) : .maximum
        }
        var nextMorning = morning(morningIndex, &random)
        while true {
            let nextPending = pending.first?.time ?? .maximum
            if min(nextPending, nextMorning) >= end { break }
            if nextPending <= nextMorning {
                let item = pending.removeFirst()
                handle(item)
            } else {
                operatorMorning(at: nextMorning)
                morningIndex += 1
                nextMorning = morning(morningIndex, &random)
            }
        }
    }

    mutating func activate() {
        let activated = LineActivated(
            subscriberID: owner.registration.subscriberID, service: plan.service, plan: plan.plan,
            connectionFee: plan.connectionFee, vanityPremium: plan.vanityPremium, noticeChannel: plan.noticeChannel)
        var fact = LedgerFact.line(
            plan.line, plan.activatedAt, .lineActivated(activated), metadata: ["actor": "operator"])
        let context = RuleContext(line: nil, subscriber: owner, editions: editions, calendar: timeline.calendar)
        let judgements = Rulebook.judge(fact, context: context)
        if let refusal = judgements.first(where: \.isForbidden) {
            anomalies.append("\(plan.number) activation refused: \(refusal)")
        }
        fact.metadata.merge(RuleJudgement.metadata(of: judgements)) { _, judged in judged }
        fact.metadata["policyEdition"] = editions.edition(at: plan.activatedAt).id
        record(fact, lag: 200)
        let paidAt = plan.activatedAt.adding(milliseconds: 2 * Self.minute)
        switch plan.plan {
        case .deposit:
            record(
                .line(
                    plan.line, paidAt, .depositPaid(DepositPaid(amount: plan.held)), metadata: ["actor": "subscriber"]
                ), lag: 900)
        case .guarantee:
            record(
                .line(
                    plan.line, paidAt, .guaranteePaid(GuaranteePaid(amount: plan.held)),
                    metadata: ["actor": "subscriber"]), lag: 900)
        case .noDeposit: break
        }
        if plan.plan != .noDeposit, random.chance(6) {
            let at = plan.activatedAt.adding(milliseconds: Int64(random.int(90...600)) * Self.day + 11 * Self.hour)
            schedule(.topUp(amount: plan.held / 2 / 100_000 * 100_000 + 100_000), at: at)
        }
        let firstMonth = timeline.month(of: plan.activatedAt) + 1
        scheduleMonth(after: plan.activatedAt, billingMonth: firstMonth)
        scheduleScript()
    }

    /// Schedules the set pieces of the line's part in the story (its `DemoPlan` script).
    mutating func scheduleScript() {
        switch plan.script {
        case .disputed(let spikeAt):
            schedule(.spike(percent: 86, description: "roaming data"), at: spikeAt)
            schedule(
                .spike(percent: 109, description: "roaming data"),
                at: spikeAt.adding(milliseconds: Self.day + 40 * Self.minute))
            let cutAt = timeline.thursdayAfternoon(
                atOrAfter: spikeAt.adding(milliseconds: 2 * Self.day), hour: 16, minute: 10)
            schedule(.scripted(.disputedCut), at: cutAt)
            quietFrom = spikeAt
            quietUntil = cutAt.adding(milliseconds: 2 * Self.day)
        case .cutWithoutNotice(let spikeAt):
            schedule(.spike(percent: 112, description: "roaming calls"), at: spikeAt)
            let cutAt = timeline.morning(atOrAfter: spikeAt.adding(milliseconds: Self.day)).adding(
                milliseconds: 20 * Self.minute)
            schedule(.scripted(.cutWithoutNotice), at: cutAt)
            quietFrom = spikeAt
            quietUntil = cutAt.adding(milliseconds: 2 * Self.day)
        case .otherLinesDebt(let debtLine, let at):
            schedule(.scripted(.otherLinesDebtCut(debtLine)), at: at)
        case .massSuspension(let at):
            schedule(.scripted(.kycSuspension), at: at)
        case .massCut(let at), .scheduledCut(let at):
            schedule(.scripted(.cutNotice), at: at.adding(milliseconds: -Self.day))
            schedule(.scripted(.massCut), at: at)
            quietFrom = at.adding(milliseconds: -30 * Self.day)
            quietUntil = at
        case .complaints(let firstAt):
            // Answered within the complaint's days; answered after them (a CMP-1 warning on
            // purpose); filed shortly before the end, owed an answer there.
            schedule(
                .scripted(.fileComplaint(id: "C-\(code)-1", about: .invoice, channel: .call, aboutInvoice: true)),
                at: firstAt)
            schedule(
                .scripted(.answerComplaint(id: "C-\(code)-1", outcome: .upheld)),
                at: timeline.morning(atOrAfter: firstAt.adding(days: 3)).adding(milliseconds: 25 * Self.minute))
            let second = firstAt.adding(milliseconds: 40 * Self.day + 2 * Self.hour)
            schedule(
                .scripted(.fileComplaint(id: "C-\(code)-2", about: .charge, channel: .app, aboutInvoice: false)),
                at: second)
            schedule(
                .scripted(.answerComplaint(id: "C-\(code)-2", outcome: .rejected)),
                at: timeline.morning(atOrAfter: second.adding(days: 19)).adding(milliseconds: 35 * Self.minute))
            schedule(
                .scripted(.fileComplaint(id: "C-\(code)-3", about: .other, channel: .sms, aboutInvoice: false)),
                at: timeline.end.adding(milliseconds: -4 * Self.day - 5 * Self.hour))
        case .kycRestoration(let at):
            schedule(.scripted(.kycNotice), at: at.adding(milliseconds: -50 * Self.minute))
            schedule(.scripted(.kycCut), at: at)
            schedule(.scripted(.kycVerified), at: at.adding(milliseconds: 2 * Self.day + 3 * Self.hour))
            schedule(.scripted(.kycRestore), at: at.adding(milliseconds: 2 * Self.day + 5 * Self.hour))
        default:
            break
        }
    }

    /// Schedules the usage of the period up to the billing run of `billingMonth`, and the run.
    mutating func scheduleMonth(after start: Timestamp, billingMonth: Int) {
        let billing = timeline.billingTime(month: billingMonth, day: plan.billingDay)
        guard billing < timeline.end.adding(milliseconds: 40 * Self.day) else { return }
        let length = billing.millisecondsSinceEpoch - start.millisecondsSinceEpoch
        if length > 4 * Self.day {
            let amount = plan.monthlyUsage * Rials(random.int(60...140)) / 100 / 100 * 100
            let description =
                plan.service == .mobile
                ? random.pick(["calls and data", "calls and data", "calls, data and SMS"]) : "calls"
            schedule(
                .usage(amount: max(1_000, amount), description: description),
                at: billing.adding(milliseconds: -Int64(random.int(26 * 60...80 * 60)) * Self.minute))
            // A busier mediation feed: more records in the period (no draw otherwise, so
            // the demo's lines keep their numbers).
            for part in stride(from: 1, to: plan.usageRecordsPerPeriod, by: 1) {
                let amount = plan.monthlyUsage * Rials(random.int(5...30)) / 100 / 100 * 100
                let at = start.adding(
                    milliseconds: length * Int64(part) / Int64(plan.usageRecordsPerPeriod) / Self.minute * Self.minute
                        + Int64(random.int(0...600)) * Self.minute)
                schedule(
                    .usage(amount: max(1_000, amount), description: plan.service == .mobile ? "mobile data" : "calls"),
                    at: at)
            }
            if random.chance(30) {
                let extra = plan.monthlyUsage * Rials(random.int(10...40)) / 100 / 100 * 100
                schedule(
                    .usage(amount: max(1_000, extra), description: plan.service == .mobile ? "mobile data" : "calls"),
                    at: start.adding(
                        milliseconds: length * Int64(random.int(25...65)) / 100 / Self.minute * Self.minute))
            }
            if random.chance(plan.spikePercent), plan.service == .mobile {
                let at = start.adding(
                    milliseconds: length * Int64(random.int(15...60)) / 100 / Self.minute * Self.minute)
                let trigger = editions.edition(at: at).noticeTriggerPercent(for: plan.plan)
                schedule(.spike(percent: trigger + Int64(random.int(3...15)), description: "roaming data"), at: at)
                if random.chance(50) {
                    schedule(
                        .spike(percent: Int64(random.int(104...118)), description: "roaming calls"),
                        at: at.adding(milliseconds: Int64(random.int(20...40)) * Self.hour))
                }
            }
        }
        schedule(.billing(month: billingMonth), at: billing)
    }
}
