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

/// An exercise whose tests are an enum of their manifest names: the test list and the lookup of a manifest spec come
/// from the enum, so a test cannot exist without its case, and a name outside it is a programming error (the
/// manifest is validated against `testNames` before any test is made).
public protocol TypedTests {
    associatedtype Test: RawRepresentable, CaseIterable where Test.RawValue == String
}

extension TypedTests {
    public var testNames: [String] { Test.allCases.map(\.rawValue) }

    func test(_ spec: TestSpec) -> Test {
        guard let test = Test(rawValue: spec.name) else {
            preconditionFailure("\(Self.self) has no test named '\(spec.name)'; the manifest should have been validated.")
        }
        return test
    }
}
