import GradingCore
import TensorKit
import WorkerKit

/// For the first failing conv2d-backward test whose ∂L/∂input is off: a heat map of |got − expected| over the input
/// positions (the largest over batch and channels), drawn as the conv2d exercise draws its output's
/// (`Conv2DGrader.errorMapProbe`). Nothing is drawn when the input gradient is right everywhere.
extension Conv2DBackwardGrader {
    public func figureProbes(seed: UInt64) -> [FigureProbe] {
        [Conv2DGrader.errorMapProbe(
            reference: reference, id: "input-gradient-error-map", title: "conv2d backward: |got − expected| of ∂L/∂input per input position",
            tensor: 0, positions: "input",
            hint: "Each cell is the largest error over the batch and the channels at that input position; a cell at 0 is a position where your gradient is right.")]
    }
}
