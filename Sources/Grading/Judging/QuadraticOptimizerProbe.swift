import GradingCore
import TensorKit
import WorkerKit

/// The picture every optimizer exercise draws: the student's step function minimizing a small ill-conditioned
/// quadratic, L(θ) = ½(θ₁² + 10·θ₂²) from θ = (2, −1.5), one step per call with its own state carried over (each
/// step's gradient is taken at the parameters the student's code returned, each step starts from the state it
/// returned), against the reference engine on the same problem. It draws the loss per step, the first parameter
/// per step and, when the exercise names one, the first component of the state per step; the captions say where
/// the student's run first leaves the reference's, with the numbers.
///
/// An exercise says only how to build the next call from the last reply (`call`) and where its state lies in a
/// reply (`state`); the parameters are always the reply's first tensor.
public struct QuadraticOptimizerProbe: Sendable {
    public static let curvature: [Double] = [1, 10]
    public static let start: [Double] = [2, -1.5]
    static let problem = "L(θ) = ½(θ₁² + 10·θ₂²) from θ = (2, −1.5)"

    public static func loss(_ theta: [Double]) -> Double {
        0.5 * zip(curvature, theta).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
    }

    /// Tensor `index` of a reply when it is a vector of the problem's two parameters, else nil.
    public static func vector(_ reply: WorkerReply, _ index: Int) -> Tensor? {
        guard reply.tensors.indices.contains(index) else { return nil }
        let tensor = reply.tensors[index]
        return tensor.shape == [2] && tensor.scalars.count == 2 ? tensor : nil
    }

    /// A one-tensor state (velocity, cache) as tensor `index` of the last reply, or zeros before the first step; nil
    /// when the reply lacks it.
    public static func stateVector(after last: WorkerReply?, index: Int = 1) -> Tensor? {
        guard let last else { return Tensor(shape: [2], scalars: [0, 0]) }
        return vector(last, index)
    }

    /// The state to draw: its name ("velocity v₁") and its value in a reply (nil when misshapen).
    public struct State: Sendable {
        public var label: String
        public var read: @Sendable (WorkerReply) -> Double?
        /// The first component of the reply's tensor `index`.
        public init(_ label: String, tensor index: Int) {
            self.label = label
            self.read = { QuadraticOptimizerProbe.vector($0, index)?.scalars[0] }
        }
    }

    /// The probe's name, and the prefix of its figures' ids ("" for an exercise with one probe).
    public var name: String
    public var idPrefix: String
    /// The optimizer, as a sentence names it ("Adam", "Classical momentum").
    public var optimizer: String
    /// The student's function ("adamStep").
    public var function: String
    /// The hyperparameters as a reader says them ("learning rate 0.05, β₁ = 0.9, β₂ = 0.999").
    public var settings: String
    public var steps: Int
    /// The call for step `step` (0-based) from `parameters`, with the gradient there, and the state in the last
    /// reply (nil: the first step, from the initial state). Nil when that reply's state is missing or misshapen.
    public var call: @Sendable (_ step: Int, _ parameters: Tensor, _ gradient: Tensor, _ last: WorkerReply?) -> WorkerCall?
    public var state: State?
    /// A sentence that holds for the reference on this problem, ending the trajectory's caption ("" for none).
    public var note: String

    public init(name: String = "quadratic", idPrefix: String = "", optimizer: String, function: String, settings: String,
                steps: Int = 60, state: State? = nil, note: String = "",
                call: @escaping @Sendable (_ step: Int, _ parameters: Tensor, _ gradient: Tensor, _ last: WorkerReply?) -> WorkerCall?) {
        self.name = name
        self.idPrefix = idPrefix
        self.optimizer = optimizer
        self.function = function
        self.settings = settings
        self.steps = steps
        self.state = state
        self.note = note
        self.call = call
    }

    /// The next call given the replies so far: the gradient at the parameters the last reply holds.
    public func next(after replies: [WorkerReply]) -> WorkerCall? {
        guard replies.count < steps else { return nil }
        var theta = Tensor(shape: [2], scalars: Self.start)
        if let last = replies.last {
            guard let returned = Self.vector(last, 0), returned.scalars.allSatisfy(\.isFinite) else { return nil }
            theta = returned
        }
        let gradient = Tensor(shape: [2], scalars: zip(Self.curvature, theta.scalars).map { $0 * $1 })
        return call(replies.count, theta, gradient, replies.last)
    }

    /// The probe, drawing against `reference` run on the same problem.
    public func probe(reference: ExerciseImplementation) -> FigureProbe {
        FigureProbe(name: name, next: next(after:)) { outcome in figures(outcome, reference: reference) }
    }

    /// Step k's parameters, from the start until the first reply without them.
    static func trajectory(_ replies: [WorkerReply]) -> [[Double]] {
        [start] + replies.prefix { vector($0, 0) != nil }.map { vector($0, 0)!.scalars }
    }

    /// The first index where the two sequences differ by more than rounding, within their common length.
    static func firstDifference(_ a: [Double], _ b: [Double]) -> Int? {
        for index in 0..<Swift.min(a.count, b.count) {
            let gap = abs(a[index] - b[index]), allowed = 1e-9 * (1 + abs(b[index]))
            if !(gap <= allowed) { return index }
        }
        return nil
    }

    static func list(_ values: some Sequence<Double>) -> String {
        values.map { DisplayFormat.significant($0, digits: 4) }.joined(separator: ", ")
    }

    func figures(_ outcome: ProbeOutcome, reference: ExerciseImplementation) -> [Figure] {
        var referenceReplies: [WorkerReply] = []
        while let call = next(after: referenceReplies) { referenceReplies.append(simulate(call, using: reference)) }
        let yours = Self.trajectory(outcome.replies), theirs = Self.trajectory(referenceReplies)
        guard yours.count > 1 else { return [] }
        let steps = { (count: Int) in (0..<count).map(Double.init) }
        let sig = { (x: Double) in DisplayFormat.significant(x, digits: 3) }
        let point = { (p: [Double]) in "(\(DisplayFormat.significant(p[0], digits: 4)), \(DisplayFormat.significant(p[1], digits: 4)))" }

        let yourLoss = yours.map(Self.loss), referenceLoss = theirs.map(Self.loss)
        let at = Swift.min(5, yourLoss.count - 1), end = yourLoss.count - 1
        let stopped = yours.count < theirs.count
            ? " Your run stopped after \(DisplayFormat.count(end, "step"))\(outcome.failure.map { ": \($0)" } ?? " because its parameters or state came back non-finite or misshapen.")"
            : ""
        let lossCaption = "\(optimizer) (\(settings)) on \(Self.problem), each step's gradient taken where your \(function) left the parameters. After \(DisplayFormat.count(at, "step")) the loss is \(sig(yourLoss[at])) with yours and \(sig(referenceLoss[at])) with the reference; after \(end): \(sig(yourLoss[end])) and \(sig(referenceLoss[Swift.min(end, referenceLoss.count - 1)])).\(stopped)"

        var comparison: String
        if let k = (1..<Swift.min(yours.count, theirs.count)).first(where: { Self.firstDifference(yours[$0], theirs[$0]) != nil }) {
            comparison = " Your parameters first leave the reference's at step \(k): θ = \(point(yours[k])) with yours, \(point(theirs[k])) with the reference."
            if k == 1 {
                let length = { (p: [Double]) in ((p[0] - Self.start[0]) * (p[0] - Self.start[0]) + (p[1] - Self.start[1]) * (p[1] - Self.start[1])).squareRoot() }
                let mine = length(yours[1]), reference = length(theirs[1])
                comparison += mine.isFinite && reference > 0
                    ? " Your first step is \(DisplayFormat.significant(mine / reference, digits: 3)) times as long as the reference's (\(sig(mine)) against \(sig(reference)))."
                    : ""
            }
        } else {
            comparison = yours.count == theirs.count
                ? " Your parameters match the reference's at every one of the \(end) steps."
                : " Your parameters match the reference's for the \(DisplayFormat.count(end, "step")) your run made."
        }
        let trajectoryCaption = "The first parameter θ₁ step by step: yours starts \(Self.list(yours.dropFirst().prefix(3).map { $0[0] })), the reference's \(Self.list(theirs.dropFirst().prefix(3).map { $0[0] })).\(comparison)\(note.isEmpty ? "" : " " + note)"

        let title = optimizer.prefix(1).uppercased() + optimizer.dropFirst()
        var figures = [
            Figure(id: idPrefix + "loss-curve", kind: .line, title: "\(title): loss per step", caption: lossCaption,
                   xAxis: .init("step"), yAxis: .init("loss L(θ)", logarithmic: true),
                   series: [.init("your \(function)", role: .student, x: steps(yours.count), y: yourLoss),
                            .init("reference", role: .reference, x: steps(theirs.count), y: referenceLoss)]),
            Figure(id: idPrefix + "parameter-trajectory", kind: .line, title: "\(title): parameter θ₁ per step", caption: trajectoryCaption,
                   xAxis: .init("step"), yAxis: .init("θ₁"),
                   series: [.init("your \(function)", role: .student, x: steps(yours.count), y: yours.map { $0[0] }),
                            .init("reference", role: .reference, x: steps(theirs.count), y: theirs.map { $0[0] })]),
        ]
        if let state {
            // The state after steps 1, 2, …, as far as the parameters were drawn.
            let mine = outcome.replies.prefix(yours.count - 1).map { state.read($0) ?? .nan }
            let reference = referenceReplies.map { state.read($0) ?? .nan }
            let difference = Self.firstDifference(mine, reference).map {
                " They first differ after step \($0 + 1): \(DisplayFormat.significant(mine[$0], digits: 4)) with yours, \(DisplayFormat.significant(reference[$0], digits: 4)) with the reference."
            } ?? " Yours matches the reference's after every step drawn."
            figures.append(Figure(
                id: idPrefix + "state", kind: .line, title: "\(title): \(state.label) per step",
                caption: "The \(state.label) your \(function) returned after each step: \(Self.list(mine.prefix(3))), the reference's \(Self.list(reference.prefix(3))).\(difference)",
                xAxis: .init("step"), yAxis: .init(state.label),
                series: [.init("your \(function)", role: .student, x: mine.indices.map { Double($0 + 1) }, y: mine),
                         .init("reference", role: .reference, x: reference.indices.map { Double($0 + 1) }, y: reference)]))
        }
        return figures
    }
}
