import TensorKit
/// The directional comparison `.fast` mode makes: `⟨∂L/∂x, u⟩` against `vᵀ(f(x + εu) − f(x − εu)) / 2ε`.
///
/// The allowance is the sum of the per-element allowances the direction touches,
/// `absoluteTolerance·Σ|uᵢ| + relativeTolerance·max(Σ|uᵢ·aᵢ|, |numerical|)`: if every element passed the full
/// check with room to spare, the directional error `Σ uᵢ(aᵢ − nᵢ)` is below this bound. (PyTorch likewise scales
/// atol by the sizes of u and v.) A bug in many elements, or a large one in a few, moves the directional
/// derivative by far more than this.
public struct DirectionalComparison: Codable, Sendable, Equatable {
    /// Which random direction (0-based) this was.
    public var direction: Int
    public var analytic: Double
    public var numerical: Double
    public var absoluteError: Double
    public var allowedError: Double
    public var passed: Bool
}

/// The outcome of gradient-checking one tensor (the input or one parameter).
public struct TensorCheck: Codable, Sendable, Equatable {
    /// "input", "parameters[0]", ...
    public var name: String
    public var shape: [Int]
    public var mode: GradCheckMode
    /// True when every compared element (or direction) agreed and no problem stopped the check.
    public var passed: Bool
    /// Elements compared against a centered difference (kinks not included).
    public var checkedCount: Int
    /// Compared elements outside the tolerance.
    public var failedCount: Int
    /// Elements skipped because they sit at a kink: the one-sided differences `(f(x+h) − f(x))/h` and
    /// `(f(x) − f(x−h))/h` disagree, at step h and at h/10, so no single derivative exists to compare with.
    public var skippedCount: Int
    /// Of the skipped elements, how many had an analytic value between the two one-sided slopes (a valid
    /// subgradient, e.g. 0 or 1 for ReLU at 0).
    public var subgradientCount: Int
    /// The first few skipped multi-indices, for messages.
    public var skippedIndices: [[Int]]
    /// The compared element with the largest `absoluteError / allowedError`: the failing one to look at, or,
    /// when all passed, the one closest to failing. Nil when no element was compared.
    public var worst: ElementComparison?
    /// `.fast` mode: how many directions were compared, how many of them disagreed, and the worst of them.
    public var directionsChecked: Int
    public var directionsFailed: Int
    public var worstDirection: DirectionalComparison?
    /// `.fast` mode: a direction disagreed, so the tensor was re-checked element by element, and `worst`,
    /// `checkedCount` and the verdict come from that full check.
    public var fellBackToFull: Bool
    /// What stopped the check, if anything.
    public var problem: GradCheckProblem?
    /// Complete sentences with the numbers, for a person to read.
    public var message: String

    init(name: String, shape: [Int], mode: GradCheckMode) {
        self.name = name
        self.shape = shape
        self.mode = mode
        passed = true
        checkedCount = 0
        failedCount = 0
        skippedCount = 0
        subgradientCount = 0
        skippedIndices = []
        worst = nil
        directionsChecked = 0
        directionsFailed = 0
        worstDirection = nil
        fellBackToFull = false
        problem = nil
        message = ""
    }

    static func stopped(name: String, shape: [Int], mode: GradCheckMode, problem: GradCheckProblem) -> TensorCheck {
        var check = TensorCheck(name: name, shape: shape, mode: mode)
        check.problem = problem
        check.finish()
        return check
    }

    /// Sets `passed` and `message` from the counts.
    mutating func finish() {
        passed = problem == nil && failedCount == 0 && (worstDirection?.passed ?? true || fellBackToFull)
        message = composeMessage()
    }

    var label: String { "\(name) (shape \(DisplayFormat.shape(shape)))" }

    private func composeMessage() -> String {
        if let problem { return "\(name) was not checked. \(problem)" }
        var sentences: [String] = []
        if failedCount > 0, let worst {
            sentences.append("\(label) disagrees at index \(DisplayFormat.shape(worst.index)): \(worst.valuesPhrase).")
            sentences.append("\(failedCount) of \(DisplayFormat.count(checkedCount, "checked element")) "
                + (failedCount == 1 ? "is" : "are") + " outside the tolerance.")
        } else if case .fast = mode, !fellBackToFull, let direction = worstDirection {
            sentences.append("\(label) agrees along \(DisplayFormat.count(directionsChecked, "random direction")): the largest "
                + "directional error is \(DisplayFormat.significant(direction.absoluteError)) "
                + "(allowed \(DisplayFormat.significant(direction.allowedError))).")
        } else if let worst {
            let total = shape.reduce(1, *)
            let checked = checkedCount + skippedCount < total
                ? "\(checkedCount) of \(DisplayFormat.count(total, "element"))" : DisplayFormat.count(checkedCount, "element")
            sentences.append("\(label) agrees: \(checked) checked, largest absolute error "
                + "\(DisplayFormat.significant(worst.absoluteError)) at index \(DisplayFormat.shape(worst.index)), "
                + "largest relative error \(DisplayFormat.significant(worst.relativeError)).")
        } else if skippedCount == 0 {
            sentences.append("\(label) has no elements to check.")
        } else {
            sentences.append("\(label): no element could be compared.")
        }
        if fellBackToFull, let direction = worstDirection {
            sentences.append("The fast check disagreed along random direction \(direction.direction) (analytic "
                + "\(DisplayFormat.significant(direction.analytic, digits: 6)), numerical \(DisplayFormat.significant(direction.numerical, digits: 6)), allowed error "
                + "\(DisplayFormat.significant(direction.allowedError))), so every element was checked"
                + (failedCount == 0 ? " and all agreed." : "."))
        }
        if skippedCount > 0 {
            let shown = skippedIndices.map(DisplayFormat.shape).joined(separator: ", ")
            let more = skippedCount > skippedIndices.count ? ", ..." : ""
            sentences.append("\(DisplayFormat.count(skippedCount, "element")) of \(name) "
                + (skippedCount == 1 ? "sits" : "sit") + " at a kink (the left and right one-sided differences "
                + "disagree) and " + (skippedCount == 1 ? "was" : "were") + " skipped, not failed: \(shown)\(more); "
                + "\(subgradientCount) of them had an analytic value between the one-sided slopes.")
        }
        return sentences.joined(separator: " ")
    }
}
