import SubledgerStore

/// A restoration the operator owes a cut line (GEN-3, KYC-1), and since when.
struct RestorationOwed {
    /// GEN-3 for a cut for debt, KYC-1 for a suspension for `kyc`.
    var rule: RuleID
    var since: Timestamp
    /// Why it is owed, for messages.
    var reason: String
}

extension LineState {
    /// The restoration owed at `time`, if any (section 9 reading of GEN-3 and KYC-1): a line
    /// cut for debt that no longer owes what allowed the cut (OVD-2's test), owed since the
    /// latest change of its debt after the cut (the payment that settled it, reading); a
    /// line suspended for `kyc` whose owner's identity was verified (again) after the
    /// suspension, owed since that verification.
    func restorationOwed(at time: Timestamp, subscriber: SubscriberState?, editions: PolicyEditions) -> RestorationOwed?
    {
        guard status == .oneWay || status == .twoWay, let cut = openingCut else { return nil }
        let reason = cut.suspension.reason
        if reason.isForDebt {
            guard !owesWhatAllowedTheCut(at: time, edition: editions.edition(at: time), reason: reason) else {
                return nil
            }
            let settled = max(cut.at, debtChanges.last { $0.at <= time }?.at ?? cut.at)
            return RestorationOwed(
                rule: "GEN-3", since: settled,
                reason:
                    "the line no longer owes what allowed its \(reason.rawValue) cut (debt \(debt), overdue \(overdue(at: time)))"
            )
        }
        // The latest verification: one made again after the suspension (KYC-1).
        if reason == .kyc, let verifiedAt = subscriber?.lastVerifiedAt, verifiedAt >= cut.at, verifiedAt <= time {
            return RestorationOwed(
                rule: "KYC-1", since: verifiedAt, reason: "the subscriber's identity was verified at \(verifiedAt)")
        }
        return nil
    }
}

extension PolicyEdition {
    /// The instant after which a line still cut since its restoration was owed at `since` is
    /// a warning (GEN-3, KYC-1): ``restorationWarningHours`` exact hours later.
    func restorationWarningTime(owedSince since: Timestamp) -> Timestamp {
        since.adding(hours: Int64(restorationWarningHours))
    }
}
