import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// `grader export`: LMS rosters read as the LMS writes them, grades written as Canvas and Moodle import them, and
/// nobody dropped silently.
final class GradebookExportTests: XCTestCase {
    func testCSVReadsQuotesLineBreaksAndTheByteOrderMark() throws {
        let text = "\u{FEFF}Student,ID,Note\r\n\"Smith, Ann\",101,\"said \"\"hi\"\"\nthen left\"\r\n\r\nLee,102,\n"
        let table = try CSVTable.parse(text)
        XCTAssertEqual(table.header, ["Student", "ID", "Note"])
        XCTAssertEqual(table.rows, [["Smith, Ann", "101", "said \"hi\"\nthen left"], ["Lee", "102", ""]])
        XCTAssertEqual(table.column(named: " id "), 1)
        XCTAssertEqual(try CSVTable.parse(CSVTable.render([table.header] + table.rows)), table)
        XCTAssertThrowsError(try CSVTable.parse("a,b\n1,\"open\n2,3\n")) {
            XCTAssertEqual($0 as? CSVTable.ParseError, .unclosedQuote(line: 2))
        }
        XCTAssertThrowsError(try CSVTable.parse("")) { XCTAssertEqual($0 as? CSVTable.ParseError, .empty) }
    }

    /// alice (20 of 25 points) and bob are graded; zed's submission is on no roster row; carol has no submission.
    let reports: [SubmissionReport] = {
        var alice = ReportFixtures.full(name: "alice_uni.edu")
        alice.exercises = [ReportFixtures.passingHeInit, ReportFixtures.missingConv]
        alice.score = 3
        alice.maxScore = 7
        var bob = alice
        bob.submission = "bob"
        bob.score = 7
        var zed = alice
        zed.submission = "zed"
        return [alice, bob, zed]
    }()

    func testCanvasImportHasItsIdentityColumnsAndAPointsPossibleRow() throws {
        // A Canvas gradebook export, "Points Possible" row included, as the roster.
        let roster = try CSVTable.parse("""
            Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (77)
                Points Possible,,,,,10
            "Liddell, Alice",11,S-1,alice@uni.edu,Lab A,
            "Builder, Bob",12,S-2,BOB,Lab B,
            "Carroll, Carol",13,S-3,carol,Lab A,

            """)
        let export = try GradebookExport.make(
            roster: roster, reports: reports, exerciseIDs: ["he-init", "conv2d"],
            options: .init(format: .canvas, assignmentName: "Training basics", canvasAssignmentID: "4021", perExercise: true))
        let table = try CSVTable.parse(export.text)
        XCTAssertEqual(table.header, ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Training basics (4021)",
                                      "Training basics: he-init", "Training basics: conv2d"])
        XCTAssertEqual(table.rows, [
            ["Points Possible", "", "", "", "", "7", "3", "4"],
            ["Liddell, Alice", "11", "S-1", "alice@uni.edu", "Lab A", "3", "3", "0"],
            ["Builder, Bob", "12", "S-2", "BOB", "Lab B", "7", "3", "0"],
            ["Carroll, Carol", "13", "S-3", "carol", "Lab A", "", "", ""],
        ])
        XCTAssertTrue(export.text.hasSuffix("\r\n"))
        XCTAssertEqual(export.submissionsNotOnRoster, ["zed"])
        XCTAssertEqual(export.rosterWithoutSubmission, ["carol"])
        XCTAssertEqual(export.repeatedRosterValues, [])
    }

    func testMoodleImportKeepsTheIdentityColumnsAndMatchesByTheChosenColumn() throws {
        let roster = try CSVTable.parse("""
            First name,Last name,ID number,Institution,Department,Email address,Last downloaded from this course
            Alice,Liddell,1001,Uni,CS,alice@uni.edu,1700000000
            Bob,Builder,bob,Uni,CS,bob@uni.edu,1700000000
            Carol,Carroll,1003,Uni,CS,carol@uni.edu,1700000000
            """)
        let byEmail = try GradebookExport.make(roster: roster, reports: reports, exerciseIDs: ["he-init", "conv2d"],
                                               options: .init(format: .moodle, assignmentName: "Training basics", missingAsZero: true))
        XCTAssertEqual(try CSVTable.parse(byEmail.text), CSVTable(
            header: ["First name", "Last name", "ID number", "Institution", "Department", "Email address", "Training basics"],
            rows: [["Alice", "Liddell", "1001", "Uni", "CS", "alice@uni.edu", "3"],
                   ["Bob", "Builder", "bob", "Uni", "CS", "bob@uni.edu", "0"],
                   ["Carol", "Carroll", "1003", "Uni", "CS", "carol@uni.edu", "0"]]))
        XCTAssertEqual(byEmail.submissionsNotOnRoster, ["bob", "zed"])
        XCTAssertEqual(byEmail.rosterWithoutSubmission, ["bob@uni.edu", "carol@uni.edu"])

        let byIDNumber = try GradebookExport.make(roster: roster, reports: reports, exerciseIDs: ["he-init", "conv2d"],
                                                  options: .init(format: .moodle, matchColumn: "ID number", assignmentName: "T"))
        XCTAssertEqual(byIDNumber.submissionsNotOnRoster, ["alice_uni.edu", "zed"])
        XCTAssertEqual(try CSVTable.parse(byIDNumber.text).rows[1].last, "7")
    }

    func testPlainCSVAndAnUnknownMatchColumn() throws {
        let roster = try CSVTable.parse("login,name\nbob,Bob\nbob,Bob again\n")
        let export = try GradebookExport.make(roster: roster, reports: reports, exerciseIDs: ["he-init", "conv2d"],
                                              options: .init(format: .csv, assignmentName: "T"))
        XCTAssertEqual(try CSVTable.parse(export.text).header, ["login", "submission", "he-init", "conv2d", "total", "max_total"])
        XCTAssertEqual(try CSVTable.parse(export.text).rows.first, ["bob", "bob", "3", "0", "7", "7"])
        XCTAssertEqual(export.repeatedRosterValues, ["bob"])
        XCTAssertThrowsError(try GradebookExport.make(roster: roster, reports: reports, exerciseIDs: [],
                                                      options: .init(format: .canvas, assignmentName: "T"))) {
            XCTAssertEqual($0 as? GradebookExport.ExportError, .noSuchColumn("SIS Login ID", header: ["login", "name"]))
            XCTAssertTrue("\($0)".contains("--match-column"), "\($0)")
        }
    }
}
