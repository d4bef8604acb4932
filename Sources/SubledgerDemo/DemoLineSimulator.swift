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
    private(set) var owner: SubscriberState
    let timeline: DemoTimeline
    let editions: PolicyEditions
    var random: DemoRandom

    private(set) var state: LineState?
    private(set) var facts: [LedgerFact] = []
    /// Actions the generator meant as lawful that `decide` refused, and other surprises.
    private(set) var anomalies: [String] = []

    private var lastRecorded: Int64 = .min
    private var pending: [Pending] = []
    private var sequence = 0
    private var noticeCount = 0
    private var paymentCount = 0
    private var lastInvoiceAt: Timestamp?
    private var unbilled = Unbilled()
    private var cutReason: LineSuspended.Reason?
    private var defaultEnded = false
    private var nextRevocationCheck = Timestamp.minimum
    private var valuationAt: Timestamp?
    /// The facts count when `oldestUnpaidDue` was computed.
    private var overdueCacheCount = -1
    private var oldestUnpaidDue: Timestamp?
    /// Scripted windows: the operator's own checks stay quiet in them.
    private var quietFrom = Timestamp.maximum
    private var quietUntil = Timestamp.minimum
    private var scriptedNoticeSent = false

    private static let day: Int64 = 86_400_000
    private static let hour: Int64 = 3_600_000
    private static let minute: Int64 = 60_000

    init(plan: DemoLinePlan, owner: SubscriberState, timeline: DemoTimeline, editions: PolicyEditions, seed: UInt64) {
        self.plan = plan
        self.owner = owner
        self.timeline = timeline
        self.editions = editions
        random = DemoRandom(seed: seed, stream: UInt64(plan.index) &+ 0x11AE_0000)
    }

    // MARK: What happens, in time order

    private struct Pending {
        /// When it is recorded (the order of the simulation).
        var time: Timestamp
        /// When it happened (earlier than `time` for a payment recorded late).
        var occurredAt: Timestamp
        var sequence: Int
        var action: Action
    }

    private enum Action {
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

    private enum Step {
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
    private struct Unbilled {
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

    private mutating func schedule(_ action: Action, at time: Timestamp, occurredAt: Timestamp? = nil) {
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

    private mutating func activate() {
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
    private mutating func scheduleMonth(after start: Timestamp, billingMonth: Int) {
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

    // MARK: Handling what happens

    private mutating func handle(_ item: Pending) {
        let time = item.time
        switch item.action {
        case .billing(let month):
            guard let line = state, !line.isClosed else { return }
            bill(at: time)
            scheduleMonth(after: time, billingMonth: month + 1)
        case .usage(let amount, let description):
            guard state?.status == .active else { return }
            addUsage(amount, description, at: time)
        case .spike(let percent, let description):
            guard let line = state, line.status == .active else { return }
            let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
            let level = (terms.thresholdRials * percent + 99) / 100
            let amount = max(5_000, (level - line.debt + Rials(random.int(1_000...9_000))) / 100 * 100)
            addUsage(amount, description, at: time)
        case .payBalance(let method):
            guard let line = state, !line.isClosed else { return }
            let billedUnpaid = line.unpaidByInvoice.reduce(Rials(0)) { $0 + $1.unpaid }
            guard billedUnpaid > 0 else { return }
            pay(billedUnpaid, method: method, occurredAt: item.occurredAt, at: time)
        case .payDebt(let method):
            guard let line = state, !line.isClosed, line.debt > 0 else { return }
            if case .defaulter = plan.habit { defaultEnded = true }
            pay(line.debt, method: method, occurredAt: item.occurredAt, at: time)
        case .receipt(let noticeID, let delivered):
            let event: LedgerEvent =
                delivered
                ? .noticeDelivered(NoticeDelivered(noticeID: noticeID))
                : .noticeDeliveryFailed(NoticeDeliveryFailed(noticeID: noticeID))
            record(.line(plan.line, time, event, metadata: ["actor": "sms-gateway"]), lag: 300)
            if delivered, let notice = state?.notice(noticeID), notice.notice.kind.isThresholdNotice, respondsToNotices,
                random.chance(55)
            {
                schedule(
                    .payDebt(method: random.pick(["card", "app", "ussd"])),
                    at: time.adding(milliseconds: Int64(random.int(1...20)) * Self.hour))
            }
            if !delivered, !inQuietWindow(time) {
                schedule(
                    .resend(kind: state?.notice(noticeID)?.notice.kind ?? .thresholdWarning),
                    at: time.adding(milliseconds: Int64(random.int(60...180)) * Self.minute))
            }
        case .resend(let kind):
            guard let line = state, line.status == .active else { return }
            let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
            if kind.isThresholdNotice, case .success = line.standingThresholdNotice(at: time, editions: editions) {
                return
            }
            guard !kind.isThresholdNotice || terms.noticeIsDue(line.debt) else { return }
            // By another channel than the one that failed (BIL-4 allows it after a failure, DLV-1).
            sendNotice(
                kind, channel: line.noticeChannel == .call ? .sms : .call, at: time,
                deadline: terms.noticeMinimumDeadline(from: time), failure: 0)
        case .restore:
            guard let line = state, line.status == .oneWay || line.status == .twoWay, canRestore(line, at: time) else {
                return
            }
            let fee: Rials = random.chance(20) ? 30_000 : 0
            if decide(.restore(reconnectionFee: fee), at: time) {
                unbilled.reconnection += fee
                cutReason = nil
            }
        case .topUp(let amount):
            guard let line = state, !line.isClosed else { return }
            let event: LedgerEvent =
                line.plan == .deposit
                ? .depositPaid(DepositPaid(amount: amount)) : .guaranteePaid(GuaranteePaid(amount: amount))
            record(.line(plan.line, time, event, metadata: ["actor": "subscriber"]), lag: 1_500)
        case .scripted(let step):
            scripted(step, at: time)
        }
    }

    private var respondsToNotices: Bool {
        if case .defaulter = plan.habit, !defaultEnded { return false }
        if case .disputed = plan.script { return false }
        return true
    }

    private mutating func addUsage(_ amount: Rials, _ description: String, at time: Timestamp) {
        record(
            .line(
                plan.line, time, .usageRecorded(UsageRecorded(amount: amount, description: description)),
                metadata: ["actor": "mediation"]),
            lag: random.milliseconds(seconds: 1, 90))
        if description.hasPrefix("roaming") {
            unbilled.roaming += amount
        } else if description == "mobile data" {
            unbilled.data += amount
        } else if plan.service == .fixed || description == "calls" {
            unbilled.calls += amount
        } else {
            let calls = amount * 55 / 100
            let sms = description.contains("SMS") ? amount / 10 : 0
            unbilled.calls += calls
            unbilled.sms += sms
            unbilled.data += amount - calls - sms
        }
    }

    private mutating func pay(_ amount: Rials, method: String, occurredAt: Timestamp, at time: Timestamp) {
        paymentCount += 1
        let id = "P-\(code)-\(paymentCount)"
        let lag =
            time == occurredAt
            ? random.milliseconds(seconds: 1, 30) : time.millisecondsSinceEpoch - occurredAt.millisecondsSinceEpoch
        record(
            .line(
                plan.line, occurredAt,
                .paymentReceived(PaymentReceived(paymentID: id, amount: amount, method: method)),
                metadata: ["actor": method == "bank" ? "bank" : "subscriber"]),
            lag: lag)
        // A line suspended for kyc is restored once the identity is verified, not by a payment.
        if cutReason != .kyc, let line = state, line.status == .oneWay || line.status == .twoWay,
            canRestore(line, at: time)
        {
            schedule(.restore, at: time.adding(milliseconds: Int64(random.int(10...90)) * Self.minute))
        }
    }

    private func canRestore(_ line: LineState, at time: Timestamp) -> Bool {
        let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
        return line.overdue(at: time) == 0 && !terms.cutLevelReached(line.debt)
    }

    // MARK: Billing (BIL-1..3)

    private mutating func bill(at time: Timestamp) {
        guard let line = state, line.unbilled > 0 else { return }
        var items = unbilled.items
        if items.reduce(Rials(0), { $0 + $1.amount }) != line.unbilled {
            anomalies.append("\(plan.number): unbilled items \(items) do not add up to \(line.unbilled)")
            items = [InvoiceIssued.Item(description: "charges", amount: line.unbilled)]
        }
        let local = timeline.calendar.solarHijriDate(of: time)
        let invoiceID = "INV-\(code)-\(local.year)\(local.month < 10 ? "0" : "")\(local.month)"
        let action = OperatorAction.issueInvoice(
            invoiceID: invoiceID, periodStart: lastInvoiceAt ?? plan.activatedAt, periodEnd: time,
            items: items, dueAt: nil)
        guard decide(action, at: time, actor: "billing") else { return }
        lastInvoiceAt = time
        unbilled = Unbilled()
        let due = editions.edition(at: time).invoicePaymentDeadline(issuedAt: time, calendar: timeline.calendar)
        schedulePayment(issuedAt: time, due: due)
    }

    private mutating func schedulePayment(issuedAt time: Timestamp, due: Timestamp) {
        let method = random.pick(["card", "card", "app", "ussd", "bank"])
        let payHour = Int64(random.int(8 * 60...22 * 60)) * Self.minute
        switch plan.script {
        case .lateFee(let month) where timeline.month(of: time) == month:
            schedule(.payBalance(method: "card"), at: due.adding(milliseconds: 16 * Self.day + 5 * Self.hour))
            schedule(
                .scripted(.lateFee),
                at: timeline.morning(atOrAfter: due.adding(days: 8)).adding(milliseconds: 15 * Self.minute))
            return
        case .massCut(let at) where time < at && time >= at.adding(days: -25),
            .scheduledCut(let at) where time < at && time >= at.adding(days: -25):
            schedule(
                .payBalance(method: "app"),
                at: at.adding(milliseconds: Int64(random.int(3...12)) * Self.day + 4 * Self.hour))
            return
        case .bankDelay(let month) where timeline.month(of: time) == month:
            let paidAt = due.adding(milliseconds: 2 * Self.day + 6 * Self.hour)
            schedule(
                .payBalance(method: "bank"), at: due.adding(milliseconds: 9 * Self.day + 11 * Self.hour),
                occurredAt: paidAt)
            return
        case .disputed:
            schedule(
                .payBalance(method: "card"),
                at: time.adding(milliseconds: Int64(random.int(1...2)) * Self.day + payHour))
            return
        default:
            break
        }
        switch plan.habit {
        case .prompt:
            schedule(
                .payBalance(method: method),
                at: time.adding(milliseconds: Int64(random.int(1...13)) * Self.day + payHour))
        case .sometimesLate(let percent):
            if random.chance(percent) {
                schedule(
                    .payBalance(method: method),
                    at: due.adding(milliseconds: Int64(random.int(2...30)) * Self.day + payHour))
            } else {
                schedule(
                    .payBalance(method: method),
                    at: time.adding(milliseconds: Int64(random.int(2...14)) * Self.day + payHour))
            }
        case .defaulter(let from, _):
            if time < from || defaultEnded {
                schedule(
                    .payBalance(method: method),
                    at: time.adding(milliseconds: Int64(random.int(1...13)) * Self.day + payHour))
            }
        }
    }

    // MARK: The operator's working morning

    private func inQuietWindow(_ time: Timestamp) -> Bool { time >= quietFrom && time <= quietUntil }

    private mutating func operatorMorning(at time: Timestamp) {
        guard let line = state else { return }
        switch line.status {
        case .active:
            guard line.debt > 0 else { return }
            let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
            if terms.noticeIsDue(line.debt) {
                if case .disputed = plan.script, inQuietWindow(time) {
                    if !scriptedNoticeSent {
                        scriptedNoticeSent = true
                        sendNotice(
                            .thresholdWarning, channel: line.noticeChannel, at: time,
                            deadline: terms.noticeMinimumDeadline(from: time), failure: 100)
                    }
                    return
                }
                if inQuietWindow(time), case .cutWithoutNotice = plan.script { return }
                switch line.standingThresholdNotice(at: time, editions: editions) {
                case .failure:
                    let kind: NoticeSent.Kind =
                        line.plan == .noDeposit && !terms.cutLevelReached(line.debt)
                        ? .thresholdWarning : .thresholdReached
                    sendNotice(
                        kind, channel: line.noticeChannel, at: time,
                        deadline: terms.noticeMinimumDeadline(from: time), failure: 5)
                    return
                case .success(let standing):
                    if time >= standing.effectiveDeadline, terms.cutLevelReached(line.debt) {
                        cut(.oneWay, .threshold, at: time)
                        return
                    }
                }
            }
            if !inQuietWindow(time), let due = oldestUnpaidDue(line),
                time >= due.adding(days: Int64(plan.operatorDelayDays)),
                line.overdue(at: time) > 0
            {
                cut(.oneWay, .overdue, at: time)
            }
        case .oneWay:
            let since = line.oneWaySince ?? line.statusSince
            guard time >= since.adding(days: Int64(editions.edition(at: time).oneWayMinimumDays) + 1) else { return }
            let reason = cutReason ?? .overdue
            let owed = reason == .overdue ? line.overdue(at: time) : line.debt
            if owed > 0 { cut(.twoWay, reason, at: time) }
        case .twoWay:
            guard line.debt > 0 else { return }
            if line.writtenWarning(at: time, edition: editions.edition(at: time)) != nil {
                guard time >= nextRevocationCheck else { return }
                let edition = editions.edition(at: time)
                guard
                    let terms = GraceTerms(
                        line: line, subscriber: owner, at: time, edition: edition, calendar: timeline.calendar)
                else { return }
                // The operator keeps the line as long as LEG-1 and VAN-1 say it may.
                if time >= terms.keptUntil {
                    _ = decide(.revoke(reason: "debt unpaid after the grace of the written warning"), at: time)
                } else {
                    nextRevocationCheck = terms.keptUntil
                }
            } else if time >= line.statusSince.adding(days: 7) {
                if decide(.sendWrittenWarning(channel: .letter), at: time), let notice = state?.notices.last {
                    schedule(
                        .receipt(noticeID: notice.notice.noticeID, delivered: true),
                        at: time.adding(milliseconds: Int64(random.int(2...5)) * Self.day))
                }
            }
        case .revoked, .sold:
            closing(line, at: time)
        case .terminated:
            return  // the demo does not terminate lines; a terminated one owes nothing
        }
    }

    /// After revocation: the expert's price and the auction of a vanity number (VAN-2), the
    /// subscription's value of a ten-year legal entity's line (LEG-2), the refund (VAN-3).
    private mutating func closing(_ line: LineState, at time: Timestamp) {
        let closedAt = line.revokedAt ?? line.statusSince
        switch plan.script {
        case .vanityAuction(let valuation, let price):
            if line.expertValuation == nil {
                if time >= closedAt.adding(days: 20), decide(.recordExpertValuation(amount: valuation), at: time) {
                    valuationAt = time
                }
                return
            }
            if line.status == .revoked {
                if time >= (valuationAt ?? closedAt).adding(days: 25) {
                    _ = decide(.sellAtAuction(price: price), at: time)
                }
                return
            }
        case .tenYearLegalEntity(let value):
            if line.subscriptionValue == nil {
                if time >= closedAt.adding(days: 30) { _ = decide(.settleSubscriptionValue(value: value), at: time) }
                return
            }
        default:
            break
        }
        let owed = NettingStatement(
            line: line, countHeldAmounts: editions.edition(at: time).netDepositAndGuaranteeAtRevocation
        ).refundDue
        if owed > 0, plan.paysRefund, time >= (line.soldAt ?? closedAt).adding(days: 12) {
            _ = decide(.payRefund(amount: nil), at: time)
        }
    }

    private mutating func oldestUnpaidDue(_ line: LineState) -> Timestamp? {
        if overdueCacheCount != facts.count {
            overdueCacheCount = facts.count
            oldestUnpaidDue = line.unpaidByInvoice.first { $0.unpaid > 0 }?.invoice.invoice.dueAt
        }
        return oldestUnpaidDue
    }

    private mutating func cut(_ direction: LineSuspended.Direction, _ reason: LineSuspended.Reason, at time: Timestamp)
    {
        // The lawful operator tells the line about the cut first (SUS-2 (a)): without a
        // threshold notice or a cut notice since the line's last change of status, it sends
        // the cut notice this morning and cuts on a later one.
        if let line = state,
            SuspensionPatterns.priorNotice(
                about: LineSuspended(direction: direction, reason: reason, debtLine: plan.number),
                line: line, before: time) == nil
        {
            sendNotice(
                direction == .oneWay ? .oneWayCut : .twoWayCut, channel: .sms, at: time, deadline: nil, failure: 0)
            return
        }
        guard decide(.cut(direction: direction, reason: reason), at: time) else { return }
        cutReason = reason
        if let notice = state?.notices.last, notice.sentAt == time {
            schedule(
                .receipt(noticeID: notice.notice.noticeID, delivered: true),
                at: time.adding(milliseconds: random.milliseconds(seconds: 3, 40)))
        }
        afterCut(direction, reason, at: time)
    }

    /// The subscriber's answer to a cut.
    private mutating func afterCut(
        _ direction: LineSuspended.Direction, _ reason: LineSuspended.Reason, at time: Timestamp
    ) {
        if case .defaulter(_, let paysBack) = plan.habit, !defaultEnded {
            if direction == .twoWay, let days = paysBack {
                schedule(
                    .payDebt(method: "bank"), at: time.adding(milliseconds: Int64(days) * Self.day + 3 * Self.hour))
            }
            return
        }
        if reason == .threshold {
            schedule(
                .payDebt(method: random.pick(["card", "app"])),
                at: time.adding(milliseconds: Int64(random.int(3...70)) * Self.hour))
        }
    }

    private mutating func sendNotice(
        _ kind: NoticeSent.Kind, channel: NoticeSent.Channel, at time: Timestamp, deadline: Timestamp?, failure: Double
    ) {
        guard decide(.sendNotice(kind: kind, channel: channel, deadline: deadline), at: time),
            let notice = state?.notices.last
        else { return }
        let delivered = !random.chance(failure)
        schedule(
            .receipt(noticeID: notice.notice.noticeID, delivered: delivered),
            at: time.adding(
                milliseconds: delivered ? random.milliseconds(seconds: 3, 40) : random.milliseconds(seconds: 60, 600)))
    }

    // MARK: The operator's mistakes and the story's set pieces

    private mutating func scripted(_ step: Step, at time: Timestamp) {
        guard let line = state else { return }
        switch step {
        case .disputedCut:
            // The threshold notice failed (DLV-1); the operator cuts anyway.
            guard line.status == .active else {
                anomalies.append("\(plan.number): the disputed cut found the line \(line.status)"); return
            }
            mistake(
                .noticeSent(
                    NoticeSent(noticeID: nextNoticeID(), kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)),
                at: time)
            mistake(
                .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: plan.number)), at: time)
            cutReason = .threshold
            schedule(.payDebt(method: "card"), at: time.adding(milliseconds: 45 * Self.minute))
        case .cutWithoutNotice:
            guard line.status == .active else {
                anomalies.append("\(plan.number): the cut without notice found the line \(line.status)"); return
            }
            mistake(
                .lineSuspended(LineSuspended(direction: .oneWay, reason: .threshold, debtLine: plan.number)), at: time)
            cutReason = .threshold
            schedule(.payDebt(method: "app"), at: time.adding(milliseconds: Int64(random.int(3...8)) * Self.hour))
        case .lateFee:
            let overdue = line.overdue(at: time)
            guard overdue > 0 else { anomalies.append("\(plan.number): nothing overdue for the late fee"); return }
            let fee = max(10_000, overdue * 5 / 100 / 1_000 * 1_000)
            mistake(.lateFeeCharged(LateFeeCharged(amount: fee)), at: time)
            unbilled.lateFees += fee
        case .otherLinesDebtCut(let debtLine):
            guard line.status == .active else {
                anomalies.append("\(plan.number): the other line's cut found the line \(line.status)"); return
            }
            mistake(
                .noticeSent(
                    NoticeSent(noticeID: nextNoticeID(), kind: .oneWayCut, channel: .sms, deadline: nil, fee: 0)),
                at: time)
            mistake(.lineSuspended(LineSuspended(direction: .oneWay, reason: .overdue, debtLine: debtLine)), at: time)
            cutReason = .overdue
            schedule(.restore, at: time.adding(milliseconds: 2 * Self.day + 50 * Self.minute))
        case .massCut:
            guard line.status == .active, line.overdue(at: time) > 0 else {
                anomalies.append(
                    "\(plan.number): the mass cut found the line \(line.status), overdue \(line.overdue(at: time))")
                return
            }
            cut(.oneWay, .overdue, at: time)
        case .fileComplaint(let id, let about, let channel, let aboutInvoice):
            // The simulation knows the invoice's place in the line's own facts; the generator
            // turns it into its position in the log (DemoGenerator).
            let position = aboutInvoice ? line.invoices.last?.position : nil
            record(
                .line(
                    plan.line, time,
                    .complaintFiled(
                        ComplaintFiled(complaintID: id, about: about, channel: channel, position: position)),
                    metadata: ["actor": "subscriber"]), lag: random.milliseconds(seconds: 20, 600))
        case .answerComplaint(let id, let outcome):
            decide(.answerComplaint(complaintID: id, outcome: outcome), at: time, actor: "customer-care")
        case .kycNotice:
            guard line.status == .active else {
                anomalies.append("\(plan.number): the kyc notice found the line \(line.status)"); return
            }
            decide(.sendNotice(kind: .oneWayCut, channel: line.noticeChannel, deadline: nil), at: time)
        case .kycCut:
            guard line.status == .active, decide(.cut(direction: .oneWay, reason: .kyc), at: time) else {
                anomalies.append("\(plan.number): the kyc suspension found the line \(line.status)")
                return
            }
            cutReason = .kyc
        case .kycVerified:
            let fact = LedgerFact(
                stream: .subscriber(owner.registration.subscriberID), occurredAt: time,
                event: .identityVerified(IdentityVerified(documents: ["national id card (checked again)"])),
                metadata: ["actor": "kyc"], recordedAt: nil)
            record(fact, lag: 700)
        case .kycRestore:
            guard line.status == .oneWay, decide(.restore(reconnectionFee: 0), at: time) else {
                anomalies.append("\(plan.number): the kyc restoration found the line \(line.status)")
                return
            }
            cutReason = nil
        case .cutNotice:
            guard line.status == .active else {
                anomalies.append("\(plan.number): the cut notice found the line \(line.status)"); return
            }
            sendNotice(.oneWayCut, channel: line.noticeChannel, at: time, deadline: nil, failure: 0)
        case .kycSuspension:
            guard line.status == .active else {
                anomalies.append("\(plan.number): the kyc suspension found the line \(line.status)"); return
            }
            guard decide(.cut(direction: .oneWay, reason: .kyc), at: time) else { return }
            cutReason = .kyc
            schedule(
                .restore,
                at: timeline.morning(atOrAfter: time.adding(days: 1)).adding(
                    milliseconds: Int64(random.int(5...50)) * Self.minute))
        }
    }

    /// Records an operator's action as a plain fact, without the rules (as `import` would).
    private mutating func mistake(_ event: LedgerEvent, at time: Timestamp) {
        record(.line(plan.line, time, event, metadata: ["actor": "operator"]), lag: 250)
    }

    // MARK: Deciding and recording

    /// Decides `action` at `time` and records its facts; a refusal is an anomaly: the
    /// generator meant the action to be lawful.
    @discardableResult
    private mutating func decide(_ action: OperatorAction, at time: Timestamp, actor: String = "operator") -> Bool {
        guard let line = state else { return false }
        switch Decider.decide(
            action, line: line, subscriber: owner, at: time, editions: editions, calendar: timeline.calendar,
            metadata: ["actor": actor])
        {
        case .failure(let violation):
            anomalies.append("\(plan.number) \(action) at \(time.rfc3339): refused by \(violation)")
            return false
        case .success(let decision):
            for var fact in decision.facts {
                if case .noticeSent(var notice) = fact.event {
                    notice.noticeID = nextNoticeID()
                    fact.event = .noticeSent(notice)
                }
                record(fact, lag: Int64(random.int(50...400)))
            }
            return true
        }
    }

    private mutating func nextNoticeID() -> String {
        noticeCount += 1
        return "N-\(code)-\(noticeCount)"
    }

    /// The line's short code in ids: its last seven digits.
    private var code: String { String(plan.number.suffix(7)) }

    /// Folds `fact` into the line (or, for a fact of the owner's stream, such as a
    /// verification made again for KYC-1, into ``owner``) and keeps it, recorded `lag` ms
    /// after it occurred (never before the line's previous fact).
    private mutating func record(_ fact: LedgerFact, lag: Int64) {
        var fact = fact
        let recorded = max(fact.occurredAt.millisecondsSinceEpoch + lag, lastRecorded + 1)
        lastRecorded = recorded
        fact.recordedAt = Timestamp(millisecondsSinceEpoch: recorded)
        do {
            if case .subscriber = fact.stream {
                owner = try SubscriberState.checkedEvolve(owner, fact)
            } else {
                state = try LineState.checkedEvolve(state, fact, position: UInt64(facts.count + 1))
            }
            facts.append(fact)
        } catch {
            anomalies.append(
                "\(plan.number): \(fact.event.type.rawValue) at \(fact.occurredAt.rfc3339) cannot be recorded: \(error)"
            )
        }
    }
}
