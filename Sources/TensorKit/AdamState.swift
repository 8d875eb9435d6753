/// The per-parameter state Adam carries between steps (Kingma & Ba, 2015).
///
/// `m` and `v` are the exponential moving averages of the gradient and of its elementwise square; both start at
/// zero, which is why Adam needs bias correction. `t` counts the steps taken so far: it is 0 before the first
/// step and is incremented at the *start* of each step, so the first update uses t = 1.
public struct AdamState: Equatable, Sendable {
    /// First moment estimate (moving average of gradients), same shape as the parameters.
    public var m: Tensor
    /// Second moment estimate (moving average of squared gradients), same shape as the parameters.
    public var v: Tensor
    /// Steps taken so far; 0 at the start.
    public var t: Int

    /// Zero moments and t = 0, shaped like `parameters`.
    public init(like parameters: Tensor) {
        m = Tensor(zeros: parameters.shape)
        v = Tensor(zeros: parameters.shape)
        t = 0
    }

    /// A state with explicit values (for resuming or testing).
    public init(m: Tensor, v: Tensor, t: Int) {
        self.m = m
        self.v = v
        self.t = t
    }
}
