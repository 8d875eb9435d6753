import TensorKit

/// The numerical vector–Jacobian product by centered differences:
///
///     ∂L/∂xᵢ ≈ Σⱼ gⱼ · (f(x + h·eᵢ)ⱼ − f(x − h·eᵢ)ⱼ) / 2h,   where L = ⟨g, f(x)⟩ and g is `upstream`
///
/// (cs231n's `eval_numerical_gradient_array`). The outputs are subtracted before they are weighted, so a large
/// value common to both evaluations cancels exactly instead of drowning the difference. Costs 2·N calls of f.
/// The error is about `h²·|L‴|/6 + ε_machine·Σ|gⱼ·fⱼ|/h`; see `GradCheckOptions` for choosing h.
///
/// `upstream` must have the output's shape (a programmer error otherwise); the result has x's shape.
public func numericalGradient(at x: Tensor, upstream: Tensor, step: Double,
                              function f: (Tensor) -> Tensor) -> Tensor {
    precondition(step > 0, "numericalGradient needs a positive step; got \(step).")
    var probe = Probe(point: x, upstream: upstream, name: "input")
    var gradient = Tensor(zeros: x.shape)
    for i in 0..<x.count {
        do {
            gradient.scalars[i] = try probe.centered(element: i, step: step, f).derivative
        } catch {
            preconditionFailure("numericalGradient: \(error)")
        }
    }
    return gradient
}

/// Evaluates the scalar loss pieces finite differences need, checking that f keeps its output shape.
struct Probe {
    /// The point being differentiated at; perturbed in place and always restored.
    var point: Tensor
    let upstream: Tensor
    let name: String

    init(point: Tensor, upstream: Tensor, name: String) {
        self.point = point
        self.upstream = upstream
        self.name = name
    }

    /// f at the current point, or a problem when its shape is not the upstream gradient's.
    func evaluate(_ f: (Tensor) -> Tensor, at x: Tensor) throws(ProbeError) -> Tensor {
        let output = f(x)
        guard output.shape == upstream.shape else {
            throw ProbeError(problem: .outputShapeChanged(tensor: name, expected: upstream.shape, actual: output.shape))
        }
        return output
    }

    /// `Σⱼ gⱼ (a − b)ⱼ`: the upstream-weighted difference of two outputs.
    func weightedDifference(_ a: Tensor, _ b: Tensor) -> Double {
        var total = 0.0
        for j in 0..<upstream.count { total += upstream.scalars[j] * (a.scalars[j] - b.scalars[j]) }
        return total
    }

    /// f at x + step·eᵢ and x − step·eᵢ, and the centered derivative they give.
    mutating func centered(element i: Int, step: Double, _ f: (Tensor) -> Tensor)
        throws(ProbeError) -> (derivative: Double, plus: Tensor, minus: Tensor) {
        let original = point.scalars[i]
        defer { point.scalars[i] = original }
        point.scalars[i] = original + step
        let plus = try evaluate(f, at: point)
        point.scalars[i] = original - step
        let minus = try evaluate(f, at: point)
        // The actual distance between the two points, which can differ from 2·step in the last bit.
        let span = (original + step) - (original - step)
        return (weightedDifference(plus, minus) / span, plus, minus)
    }

    /// f at x + step·u and x − step·u, for a direction u of x's shape.
    func directional(_ u: Tensor, step: Double, _ f: (Tensor) -> Tensor) throws(ProbeError) -> Double {
        let plus = try evaluate(f, at: point.zipMap(u) { $0 + step * $1 })
        let minus = try evaluate(f, at: point.zipMap(u) { $0 - step * $1 })
        return weightedDifference(plus, minus) / (2 * step)
    }
}

struct ProbeError: Error, CustomStringConvertible {
    let problem: GradCheckProblem
    var description: String { problem.description }
}
