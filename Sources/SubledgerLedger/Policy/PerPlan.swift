/// One value for each plan of PLAN-1: a policy parameter that differs by plan (NTC-1).
public struct PerPlan<Value: Hashable & Sendable>: Hashable, Sendable {
    public var noDeposit: Value
    public var deposit: Value
    public var guarantee: Value

    public init(noDeposit: Value, deposit: Value, guarantee: Value) {
        self.noDeposit = noDeposit
        self.deposit = deposit
        self.guarantee = guarantee
    }

    /// The same value for every plan.
    public init(all value: Value) {
        self.init(noDeposit: value, deposit: value, guarantee: value)
    }

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
