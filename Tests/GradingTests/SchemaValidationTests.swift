import XCTest
@testable import Grading
@testable import GradingCore

final class SchemaValidationTests: XCTestCase {
    private func encoded(_ report: SubmissionReport) throws -> Data { try ReportIO.encode(report) }

    /// Mutates the encoded report as a plain JSON object, to make a broken document.
    private func mutated(_ report: SubmissionReport, _ change: (inout [String: Any]) -> Void) throws -> Data {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded(report)) as? [String: Any])
        change(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    func testEveryFixtureReportIsValid() throws {
        let validator = try ReportFixtures.validator()
        let reports = [
            ReportFixtures.full(),
            ReportFixtures.full(name: "max-seed", seed: .max),
            ReportFixtures.simple("bob", [("softmax", 5, 5, .passed), ("dropout", 1.5, 4, .partial)],
                                  misconceptions: ["dropout": ["p-as-keep-probability"]]),
            SubmissionReport(submission: "empty", assignment: "stable-softmax", seed: 0, exercises: [], includesHidden: false, graderVersion: "1",
                             toolchain: "t", sandbox: "rlimits-only", timings: Timings(), notices: []),
        ]
        for report in reports {
            XCTAssertEqual(validator.validate(try encoded(report)), [], "report \(report.submission)")
        }
    }

    func testSchemaStatusesMatchTheModel() throws {
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: ReportFixtures.schemaURL)) as? [String: Any])
        let defs = try XCTUnwrap(schema["$defs"] as? [String: Any])
        let exercise = try XCTUnwrap((defs["exercise"] as? [String: Any])?["properties"] as? [String: Any])
        let statuses = try XCTUnwrap((exercise["status"] as? [String: Any])?["enum"] as? [String])
        XCTAssertEqual(Set(statuses), Set(ExerciseStatus.allCases.map(\.rawValue)))
        XCTAssertEqual(statuses.count, 9)
        XCTAssertEqual(Set(statuses), ["passed", "partial", "failed", "not-implemented", "compile-error", "crashed",
                                       "timed-out", "missing", "rejected"])
    }

    func testMissingRequiredFieldIsReported() throws {
        let data = try mutated(ReportFixtures.full()) { $0.removeValue(forKey: "seed") }
        XCTAssertEqual(try ReportFixtures.validator().validate(data), ["$: the required property 'seed' is missing."])
    }

    func testUnknownStatusIsReportedWithItsPath() throws {
        let data = try mutated(ReportFixtures.full()) { object in
            var exercises = object["exercises"] as! [[String: Any]]
            exercises[2]["status"] = "bogus"
            object["exercises"] = exercises
        }
        let errors = try ReportFixtures.validator().validate(data)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("$.exercises[2].status: 'bogus' is not one of passed, partial, failed"), errors[0])
    }

    func testWrongTypesAndExtraPropertiesAreReported() throws {
        let data = try mutated(ReportFixtures.full()) { object in
            object["score"] = "lots"
            object["grade"] = "A"
            var exercises = object["exercises"] as! [[String: Any]]
            var tests = exercises[0]["tests"] as! [[String: Any]]
            var worst = tests[1]["worst"] as! [String: Any]
            worst["got"] = "banana"
            tests[1]["worst"] = worst
            tests[0]["score"] = -1
            exercises[0]["tests"] = tests
            object["exercises"] = exercises
        }
        let errors = try ReportFixtures.validator().validate(data)
        XCTAssertTrue(errors.contains("$.score: expected number, found string 'lots'."), "\(errors)")
        XCTAssertTrue(errors.contains("$: the property 'grade' is not allowed here."), "\(errors)")
        XCTAssertTrue(errors.contains("$.exercises[0].tests[0].score: -1 is less than the minimum 0."), "\(errors)")
        XCTAssertTrue(errors.contains { $0.hasPrefix("$.exercises[0].tests[1].worst.got: 'banana' matches none") }, "\(errors)")
        XCTAssertEqual(errors.count, 4, "\(errors)")
    }

    func testNonFiniteStringsAreAllowedOnlyWhereStudentValuesGo() throws {
        let report = ReportFixtures.full()
        let text = String(decoding: try encoded(report), as: UTF8.self)
        XCTAssertTrue(text.contains("\"got\" : \"nan\""), text)
        XCTAssertTrue(text.contains("\"lowerBound\" : \"-inf\""), text)
        var broken = report
        broken.timings.totalSeconds = .infinity
        let errors = try ReportFixtures.validator().validate(encoded(broken))
        XCTAssertEqual(errors, ["$.timings.totalSeconds: expected number, found string 'inf'."])
    }

    func testEncodingRoundTripsThroughTheDecoder() throws {
        let data = try encoded(ReportFixtures.full())
        let decoded = try ReportIO.decoder().decode(SubmissionReport.self, from: data)
        XCTAssertEqual(try encoded(decoded), data)
        XCTAssertTrue(decoded.exercises[0].tests[1].worst!.got.isNaN)
        XCTAssertNil(decoded.exercises[1].tests[0].worst, "absent optionals stay absent")
        XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("\"worst\" : null"))
    }

    func testInvalidJSONIsReportedNotThrown() throws {
        let errors = try ReportFixtures.validator().validate(Data("{\"submission\": ".utf8))
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("$: the document is not valid JSON"), errors[0])
    }

    func testValidatorKeywordsOnASmallSchema() throws {
        let schema = """
        {"type": "object", "required": ["kind"], "properties": {
            "kind": {"const": "box"},
            "sizes": {"type": "array", "minItems": 2, "items": {"type": "integer", "maximum": 10}},
            "label": {"type": ["string", "null"], "pattern": "^[a-z]+$", "minLength": 2},
            "odd key": {"$ref": "#/$defs/flag"}},
         "additionalProperties": {"type": "number"},
         "$defs": {"flag": {"type": "boolean"}}}
        """
        let validator = try SchemaValidator(schemaData: Data(schema.utf8))
        XCTAssertEqual(validator.validate(Data(#"{"kind": "box", "sizes": [1, 10], "label": null, "odd key": true, "x": 2.5}"#.utf8)), [])
        let errors = validator.validate(Data(#"{"kind": "bag", "sizes": [11.5], "label": "A", "odd key": 1, "x": "y"}"#.utf8))
        XCTAssertEqual(errors, [
            "$.kind: expected exactly 'box', found 'bag'.",
            "$.label: 'A' is shorter than 2 characters.",
            "$.label: 'A' does not match the pattern ^[a-z]+$.",
            "$[\"odd key\"]: expected boolean, found integer 1.",
            "$.sizes: has 1 item, fewer than the minimum 2.",
            "$.sizes[0]: expected integer, found number 11.5.",
            "$.x: expected number, found string 'y'.",
        ])
    }

    func testSchemaWithADanglingReferenceIsRefused() {
        let schema = ##"{"properties": {"a": {"$ref": "#/$defs/nothing"}}}"##
        XCTAssertThrowsError(try SchemaValidator(schemaData: Data(schema.utf8))) { error in
            XCTAssertEqual(error as? SchemaValidatorError, .unresolvableReference("'#/$defs/nothing'"))
        }
    }
}
