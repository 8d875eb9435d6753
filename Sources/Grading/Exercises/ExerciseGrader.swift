import GradingCore

/// The instructor's side of one exercise: besides what the pipeline needs (`GradableExercise`), the reference
/// engine's implementation and the known wrong variants. None of this is needed to grade a submission from
/// recorded tests, and none of it may reach a student.
public protocol ExerciseGrader: GradableExercise {
    /// Every known mistake as runnable code (a misconception may have several variants, one per common way of
    /// writing it). Each misconception has a fixture under `grading/fixtures/misconceptions/<exercise id>/<id>/`.
    var variants: [WrongVariant] { get }
    /// The reference engine's functions for this exercise, answering its calls in-process.
    var reference: ExerciseImplementation { get }
}

extension ExerciseGrader {
    /// Every misconception this exercise's tests can name, once each, in the order of `variants`.
    public var misconceptions: [Misconception] {
        var seen: Set<String> = []
        return variants.map(\.misconception).filter { seen.insert($0.id).inserted }
    }
}
