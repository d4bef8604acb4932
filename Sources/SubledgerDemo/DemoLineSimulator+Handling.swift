import SubledgerStore
import SubledgerLedger

/// What happens to a line: usage, payments, receipts, restorations, and the billing run (BIL-1..3).
extension DemoLineSimulator {
    // MARK: Handling what happens

    mutating func handle(_ item: Pending) {
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
            receive(noticeID: noticeID, delivered: delivered, at: time)
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

    /// A delivery receipt from the network: a delivered threshold notice may make the
    /// subscriber pay, a failed one is sent again by another channel.
    mutating func receive(noticeID: String, delivered: Bool, at time: Timestamp) {
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
    }

    var respondsToNotices: Bool {
        if case .defaulter = plan.habit, !defaultEnded { return false }
        if case .disputed = plan.script { return false }
        return true
    }

    mutating func addUsage(_ amount: Rials, _ description: String, at time: Timestamp) {
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

    mutating func pay(_ amount: Rials, method: String, occurredAt: Timestamp, at time: Timestamp) {
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

    func canRestore(_ line: LineState, at time: Timestamp) -> Bool {
        let terms = ThresholdTerms(edition: editions.edition(at: time), line: line)
        return line.overdue(at: time) == 0 && !terms.cutLevelReached(line.debt)
    }

    // MARK: Billing (BIL-1..3)

    mutating func bill(at time: Timestamp) {
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

    mutating func schedulePayment(issuedAt time: Timestamp, due: Timestamp) {
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
}
