import TensorKit

/// One request the grader sends to the student process: "call this exercise function with these arguments".
///
/// The student process never sees expected values; it only turns inputs into outputs. The meaning of the fields
/// for each `function` is fixed by the exercise that declares it (its `ExerciseFunction`s and call builders).
public struct WorkerCall: Sendable, Equatable {
    public var function: String
    public var tensors: [Tensor]
    public var numbers: [Double]
    public var integers: [Int]

    public init(function: String, tensors: [Tensor] = [], numbers: [Double] = [], integers: [Int] = []) {
        self.function = function
        self.tensors = tensors
        self.numbers = numbers
        self.integers = integers
    }
}

/// What the student process sends back for one call. Shapes are sent as the student's code left them: a tensor
/// whose `scalars.count` disagrees with its `shape` arrives intact, and the grader's judge reports it.
public struct WorkerReply: Sendable, Equatable {
    public var tensors: [Tensor]
    public var numbers: [Double]
    public var integers: [Int]

    public init(tensors: [Tensor] = [], numbers: [Double] = [], integers: [Int] = []) {
        self.tensors = tensors
        self.numbers = numbers
        self.integers = integers
    }
}

// Each exercise declares its functions' call layout next to its grader (Sources/Grading/Exercises/<Name>/
// <Name>Interface.swift): the driver compiled into the worker and the in-process simulation are both derived there,
// and so is the size of a reply each call can legitimately get back.

extension WorkerCall {
    /// The largest reply payload, in bytes, that a call can legitimately get back when a correct answer holds
    /// `elements` numbers in `tensors` tensors: twice the bytes of those elements (room for a wrong-but-honest
    /// answer of another shape), plus 64 KiB and the per-tensor headers. The grader reads no more than this, so a
    /// frame header announcing a gigabyte costs nothing.
    public static func replyLimit(elements: Int, tensors: Int) -> Int {
        let elements = Swift.min(Swift.max(0, elements), WireFormat.maximumElements)
        let tensors = Swift.min(Swift.max(0, tensors), 1 << 20)
        return Swift.min(WireFormat.maximumFrameBytes, (64 << 10) + 16 * elements + 128 * tensors)
    }

    /// The limit for a call no exercise declares (a student layer's gradcheck driver).
    public static let undeclaredReplyLimit = WireFormat.maximumFrameBytes / 4
}
