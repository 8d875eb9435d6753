/// A differentiable layer, as `grader gradcheck` and `GradCheck.checkLayer` see it.
///
/// `forward` maps an input to an output and may remember what `backward` needs. `backward` receives
/// dL/d(output) for the most recent forward call and returns dL/d(input) and dL/d(parameter) for each tensor in
/// `parameters`, in the same order and with the same shapes.
public protocol Layer {
    /// Learnable parameters, in a fixed order. Gradient checkers perturb these through the setter.
    var parameters: [Tensor] { get set }
    /// Computes the output for `input`.
    mutating func forward(_ input: Tensor) -> Tensor
    /// Gradients for the last `forward`: with respect to its input and to each parameter.
    func backward(_ gradOutput: Tensor) -> (input: Tensor, parameters: [Tensor])
}
