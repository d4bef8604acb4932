/// One value for each plan of PLAN-1: a policy parameter that differs by plan (NTC-1).
public struct PerPlan<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The value for a line of the ``Plan/noDeposit`` plan.
    public var noDeposit: Value
    /// The value for a line of the ``Plan/deposit`` plan.
    public var deposit: Value
    /// The value for a line of the ``Plan/guarantee`` plan.
    public var guarantee: Value

    /// A value for each plan.
    ///
    /// - Parameters:
    ///   - noDeposit: the value for the no-deposit plan.
    ///   - deposit: the value for the deposit plan.
    ///   - guarantee: the value for the guarantee plan.
    public init(noDeposit: Value, deposit: Value, guarantee: Value) {
        self.noDeposit = noDeposit
        self.deposit = deposit
        self.guarantee = guarantee
    }

    /// The same value for every plan.
    ///
    /// - Parameters:
    ///   - value: the value of every plan.
    public init(all value: Value) {
        self.init(noDeposit: value, deposit: value, guarantee: value)
    }

    /// The value for `plan`, read or written.
    ///
    /// - Parameters:
    ///   - plan: the line's plan.
    /// - Returns: the plan's value.
    public subscript(plan: Plan) -> Value {
        get {
            switch plan {
            case .noDeposit: noDeposit
            case .deposit: deposit
            case .guarantee: guarantee
            }
        }
        set {
            switch plan {
            case .noDeposit: noDeposit = newValue
            case .deposit: deposit = newValue
            case .guarantee: guarantee = newValue
            }
        }
    }
}

/// Whether a threshold cut starts one-way or two-way (CUT-2; section 9's default: one-way).
public typealias CutDirection = LineSuspended.Direction
