import GradingCore
import TensorKit
import WorkerKit

/// The lecture's figure, drawn with the student's heNormal: the standard deviation of the activations, layer by
/// layer, of a deep ReLU network whose weights all come from it, against He's initialization and against a
/// too-small one (N(0, 1/fanIn), Xavier's variance for tanh, used with ReLU). Only the weights come from the
/// student's code (drawn in the sandbox); the trusted side runs the network.
extension HeInitGrader {
    static let figureDepth = 15, figureWidth = 128, figureBatch = 256

    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        let depth = Self.figureDepth, width = Self.figureWidth
        let drawSeed = TestSeeds.seed(exercise: id, test: "figure-activations", seed: seed)
        let call = WorkerCalls.heNormal(shape: [width, width], seed: drawSeed, repeats: depth)
        let reference = self.reference
        return [FigureProbe(name: "activations", calls: [call]) { outcome in
            guard let reply = outcome.replies.first, reply.tensors.count == depth,
                  reply.tensors.allSatisfy({ $0.shape == [width, width] && $0.scalars.count == width * width }) else { return [] }
            let he = simulate(call, using: reference).tensors
            let small = he.map { Tensor(shape: $0.shape, scalars: $0.scalars.map { $0 / 2.0.squareRoot() }) }
            let layers = (1...depth).map(Double.init)
            let yours = Self.activationStandardDeviations(reply.tensors, seed: drawSeed)
            let hes = Self.activationStandardDeviations(he, seed: drawSeed)
            let smalls = Self.activationStandardDeviations(small, seed: drawSeed)
            func ends(_ values: [Double]) -> String {
                "\(DisplayFormat.significant(values[0], digits: 3)) at layer 1 to \(DisplayFormat.significant(values[depth - 1], digits: 3)) at layer \(depth)"
            }
            let caption = "A \(depth)-layer ReLU network, \(width) units wide, fed \(Self.figureBatch) standard normal inputs. With your heNormal the activations' standard deviation goes from \(ends(yours)); with He's N(0, 2/fanIn) from \(ends(hes)); with the too-small N(0, 1/fanIn) from \(ends(smalls)). He's keeps it roughly constant; too small a variance shrinks it layer after layer (vanishing signals), too large a one makes it explode."
            return [Figure(id: "activation-std", kind: .line, title: "Activation standard deviation per layer",
                           caption: caption, xAxis: .init("layer"), yAxis: .init("standard deviation of activations", logarithmic: true),
                           series: [.init("your heNormal", role: .student, x: layers, y: yours),
                                    .init("He: N(0, 2/fanIn)", role: .reference, x: layers, y: hes),
                                    .init("too small: N(0, 1/fanIn)", role: .comparison, x: layers, y: smalls)])]
        }]
    }

    /// h₀ = x (width × batch, standard normal from `seed`), hₗ = ReLU(Wₗ hₗ₋₁); the standard deviation of each hₗ's
    /// entries. NaN where the weights are not finite.
    static func activationStandardDeviations(_ weights: [Tensor], seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        var h = Tensor.randomNormal(shape: [figureWidth, figureBatch], using: &generator)
        return weights.map { w in
            h = w.matmul(h)
            h.scalars = h.scalars.map { $0.isNaN ? .nan : Swift.max(0, $0) }
            let n = Double(h.scalars.count)
            let mean = h.scalars.reduce(0, +) / n
            return (h.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        }
    }
}
