package import SubledgerStore
package import SubledgerLedger

/// The demo's time frame and the calendar facts the simulation keeps asking: the three
/// years of the main population (Solar Hijri 1400-04-01 to 1403-04-01, Tehran), the
/// operator's working mornings (10:00 Tehran on days that are not a rest day nor the last
/// working day before one, so that lawful cuts raise no SUS-2 warning), and the 03:00
/// billing run of any day of any month.
package struct DemoTimeline: Sendable {
    /// The Tehran calendar the days, mornings and billing runs are computed in.
    package let calendar: TehranCalendar
    /// The oldest history simulated (the ten-year legal entity's line starts after it).
    package let earliest: Timestamp
    /// The start of the three years of the main population.
    package let windowStart: Timestamp
    /// The end of the simulation: no event occurs or is recorded at or after it.
    package let end: Timestamp
    /// 10:00 Tehran of every working day from `earliest` to `end`, in order.
    let mornings: [Timestamp]
    /// The first Solar Hijri month of the billing table, as `year × 12 + month − 1`.
    let firstMonth: Int
    /// 03:00 Tehran on days 1 to 28 of every month from `firstMonth` on.
    private let billing: [Timestamp]

    /// The first day of the oldest history: 1390-01-01.
    package static let startDay = SolarHijriDay(year: 1390, month: 1, day: 1)
    /// The first day of the main population's three years: 1400-04-01.
    package static let windowStartDay = SolarHijriDay(year: 1400, month: 4, day: 1)
    /// The day the simulation ends, at its 00:00 Tehran: 1403-04-01.
    package static let endDay = SolarHijriDay(year: 1403, month: 4, day: 1)

    /// The time frame, computed in `calendar` (its working mornings: a scan of some 4,800 days).
    ///
    /// - Parameters:
    ///   - calendar: the Tehran calendar; its holidays decide the working mornings.
    package init(calendar: TehranCalendar) {
        self.calendar = calendar
        func at(_ day: SolarHijriDay, _ hour: Int) -> Timestamp {
            guard let time = calendar.timestamp(year: day.year, month: day.month, day: day.day, hour: hour) else {
                preconditionFailure("the demo's day \(day) does not exist")
            }
            return time
        }
        earliest = at(Self.startDay, 0)
        windowStart = at(Self.windowStartDay, 0)
        end = at(Self.endDay, 0)
        var mornings: [Timestamp] = []
        var morning = at(Self.startDay, 10)
        while morning < end {
            if calendar.isLastWorkingDayBeforeRest(morning) == nil { mornings.append(morning) }
            morning = calendar.addingCalendarDays(1, to: morning)
        }
        self.mornings = mornings
        firstMonth = Self.startDay.year * 12 + Self.startDay.month - 1
        let lastMonth = Self.endDay.year * 12 + Self.endDay.month - 1 + 2
        var billing: [Timestamp] = []
        billing.reserveCapacity((lastMonth - firstMonth + 1) * 28)
        for month in firstMonth...lastMonth {
            for day in 1...28 {
                billing.append(at(SolarHijriDay(year: month / 12, month: month % 12 + 1, day: day), 3))
            }
        }
        self.billing = billing
    }

    /// The index in `mornings` of the first working morning at or after `time`.
    func morningIndex(atOrAfter time: Timestamp) -> Int {
        var low = 0
        var high = mornings.count
        while low < high {
            let middle = (low + high) / 2
            if mornings[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first working morning at or after `time` (or `end`).
    func morning(atOrAfter time: Timestamp) -> Timestamp {
        let index = morningIndex(atOrAfter: time)
        return index < mornings.count ? mornings[index] : end
    }

    /// The Solar Hijri month of `time` as `year × 12 + month − 1`.
    func month(of time: Timestamp) -> Int {
        let local = calendar.solarHijriDate(of: time)
        return local.year * 12 + local.month - 1
    }

    /// 03:00 Tehran on `day` (1...28) of the month `month` (`year × 12 + month − 1`).
    func billingTime(month: Int, day: Int) -> Timestamp {
        let index = (month - firstMonth) * 28 + (min(max(day, 1), 28) - 1)
        return index >= 0 && index < billing.count ? billing[index] : end
    }

    /// The instant of `hour:minute` Tehran time on the Solar Hijri day of `time`.
    func sameDay(as time: Timestamp, hour: Int, minute: Int = 0) -> Timestamp {
        let local = calendar.solarHijriDate(of: time)
        return calendar.timestamp(year: local.year, month: local.month, day: local.day, hour: hour, minute: minute)
            ?? time
    }

    /// The first Thursday at `hour:minute` Tehran time at or after `time` that SUS-2 counts as
    /// Thursday (not a holiday nor its eve).
    func thursdayAfternoon(atOrAfter time: Timestamp, hour: Int, minute: Int) -> Timestamp {
        firstDay(atOrAfter: time, hour: hour, minute: minute) { $0 == .thursday }
    }

    /// The first day at `hour:minute` Tehran time at or after `time`, within about a year
    /// and a half, on which SUS-2 finds a reason `wanted` accepts (a Wednesday, the eve of a
    /// lunar holiday); the last day looked at when none is.
    func firstDay(atOrAfter time: Timestamp, hour: Int, minute: Int, where wanted: (RestReason) -> Bool) -> Timestamp {
        var day = sameDay(as: time, hour: hour, minute: minute)
        for _ in 0..<540 {
            if day >= time, let reason = calendar.isLastWorkingDayBeforeRest(day), wanted(reason) { return day }
            day = calendar.addingCalendarDays(1, to: day)
        }
        return day
    }
}
