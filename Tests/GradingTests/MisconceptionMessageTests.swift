import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// A recognised misconception travels in its own field (every renderer gives it its own block); the test's message
/// explains the numbers and does not repeat the diagnosis.
final class MisconceptionMessageTests: XCTestCase {
    func testMessagesDoNotRepeatTheMisconception() {
        var ignoresMask = ExerciseImplementation.reference
        ignoresMask.dropoutBackward = { gradOutput, _ in gradOutput }
        let cases: [(exercise: String, implementation: ExerciseImplementation)] =
            SoftmaxMisconceptions.variants.map { ("softmax", $0.implementation) }
            + AdamMisconceptions.variants.map { ("adam", $0.implementation) }
            + Conv2DMisconceptions.variants.map { ("conv2d", $0.implementation) }
            + [("dropout", ignoresMask)]
        var named = 0
        for (exercise, implementation) in cases {
            for (name, judgement) in JudgeTests.grade(exercise, implementation, seed: 3) {
                guard let misconception = judgement.misconception else { continue }
                named += 1
                XCTAssertFalse(judgement.message.contains(misconception.summary), "\(exercise)/\(name): \(judgement.message)")
                XCTAssertFalse(judgement.message.contains(misconception.fix), "\(exercise)/\(name): \(judgement.message)")
                XCTAssertFalse(judgement.message.contains("(\(misconception.id))"), "\(exercise)/\(name): \(judgement.message)")
            }
        }
        XCTAssertGreaterThan(named, cases.count / 2, "too few misconceptions were named for this test to mean anything")
    }
}
