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
// <Name>Interface.swift): the driver compiled into the worker and the in-process simulation are both derived there.
