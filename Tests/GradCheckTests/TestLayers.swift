import Foundation
import TensorKit

// Small layers, right and deliberately wrong, for exercising the checker. Inputs are [N, D] matrices.

/// y = x Wᵀ + b with W [out, in], b [out]. `averagesBiasGradient` is the classic bug: the mean over the batch
/// instead of the sum.
struct Linear: Layer {
    var parameters: [Tensor]
    var averagesBiasGradient = false
    private var input = Tensor(zeros: [0])

    init(inputs: Int, outputs: Int, seed: UInt64, averagesBiasGradient: Bool = false) {
        var generator = SeededGenerator(seed: seed)
        parameters = [Tensor.randomNormal(shape: [outputs, inputs], using: &generator),
                      Tensor.randomNormal(shape: [outputs], using: &generator)]
        self.averagesBiasGradient = averagesBiasGradient
    }

    mutating func forward(_ x: Tensor) -> Tensor {
        input = x
        let product = x.matmul(parameters[0], transposeOther: true)
        let columns = parameters[1].count
        return Tensor(shape: product.shape) { product.scalars[$0] + parameters[1].scalars[$0 % columns] }
    }

    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        var bias = g.sum(alongAxis: 0)
        if averagesBiasGradient { bias = bias / Double(g.shape[0]) }
        return (g.matmul(parameters[0]), [g.matmul(input, transposeSelf: true), bias])
    }
}

/// Elementwise y = x². `forgetsFactorTwo` returns g·x instead of 2·g·x.
struct Square: Layer {
    var parameters: [Tensor] = []
    var forgetsFactorTwo = false
    private var input = Tensor(zeros: [0])
    init(forgetsFactorTwo: Bool = false) { self.forgetsFactorTwo = forgetsFactorTwo }
    mutating func forward(_ x: Tensor) -> Tensor { input = x; return x * x }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (g * input * (forgetsFactorTwo ? 1 : 2), [])
    }
}

/// y = σ(x). `dropsOneMinusS` uses s instead of s(1 − s) as the derivative.
struct Sigmoid: Layer {
    var parameters: [Tensor] = []
    var dropsOneMinusS = false
    private var output = Tensor(zeros: [0])
    init(dropsOneMinusS: Bool = false) { self.dropsOneMinusS = dropsOneMinusS }
    mutating func forward(_ x: Tensor) -> Tensor { output = x.map { 1 / (1 + Foundation.exp(-$0)) }; return output }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        (dropsOneMinusS ? g * output : g * output * (1 - output), [])
    }
}

struct Tanh: Layer {
    var parameters: [Tensor] = []
    private var output = Tensor(zeros: [0])
    mutating func forward(_ x: Tensor) -> Tensor { output = x.map { Foundation.tanh($0) }; return output }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g * (1 - output * output), []) }
}

/// Row-wise softmax with the max shift; backward is s ⊙ (g − ⟨g, s⟩) per row.
struct Softmax: Layer {
    var parameters: [Tensor] = []
    private var output = Tensor(zeros: [0])
    mutating func forward(_ x: Tensor) -> Tensor {
        output = x.mapRows { row in
            let top = row.max() ?? 0
            let e = row.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        return output
    }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        let width = output.shape[1]
        var result = Tensor(zeros: output.shape)
        for r in 0..<output.shape[0] {
            var dot = 0.0
            for c in 0..<width { dot += g[r, c] * output[r, c] }
            for c in 0..<width { result[r, c] = output[r, c] * (g[r, c] - dot) }
        }
        return (result, [])
    }
}

/// Two linear layers with tanh between them: four parameters.
struct TwoLayerNetwork: Layer {
    var first: Linear
    var activation = Tanh()
    var second: Linear
    init(seed: UInt64) {
        first = Linear(inputs: 3, outputs: 4, seed: seed)
        second = Linear(inputs: 4, outputs: 2, seed: seed + 1)
    }
    var parameters: [Tensor] {
        get { first.parameters + second.parameters }
        set { first.parameters = Array(newValue[0..<2]); second.parameters = Array(newValue[2..<4]) }
    }
    mutating func forward(_ x: Tensor) -> Tensor { second.forward(activation.forward(first.forward(x))) }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        let top = second.backward(g)
        let middle = activation.backward(top.input)
        let bottom = first.backward(middle.input)
        return (bottom.input, bottom.parameters + top.parameters)
    }
}

/// y = max(x, slope·x); slope 0 is ReLU. Backward uses the left slope at 0 (derivative `slope`), as frameworks do.
/// `passesEverything` is a wrong backward that returns g unchanged.
struct LeakyReLU: Layer {
    var parameters: [Tensor] = []
    var slope: Double
    var passesEverything = false
    private var input = Tensor(zeros: [0])
    init(slope: Double = 0, passesEverything: Bool = false) {
        self.slope = slope
        self.passesEverything = passesEverything
    }
    mutating func forward(_ x: Tensor) -> Tensor { input = x; return x.map { $0 > 0 ? $0 : slope * $0 } }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        passesEverything ? (g, []) : (g.zipMap(input) { $1 > 0 ? $0 : slope * $0 }, [])
    }
}

/// Max over each row ([N, D] → [N]); the gradient goes to the first maximal element.
struct RowMax: Layer {
    var parameters: [Tensor] = []
    private var input = Tensor(zeros: [0])
    mutating func forward(_ x: Tensor) -> Tensor { input = x; return x.max(alongAxis: 1) }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        var result = Tensor(zeros: input.shape)
        for r in 0..<input.shape[0] {
            var best = 0
            for c in 0..<input.shape[1] where input[r, c] > input[r, best] { best = c }
            result[r, best] = g[r]
        }
        return (result, [])
    }
}

/// Adds a little noise from a shared counter on every forward call, like dropout left on.
final class Counter { var calls = 0 }
struct NoisyForward: Layer {
    var parameters: [Tensor] = []
    let counter = Counter()
    mutating func forward(_ x: Tensor) -> Tensor {
        counter.calls += 1
        let noise = 1e-3 * Double(counter.calls % 7)
        return x.map { $0 + noise }
    }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) { (g, []) }
}

/// A scaling layer y = w ⊙ x (w has x's row width) whose backward gets its shapes or counts wrong.
struct BrokenShapes: Layer {
    enum Mistake { case transposedInputGradient, missingParameterGradient, flatParameterGradient }
    var parameters: [Tensor] = [Tensor([0.5, -1, 2])]
    let mistake: Mistake
    private var input = Tensor(zeros: [0])
    init(_ mistake: Mistake) { self.mistake = mistake }
    mutating func forward(_ x: Tensor) -> Tensor {
        input = x
        return Tensor(shape: x.shape) { x.scalars[$0] * parameters[0].scalars[$0 % 3] }
    }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        let dx = Tensor(shape: g.shape) { g.scalars[$0] * parameters[0].scalars[$0 % 3] }
        let dw = (g * input).sum(alongAxis: 0)
        switch mistake {
        case .transposedInputGradient: return (dx.transposed(), [dw])
        case .missingParameterGradient: return (dx, [])
        case .flatParameterGradient: return (dx, [dw.reshaped([1, 3])])
        }
    }
}

/// y = w ⊙ x again, with backward adding weight decay λ·w to dw: not zero for a zero upstream gradient.
struct DecayInBackward: Layer {
    var parameters: [Tensor] = [Tensor([0.5, -1, 2])]
    private var input = Tensor(zeros: [0])
    mutating func forward(_ x: Tensor) -> Tensor {
        input = x
        return Tensor(shape: x.shape) { x.scalars[$0] * parameters[0].scalars[$0 % 3] }
    }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        let dx = Tensor(shape: g.shape) { g.scalars[$0] * parameters[0].scalars[$0 % 3] }
        return (dx, [(g * input).sum(alongAxis: 0) + 0.01 * parameters[0]])
    }
}

/// A class layer whose backward accumulates into a stored gradient, PyTorch `.grad` style.
final class AccumulatingScale: Layer {
    var parameters: [Tensor] = [Tensor([0.5, -1, 2])]
    private var input = Tensor(zeros: [0])
    private var accumulated = Tensor(zeros: [3])
    func forward(_ x: Tensor) -> Tensor {
        input = x
        return Tensor(shape: x.shape) { x.scalars[$0] * self.parameters[0].scalars[$0 % 3] }
    }
    func backward(_ g: Tensor) -> (input: Tensor, parameters: [Tensor]) {
        accumulated += (g * input).sum(alongAxis: 0)
        return (Tensor(shape: g.shape) { g.scalars[$0] * self.parameters[0].scalars[$0 % 3] }, [accumulated])
    }
}

func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape: [rows, columns], using: &generator)
}
