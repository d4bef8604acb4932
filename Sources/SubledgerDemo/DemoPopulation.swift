import SubledgerStore
import SubledgerLedger

/// The demo's subscribers and lines, planned from the seed: first the lines that tell the
/// story (the disputed line, the operator's mistakes, the Thursday mass cut, vanity numbers
/// sold at auction, the ten-year legal entity), then a random population to the size asked.
package struct DemoPopulation: Sendable {
    /// The subscribers, the story's first.
    package var subscribers: [DemoSubscriber] = []
    /// The lines, the story's first; a line's ``DemoLinePlan/index`` is its place here.
    package var lines: [DemoLinePlan] = []
    /// The lines the demo points a newcomer to.
    package var highlights = DemoHighlights()

    private var usedNumbers: Set<String> = []
    private var random: DemoRandom
    private let timeline: DemoTimeline

    /// The population of `seed`: the story, then random subscribers until there are `subscriberCount`.
    ///
    /// - Parameters:
    ///   - seed: the seed of every draw.
    ///   - subscriberCount: the subscribers wanted; when the story has more, the story's are all there is.
    ///   - timeline: the time frame the lines are activated in.
    package init(seed: UInt64, subscriberCount: Int, timeline: DemoTimeline) {
        random = DemoRandom(seed: seed, stream: 0x5EED_0001)
        self.timeline = timeline
        planStory()
        while subscribers.count < subscriberCount { planRandomSubscriber() }
    }

    // MARK: The story

    private var endMonth: Int { timeline.month(of: timeline.end) }

    /// The story's lines, in the order their draws from the seed are made.
    private mutating func planStory() {
        planMistakes()
        planMassActions()
        planDayCuts()
        planVanityAndLegalEntity()
        planComplaintsAndKYC()
    }

    private var windowStart: Timestamp { timeline.windowStart }
    private var day: Int64 { 86_400_000 }

    /// The disputed line and the operator's other mistakes on one line each: a cut without
    /// notice, a late fee, a cut for the debt of the owner's other line.
    private mutating func planMistakes() {
        // The disputed line: a prompt payer whose roaming brings a threshold notice that never
        // arrives, and a cut on a Thursday afternoon anyway.
        let disputedMonth = endMonth - 5
        let disputedSpike = timeline.billingTime(month: disputedMonth, day: 3).adding(
            milliseconds: 6 * day + 17 * 3_600_000)
        var disputed = line(
            of: person(), service: .mobile, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 12 * day + 40_000_000))
        disputed.billingDay = 3
        disputed.monthlyUsage = 45_000
        disputed.script = .disputed(spikeAt: disputedSpike)
        highlights.disputedLine = add(disputed)

        // A threshold cut with no notice at all.
        let noNoticeSpike = timeline.billingTime(month: endMonth - 9, day: 10).adding(
            milliseconds: 8 * day + 18 * 3_600_000)
        var noNotice = line(
            of: person(), service: .mobile, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 3 * day + 36_000_000))
        noNotice.billingDay = 10
        noNotice.monthlyUsage = 60_000
        noNotice.script = .cutWithoutNotice(spikeAt: noNoticeSpike)
        highlights.cutWithoutNoticeLine = add(noNotice)

        // A late fee.
        var lateFee = line(
            of: person(), service: .fixed, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 20 * day + 30_000_000))
        lateFee.script = .lateFee(month: endMonth - 14)
        lateFee.operatorDelayDays = 3
        highlights.lateFeeLine = add(lateFee)

        // A cut of one line for the debt of the owner's other line.
        let owner = person()
        var debtor = line(
            of: owner, service: .mobile, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 5 * day + 33_000_000))
        let debtMonth = endMonth - 7
        let firstUnpaid = timeline.billingTime(month: debtMonth, day: debtor.billingDay)
        debtor.habit = .defaulter(from: firstUnpaid, paysBackAfterDays: nil)
        debtor.operatorDelayDays = 3
        let victimCutAt = timeline.morning(atOrAfter: firstUnpaid.adding(days: 15 + 3 + 4)).adding(
            milliseconds: 1_800_000)
        var victim = line(
            of: owner, service: .fixed, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 5 * day + 34_000_000))
        victim.habit = .prompt
        victim.script = .otherLinesDebt(debtLine: debtor.number, at: victimCutAt)
        highlights.otherLinesDebtSource = add(debtor)
        highlights.otherLinesDebtCut = add(victim)
    }

    /// The Thursday-afternoon mass cut and the mass suspension for KYC (SUS-2).
    private mutating func planMassActions() {
        // A Thursday-afternoon mass cut: a virtual-office provider's lines and two others,
        // each with an invoice a few days overdue.
        let massCut = timeline.thursdayAfternoon(
            atOrAfter: timeline.billingTime(month: endMonth - 11, day: 1).adding(days: 20), hour: 15, minute: 30)
        highlights.massCutAt = massCut
        let provider = entity(
            name: "\(random.pick(DemoNames.companyWords)) Virtual Office Services", governmental: false)
        for index in 0..<7 {
            let subscriber = index < 5 ? provider : person()
            var cut = line(
                of: subscriber, service: index < 5 ? .fixed : .mobile, plan: .noDeposit,
                activatedAt: windowStart.adding(milliseconds: Int64(index + 1) * day + 37_000_000))
            cut.billingDay = billingDay(dueBefore: massCut, daysBefore: 1 + index % 5)
            cut.script = .massCut(at: massCut)
            highlights.massCutLines.append(add(cut))
        }

        // A mass suspension (SUS-2 (c)): a virtual-office provider's ten lines and two others
        // suspended for kyc, a line every four minutes, on a Thursday afternoon, without
        // notice (source 000's story); restored the next working morning.
        let massSuspension = timeline.thursdayAfternoon(
            atOrAfter: timeline.billingTime(month: endMonth - 6, day: 1).adding(days: 3), hour: 14, minute: 5)
        highlights.massSuspensionAt = massSuspension
        let kycProvider = entity(
            name: "\(random.pick(DemoNames.companyWords)) Virtual Office Services", governmental: false)
        for index in 0..<12 {
            var suspended = line(
                of: index < 10 ? kycProvider : person(), service: index < 10 ? .fixed : .mobile, plan: .noDeposit,
                activatedAt: windowStart.adding(milliseconds: Int64(index + 1) * day + 43_000_000))
            suspended.spikePercent = 0
            suspended.script = .massSuspension(at: massSuspension.adding(milliseconds: Int64(index) * 4 * 60_000))
            highlights.massSuspensionLines.append(add(suspended))
        }
    }

    /// The cuts on a Wednesday and on the eve of a lunar holiday (SUS-2 (b)), and the payment
    /// recorded after the cut it would have prevented.
    private mutating func planDayCuts() {
        // A cut on a Wednesday and one on the eve of a lunar holiday (SUS-2 (b)), each after a
        // cut notice the day before, for an invoice a few days overdue. The eve is that of
        // Eid al-Fitr of the demo's last year (1403-01-21), a lunar day the computed calendar
        // gives exactly as the official one (1403-01-22, PublicHolidays).
        let wednesday = timeline.firstDay(
            atOrAfter: timeline.billingTime(month: endMonth - 9, day: 1).adding(days: 20), hour: 10, minute: 40
        ) {
            $0 == .wednesday
        }
        let lastYear = timeline.billingTime(month: DemoTimeline.endDay.year * 12, day: 5)
        let lunarEve = timeline.firstDay(atOrAfter: lastYear, hour: 11, minute: 20) {
            $0 == .eveOfPublicHoliday("Eid al-Fitr")
        }
        for (index, at) in [wednesday, lunarEve].enumerated() {
            var cut = line(
                of: person(), service: .mobile, plan: .noDeposit,
                activatedAt: windowStart.adding(milliseconds: Int64(index + 11) * day + 39_000_000))
            cut.billingDay = billingDay(dueBefore: at, daysBefore: 3)
            cut.script = .scheduledCut(at: at)
            if index == 0 {
                highlights.wednesdayCutLine = add(cut)
                highlights.wednesdayCutAt = at
            } else {
                highlights.lunarEveCutLine = add(cut)
                highlights.lunarEveCutAt = at
            }
        }

        // A payment made before a cut but recorded after it.
        var bank = line(
            of: person(), service: .mobile, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 9 * day + 41_000_000))
        bank.operatorDelayDays = 3
        bank.script = .bankDelay(month: endMonth - 13)
        highlights.bankDelayLine = add(bank)
    }

    /// The vanity numbers (VAN-1..3) and the ten-year legal entity's lines (LEG-1, LEG-2).
    private mutating func planVanityAndLegalEntity() {
        // Vanity numbers: two sold at auction after the grace and two more years (one refund
        // paid, one still owed), one paid back within the grace and kept.
        let vanityStart = timeline.billingTime(month: 1396 * 12 + 4, day: 12)
        for (index, (premium, valuation, price)) in [
            (650_000_000 as Rials, 480_000_000 as Rials, 590_000_000 as Rials),
            (300_000_000, 240_000_000, 262_000_000),
            (200_000_000, 0, 0),
        ].enumerated() {
            let subscriber = index == 1 ? entity(name: DemoNames.company(&random), governmental: false) : person()
            var vanity = line(
                of: subscriber, service: .mobile, plan: index == 1 ? .deposit : .noDeposit,
                activatedAt: vanityStart.adding(milliseconds: Int64(index) * 40 * day + 30_000_000), vanity: true)
            vanity.vanityPremium = premium
            vanity.held = index == 1 ? 2_000_000 : 0
            vanity.monthlyUsage = index == 1 ? 180_000 : 70_000
            let unpaidFrom = timeline.billingTime(
                month: index == 2 ? endMonth - 22 : 1399 * 12 + 9, day: vanity.billingDay)
            vanity.habit = .defaulter(from: unpaidFrom, paysBackAfterDays: index == 2 ? 200 : nil)
            vanity.operatorDelayDays = 3
            vanity.paysRefund = index == 0
            vanity.script = index == 2 ? .none : .vanityAuction(valuation: valuation, price: price)
            highlights.vanityLines.append(add(vanity))
        }

        // The ten-year line of a non-governmental legal entity (LEG-1, LEG-2): ten years old
        // before OVD-3's one-year grace ends, so it is kept LEG-1's two more years on top of
        // that year (issue 11, item 6) and revoked before the demo ends.
        let company = entity(name: DemoNames.company(&random), governmental: false)
        var tenYear = line(
            of: company, service: .mobile, plan: .guarantee,
            activatedAt: timeline.billingTime(month: 1390 * 12 + 1, day: 15).adding(milliseconds: 25_000_000))
        tenYear.held = 5_000_000
        tenYear.monthlyUsage = 240_000
        tenYear.operatorDelayDays = 4
        tenYear.habit = .defaulter(
            from: timeline.billingTime(month: 1399 * 12 + 8, day: tenYear.billingDay), paysBackAfterDays: nil)
        tenYear.paysRefund = true
        tenYear.script = .tenYearLegalEntity(subscriptionValue: 14_000_000)
        highlights.tenYearLine = add(tenYear)
        var companyFixed = line(
            of: company, service: .fixed, plan: .guarantee,
            activatedAt: windowStart.adding(milliseconds: 2 * day + 39_000_000))
        companyFixed.held = 1_500_000
        companyFixed.monthlyUsage = 90_000
        add(companyFixed)
    }

    /// The complaints (CMP-1) and the suspension for KYC restored (KYC-1, GEN-3).
    private mutating func planComplaintsAndKYC() {
        // Complaints (CMP-1): answered in time, answered late (a warning on purpose), and one
        // still owed an answer at the end.
        var complaining = line(
            of: person(), service: .mobile, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 14 * day + 35_000_000))
        complaining.habit = .prompt
        complaining.spikePercent = 0
        complaining.noticeChannel = .app  // PLAN-5: its notices go by the app (BIL-4)
        complaining.script = .complaints(
            firstAt: timeline.billingTime(month: endMonth - 6, day: complaining.billingDay).adding(
                milliseconds: 2 * day + 9 * 3_600_000))
        highlights.complaintLine = add(complaining)

        // A suspension for KYC, the identity verified again, the line restored (KYC-1, GEN-3).
        var kyc = line(
            of: person(), service: .fixed, plan: .noDeposit,
            activatedAt: windowStart.adding(milliseconds: 16 * day + 31_000_000))
        kyc.habit = .prompt
        kyc.spikePercent = 0
        kyc.script = .kycRestoration(
            at: timeline.morning(atOrAfter: timeline.billingTime(month: endMonth - 3, day: 20)).adding(
                milliseconds: 40 * 60_000))
        highlights.kycLine = add(kyc)
    }

    /// A billing day whose invoice falls due `daysBefore` days before `time` (BIL-3's 15 days).
    private func billingDay(dueBefore time: Timestamp, daysBefore: Int) -> Int {
        for extra in 0..<12 {
            let issue = time.adding(days: -Int64(15 + daysBefore + extra))
            let local = timeline.calendar.solarHijriDate(of: issue)
            if local.day <= 28 { return local.day }
        }
        return 1
    }

    // MARK: The random population

    private mutating func planRandomSubscriber() {
        let roll = random.int(1...100)
        let subscriber: Int
        let lineCount: Int
        if roll <= 88 {
            subscriber = person()
            let count = random.int(1...100)
            lineCount = count <= 86 ? 1 : (count <= 98 ? 2 : 3)
        } else if roll <= 98 {
            subscriber = entity(name: DemoNames.company(&random), governmental: false)
            lineCount = random.int(1...4)
        } else {
            subscriber = entity(name: DemoNames.government(&random), governmental: true)
            lineCount = random.int(2...6)
        }
        let day: Int64 = 86_400_000
        let span = (timeline.end.millisecondsSinceEpoch - timeline.windowStart.millisecondsSinceEpoch) / day
        let firstDay: Int64 = random.chance(68) ? Int64(random.int(-50...40)) : Int64(random.int(40...Int(span - 60)))
        let governmental = subscribers[subscriber].governmental
        let isEntity = subscribers[subscriber].kind == .legalEntity
        for index in 0..<lineCount {
            let offset = firstDay + (index == 0 ? 0 : Int64(random.int(0...300)))
            let activatedAt = timeline.windowStart.adding(
                milliseconds: min(offset, span - 45) * day + Int64(random.int(9 * 3600...19 * 3600)) * 1000)
            let service: Service =
                index == 0
                ? (random.chance(isEntity ? 50 : 85) ? .mobile : .fixed) : (random.chance(55) ? .mobile : .fixed)
            let planRoll = random.int(1...100)
            let plan: Plan =
                governmental
                ? (planRoll <= 70 ? .guarantee : .noDeposit)
                : (planRoll <= 64 ? .noDeposit : (planRoll <= 84 ? .deposit : .guarantee))
            let vanity = service == .mobile && random.chance(1.5)
            var line = line(of: subscriber, service: service, plan: plan, activatedAt: activatedAt, vanity: vanity)
            if vanity { line.vanityPremium = random.rials(40_000_000...900_000_000, step: 1_000_000) }
            let habitRoll = random.int(1...1000)
            if governmental {
                line.habit = .sometimesLate(percent: 35)
            } else if habitRoll <= 770 {
                line.habit = .prompt
            } else if habitRoll <= 930 {
                line.habit = .sometimesLate(percent: Double(random.int(8...35)))
            } else {
                let start = max(
                    activatedAt.millisecondsSinceEpoch + 60 * day, timeline.windowStart.millisecondsSinceEpoch)
                let from = Timestamp(
                    millisecondsSinceEpoch: start + Int64(
                        random.int(0...Int(max(1, (timeline.end.millisecondsSinceEpoch - start) / day - 40)))) * day)
                line.habit = .defaulter(from: from, paysBackAfterDays: random.chance(40) ? random.int(20...300) : nil)
            }
            line.spikePercent = random.chance(5) ? 12 : 0.4
            add(line)
        }
    }

    // MARK: Building blocks

    private mutating func person() -> Int {
        let id = nextSubscriberID()
        subscribers.append(
            DemoSubscriber(
                id: id, kind: .individual, governmental: false, name: DemoNames.person(&random),
                nationalID: DemoNames.nationalCode(&random), documents: ["national-id-card"]))
        return subscribers.count - 1
    }

    private mutating func entity(name: String, governmental: Bool) -> Int {
        let id = nextSubscriberID()
        let documents =
            governmental
            ? ["official-letter", "national-id-of-entity"] : ["registration-gazette", "national-id-of-signatory"]
        subscribers.append(
            DemoSubscriber(
                id: id, kind: .legalEntity, governmental: governmental, name: name,
                nationalID: DemoNames.entityID(&random), documents: documents))
        return subscribers.count - 1
    }

    private func nextSubscriberID() -> String {
        let number = String(subscribers.count + 1)
        return "S-" + String(repeating: "0", count: max(0, 6 - number.count)) + number
    }

    /// A line with the usual figures for its plan and service.
    private mutating func line(
        of subscriber: Int, service: Service, plan: Plan, activatedAt: Timestamp, vanity: Bool = false
    ) -> DemoLinePlan {
        let number =
            vanity
            ? DemoNames.vanity(&random, used: &usedNumbers)
            : (service == .mobile
                ? DemoNames.mobile(&random, used: &usedNumbers) : DemoNames.fixed(&random, used: &usedNumbers))
        return Self.usualLine(
            index: lines.count, number: number, subscriber: subscriber, service: service, plan: plan,
            activatedAt: activatedAt, random: &random)
    }

    /// A line numbered `number` with the usual figures for its plan and service, drawn from
    /// `random` (the demo's population and the fact stream at scale share it).
    static func usualLine(
        index: Int, number: String, subscriber: Int, service: Service, plan: Plan, activatedAt: Timestamp,
        random: inout DemoRandom
    ) -> DemoLinePlan {
        let usage: Rials
        var held: Rials = 0
        switch plan {
        case .noDeposit:
            usage =
                service == .mobile ? random.rials(30_000...95_000, step: 500) : random.rials(20_000...62_000, step: 500)
        case .deposit, .guarantee:
            usage = random.rials(60_000...260_000, step: 500)
            held = max(500_000, (usage * Rials(random.int(45...75)) / 8 + 99_999) / 100_000 * 100_000)
        }
        return DemoLinePlan(
            index: index, number: number, subscriber: subscriber, service: service, plan: plan, vanityPremium: 0,
            connectionFee: service == .mobile ? 150_000 : 400_000, held: held, activatedAt: activatedAt,
            billingDay: random.int(1...28), monthlyUsage: usage, habit: .prompt, spikePercent: 0.4,
            operatorDelayDays: random.int(2...7), paysRefund: random.chance(70), script: .none)
    }

    @discardableResult
    private mutating func add(_ plan: DemoLinePlan) -> String {
        var plan = plan
        plan.index = lines.count
        lines.append(plan)
        return plan.number
    }
}
