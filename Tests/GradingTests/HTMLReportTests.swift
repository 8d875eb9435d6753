import Foundation
@testable import Grading
@testable import GradingCore
import XCTest

/// The HTML report's page and charts, from hand-built reports (the real batch and a real browser are in
/// HTMLReportBrowserTests).
final class HTMLReportTests: XCTestCase {
    static let hostile = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>&'"

    /// A report whose every student-controlled string tries to open a tag or leave an attribute.
    static var hostileReport: SubmissionReport {
        var report = ReportFixtures.full(name: hostile)
        report.notices = ["The file \(hostile).txt was ignored."]
        report.exercises[0].message = "message " + hostile
        report.exercises[0].tests[1].studentOutput = "</pre>" + hostile
        report.exercises[0].tests[1].input = "input " + hostile
        report.exercises[3].diagnostics[0].message = "cannot find '\(hostile)' in scope"
        return report
    }

    func testEscapeCoversTagsQuotesAndAmpersands() {
        XCTAssertEqual(HTML.escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        XCTAssertEqual(HTML.escape("plain ünïcode ≤ 1e-8"), "plain ünïcode ≤ 1e-8")
        XCTAssertFalse(HTML.escape("a\u{0}b\u{1B}[31m").contains("\u{1B}"), "control characters do not reach the page")
    }

    func testStudentControlledTextNeverBecomesMarkup() {
        for page in [HTMLReport.classPage(reports: [Self.hostileReport, ReportFixtures.full()], exerciseIDs: ["softmax", "he-init", "dropout", "adam", "conv2d"]),
                     HTMLReport.studentPage(Self.hostileReport)] {
            XCTAssertFalse(page.lowercased().contains("<script"), "no script element, from the grader or a student")
            XCTAssertFalse(page.contains("<img"))
            XCTAssertFalse(page.contains("onerror=alert(1)>"))
            XCTAssertTrue(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&#39;"))
            let withoutNamespaces = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            XCTAssertFalse(withoutNamespaces.contains("http://") || withoutNamespaces.contains("https://") || page.contains("url("),
                           "nothing is fetched from the network")
            XCTAssertFalse(page.contains("@import") || page.contains("@font-face") || page.contains("<link"), "no external styles or fonts")
        }
    }

    func testClassPageHasTheSummaryPassRatesMisconceptionsSlowestAndNotices() {
        var slow = ReportFixtures.full(name: "slow-student")
        slow.timings.totalSeconds = 99.5
        let reports = [ReportFixtures.full(name: "alice"), slow,
                       ReportFixtures.simple("carol", [("softmax", 5, 5, .passed)], misconceptions: ["softmax": ["no-max-shift"]])]
        let page = HTMLReport.classPage(reports: reports, exerciseIDs: ["softmax", "he-init", "dropout", "adam", "conv2d"],
                                        notices: ["bob/report.json could not be read."])
        // huge-logits passed for no one of three; small-rows for alice, slow-student (not carol, whose tests are "points").
        XCTAssertTrue(page.contains("<td>small-rows</td><td>visible</td><td class=\"num\">2 of 3</td>"), page)
        XCTAssertTrue(page.contains("<td>secret-shapes</td><td>hidden</td><td class=\"num\">0 of 3</td>"))
        XCTAssertTrue(page.contains("<code>no-max-shift</code>"))
        XCTAssertTrue(page.contains("99.5"), "the slowest submission's time")
        XCTAssertLessThan(page.range(of: "slow-student</a></td><td class=\"num\">99.5")!.lowerBound,
                          page.range(of: "id=\"notices\"")!.lowerBound)
        XCTAssertTrue(page.contains("bob/report.json could not be read."))
        XCTAssertTrue(page.contains("graded with the sandbox <code>bubblewrap</code>"))
        XCTAssertTrue(page.contains("resource limits only"), "an rlimits-only run is called out")
        XCTAssertTrue(page.contains("The file notes.txt was ignored because it is not a Swift file."))
        XCTAssertTrue(page.contains("href=\"#student-2\""), "each student links to their section")
        XCTAssertTrue(page.contains("id=\"student-2\""))
        XCTAssertEqual(page.components(separatedBy: "<svg").count - 1, 1 + 5, "a total histogram and one per exercise")
    }

    func testStudentSectionShowsTheWorstElementToleranceMisconceptionAndFix() {
        let page = HTMLReport.studentPage(ReportFixtures.full())
        XCTAssertTrue(page.contains("probabilities[2, 5]: expected <b class=\"expected\">0.25</b>, got <b class=\"got\">nan</b>"), page)
        XCTAssertTrue(page.contains("3 of 28 elements outside the tolerance"))
        XCTAssertTrue(page.contains("|got − expected| ≤ 1e-10 + 1e-08·|expected|"))
        XCTAssertTrue(page.contains(HTML.escape(ReportFixtures.softmaxMisconception.summary)))
        XCTAssertTrue(page.contains(HTML.escape(ReportFixtures.softmaxMisconception.fix)))
        XCTAssertTrue(page.contains("cannot find &#39;beta&#39; in scope"), "compiler diagnostics are shown")
        XCTAssertFalse(page.contains("<h5>small-rows"), "passing tests are not listed as failing")
        XCTAssertTrue(page.contains("@media print"), "printable")
    }

    func testChartsCarryAxesLabelsUnitsAndMarkNonFiniteValues() {
        let line = SVG.lineChart([.init("yours", style: .student, x: [1, 2, 3], y: [1, .nan, 0.01]),
                                  .init("reference", style: .reference, x: [1, 2, 3], y: [1, 0.1, 0.01])],
                                 x: .init("layer"), y: .init("std", unit: "units", logarithmic: true), title: "t")
        XCTAssertTrue(line.contains(">std (units)</text>"))
        XCTAssertTrue(line.contains(">layer</text>"))
        XCTAssertTrue(line.contains(">1e-2</text>") && line.contains(">1e0</text>"), "decade ticks on a log axis")
        XCTAssertTrue(line.contains(">NaN</text>"))
        XCTAssertTrue(line.hasPrefix("<svg") && line.contains("width=\"560\" height=\"300\""))

        let histogram = SVG.histogram([0, 1, 1, 9.5, 10], range: 0...10, bins: 5, x: .init("score", unit: "points"), y: .init("n"), title: "h")
        XCTAssertTrue(histogram.contains("<title>3 in [0, 2)</title>"), histogram)
        XCTAssertTrue(histogram.contains("<title>2 in [8, 10]</title>"), "the top edge belongs to the last bin")

        let map = SVG.heatMap(rows: 2, columns: 3, values: [0, 1, 2, 3, 4, .nan], valueLabel: "|d|", x: .init("c"), y: .init("r"), title: "m")
        XCTAssertEqual(map.components(separatedBy: "<title>[").count - 1, 6)
        XCTAssertTrue(map.contains("<title>[1, 2]: no value</title>"))
    }

    func testReportFolderReadsReportsInGradebookOrderAndNamesWhatIsMissing() throws {
        let out = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("html-folder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let names = ["zed, the \"last\"", "amy"]
        for name in names {
            try ReportIO.write(ReportFixtures.full(name: name), to: out.appendingPathComponent(name).appendingPathComponent("report.json"))
        }
        try FileManager.default.createDirectory(at: out.appendingPathComponent("broken"), withIntermediateDirectories: true)
        try Data("{".utf8).write(to: out.appendingPathComponent("broken/report.json"))
        let reports = names.map { ReportFixtures.full(name: $0) } + [ReportFixtures.full(name: "ghost")]
        let csv = GradesCSV.make(reports: reports, exerciseIDs: ["softmax", "he-init"])
        try csv.write(to: out.appendingPathComponent("grades.csv"), atomically: true, encoding: .utf8)

        let folder = try ReportFolder.read(out)
        XCTAssertEqual(folder.reports.map(\.submission), ["amy", "zed, the \"last\""], "grades.csv's order, quoted names read back")
        XCTAssertEqual(folder.exerciseIDs, ["softmax", "he-init"])
        XCTAssertTrue(folder.notices.contains { $0.hasPrefix("broken/report.json could not be read") }, "\(folder.notices)")
        XCTAssertTrue(folder.notices.contains { $0.contains("lists ghost") }, "\(folder.notices)")
        XCTAssertTrue(folder.notices.contains { $0.contains("--html` records them") }, "the fixtures have no pictures: \(folder.notices)")

        let url = try folder.writeHTML(to: out)
        let page = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(page.contains("broken/report.json could not be read"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("amy/report.html").path), "each student's own page")
    }

    func testReadingAFolderWithoutReportsSaysWhatToRun() throws {
        let empty = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("html-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try ReportFolder.read(empty)) { error in
            XCTAssertTrue("\(error)".contains("grader batch SUBMISSIONS --out"), "\(error)")
        }
        XCTAssertThrowsError(try ReportFolder.read(empty.appendingPathComponent("nope"))) { error in
            XCTAssertTrue("\(error)".contains("is not a folder"), "\(error)")
        }
    }
}
