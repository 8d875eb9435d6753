import Foundation
import XCTest
@testable import Grading
@testable import GradingCore
import TensorKit

/// The HTML report end to end: the real `grader batch --html` over compiled, sandboxed submissions (two from the
/// sample class and one with a hostile name and output), `grader report` over its folder, `grader check --html`,
/// and the pages rendered by a real browser — Debian's chromium, headless, with no network — which must load
/// without errors, give every chart a size, show the expected numbers in its DOM, and leave screenshots in
/// `.build/test-artifacts/` for a person to look at.
final class HTMLReportBrowserTests: XCTestCase {
    static let hostileName = "<img src=x onerror=alert(1)>&\"'"
    static let hostileOutput = "</pre><script>document.title='pwned'</script><img src=x onerror=alert(2)>"
    static let artifacts = TestPackage.sourceRoot.appendingPathComponent(".build/test-artifacts")

    private var package: TestPackage!
    private var binary: URL!
    private var chromium: String!

    override func setUpWithError() throws {
        guard let binary = CLITests.graderBinary() else {
            throw XCTSkip("The grader binary is not built (swift build --product grader); these tests need it.")
        }
        self.binary = binary
        chromium = try XCTUnwrap(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                 "Debian's chromium is needed to render the report; `make browser-deps` (part of `make test`) installs it.")
        package = try TestPackage.shared()
    }

    private func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> ProcessRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? package.root
        return try ProcessRun.collect(process)
    }

    /// Chromium headless, offline: in a new network namespace with no interfaces up where `unshare` allows it, and
    /// with every request sent to a closed proxy in any case.
    private func browser(_ arguments: [String]) throws -> ProcessRun {
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-sync", "--disable-component-update", "--disable-extensions", "--hide-scrollbars",
                     "--proxy-server=socks5://127.0.0.1:9", "--enable-logging=stderr", "--v=0"]
        let offline = (try? run("/usr/bin/unshare", ["-n", "true"]))?.status == 0
        return offline ? try run("/usr/bin/unshare", ["-n", "/usr/bin/timeout", "120", chromium] + flags + arguments)
                       : try run("/usr/bin/timeout", ["120", chromium] + flags + arguments)
    }

    /// Console messages from the report's own page (failed loads and script errors show up there), other than
    /// `allowed`; the browser's internal pages (chrome://) log things of their own.
    private func consoleProblems(_ stderr: String, allowed: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter {
            ($0.contains(":CONSOLE") || $0.contains("net::ERR") || $0.contains("Uncaught")) && $0.contains("file://")
                && !$0.contains(allowed)
        }
    }

    func testBatchHTMLRendersOfflineInChromiumWithChartsNumbersAndNoInjectedMarkup() throws {
        let submissions = try package.scratchFolder("html-class")
        for sample in ["bob-partial", "frank-mixed"] {
            try FileManager.default.copyItem(at: TestPackage.sourceRoot.appendingPathComponent("grading/samples/\(sample)"),
                                             to: submissions.appendingPathComponent(sample))
        }
        var softmax = try TestPackage.fixture("grading/fixtures/misconceptions/softmax/no-max-shift/Softmax.swift")
        softmax = softmax.replacingOccurrences(of: "public func softmax(_ logits: Tensor) -> Tensor {",
                                               with: "public func softmax(_ logits: Tensor) -> Tensor {\n    print(\"\(Self.hostileOutput.replacingOccurrences(of: "\"", with: "\\\""))\")")
        XCTAssertTrue(softmax.contains("print("))
        try package.makeSubmission(in: submissions, name: Self.hostileName, overrides: ["Softmax.swift": softmax])
        let out = try package.scratchFolder("html-out")

        let batch = try run(binary.path, ["batch", submissions.path, "--out", out.path, "--html", "--jobs", "2", "--seed", "7"])
        XCTAssertEqual(batch.status, 0, batch.stdout + batch.stderr)
        let page = out.appendingPathComponent("report.html")
        XCTAssertTrue(batch.stdout.contains("HTML report: \(page.path)"), batch.stdout)

        // Batch gives each submission an output-safe name; the hostile one keeps only its letters.
        let names = try BatchRunner.listSubmissions(in: submissions, excluding: out).map(\.name)
        XCTAssertEqual(names.count, 3)
        var reports: [SubmissionReport] = []
        for name in names {
            let url = out.appendingPathComponent(name).appendingPathComponent("report.json")
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
            XCTAssertLessThan(size, 1_000_000, "\(name)'s report.json must stay under 1 MB")
            let report = try assertSchemaValidFile(url)
            reports.append(report)
            for exercise in report.exercises where exercise.status == .passed && exercise.id != "conv2d" {
                XCTAssertFalse(exercise.figures?.isEmpty ?? true, "\(name)/\(exercise.id) should have pictures")
            }
        }
        let hostile = try XCTUnwrap(reports.first { $0.submission.hasPrefix("_img") }, "\(names)")
        let nanBars = try XCTUnwrap(hostile.exercise("softmax")?.figures?.first { $0.id == "huge-logits" })
        XCTAssertTrue(nanBars.series.first { $0.role == .student }!.y.contains { $0.isNaN }, "drawn from the student's own softmax in the sandbox")
        let frank = try XCTUnwrap(reports.first { $0.submission == "frank-mixed" })
        XCTAssertNotNil(frank.exercise("conv2d")?.figures?.first { $0.id == "error-map" }, "frank's failing conv2d gets a heat map")

        // `grader report` draws the same page again from the folder alone.
        let batchPage = try String(contentsOf: page, encoding: .utf8)
        try FileManager.default.removeItem(at: page)
        let again = try run(binary.path, ["report", out.path])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertEqual(try String(contentsOf: page, encoding: .utf8), batchPage, "grader report OUT rebuilds exactly the page batch --html wrote")

        // A report.json from elsewhere (hand-edited, another tool) can carry any name: still only text on the page.
        var tampered = hostile
        tampered.submission = Self.hostileName
        tampered.notices.append("Notice " + Self.hostileName)
        try ReportIO.write(tampered, to: out.appendingPathComponent("tampered/report.json"))
        reports.append(tampered)
        let report = try run(binary.path, ["report", out.path])
        XCTAssertEqual(report.status, 0, report.stdout + report.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertFalse(html.lowercased().contains("<script"), "no script at all, and none injected")
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains(" src=\"") || html.contains("href=\"http") || html.contains("url("), "nothing to fetch")

        // The browser: load with a measuring script appended to a copy (the report itself has none).
        let measured = out.appendingPathComponent("measured.html")
        let probe = "<script>(function(){var sizes=[].map.call(document.querySelectorAll('svg'),function(s){var b=s.getBoundingClientRect();return [b.width,b.height]});var p=document.createElement('pre');p.id='svg-sizes';p.textContent=JSON.stringify(sizes);document.body.appendChild(p);console.log('measured '+sizes.length+' charts, title '+document.title)})();</script></body>"
        try html.replacingOccurrences(of: "</body>", with: probe).write(to: measured, atomically: true, encoding: .utf8)
        let dump = try browser(["--dump-dom", measured.absoluteString])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertEqual(consoleProblems(dump.stderr, allowed: "measured "), [], "the page loads without errors")
        XCTAssertTrue(dump.stderr.contains("title Class report: training-basics"), "the title is the grader's, not 'pwned'")
        let dom = dump.stdout
        let sizesText = try XCTUnwrap(dom.range(of: "<pre id=\"svg-sizes\">").map { dom[$0.upperBound...] }?.prefix { $0 != "<" })
        let sizes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sizesText.utf8)) as? [[Double]])
        XCTAssertEqual(sizes.count, html.components(separatedBy: "<svg").count - 1, "every chart in the file is in the rendered page")
        XCTAssertGreaterThan(sizes.count, 10)
        XCTAssertTrue(sizes.allSatisfy { $0.count == 2 && $0[0] > 0 && $0[1] > 0 }, "every SVG has a non-empty size: \(sizes)")

        // The expected numbers, in the rendered DOM.
        let summary = ClassSummary(reports: reports, exerciseIDs: ["softmax", "he-init", "dropout", "adam", "conv2d"])
        XCTAssertTrue(dom.contains("4 submissions, mean total \(DisplayFormat.points(ClassSummary.rounded(summary.meanTotal))) of 100 points"), dom)
        let hugeLogitsPassed = reports.filter { $0.exercise("softmax")!.tests.contains { $0.name == "huge-logits" && $0.status == .passed } }.count
        XCTAssertTrue(dom.contains("<td>huge-logits</td><td>visible</td><td class=\"num\">\(hugeLogitsPassed) of 4</td>"))
        XCTAssertTrue(dom.contains("<code>no-max-shift</code>"))
        let worst = try XCTUnwrap(hostile.exercise("softmax")?.tests.first { $0.worst != nil }?.worst)
        XCTAssertTrue(dom.contains("expected <b class=\"expected\">\(DisplayFormat.value(worst.expected))</b>"), "the worst element's expected value")
        // The hostile name and output are text in the DOM, not elements.
        XCTAssertTrue(dom.contains("&lt;img src=x onerror=alert(1)&gt;&amp;\"'"), "the hostile name shows as text")
        XCTAssertTrue(dom.contains("&lt;/pre&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the hostile output shows as text")
        XCTAssertFalse(dom.contains("<img"))
        XCTAssertEqual(dom.components(separatedBy: "<script").count - 1, 1, "only the test's own measuring script")

        // Screenshots for a person: the class page and one student's own page.
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let shots = [("report-class.png", page, "1280,3200"),
                     ("report-student.png", out.appendingPathComponent("frank-mixed/report.html"), "1280,4200")]
        for (name, url, size) in shots {
            let png = Self.artifacts.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: png)
            let shot = try browser(["--window-size=\(size)", "--screenshot=\(png.path)", url.absoluteString])
            XCTAssertEqual(shot.status, 0, shot.stderr)
            XCTAssertEqual(consoleProblems(shot.stderr, allowed: "\u{0}"), [], "\(name): the page loads without errors")
            let data = try Data(contentsOf: png)
            XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(name) is a PNG")
            XCTAssertGreaterThan(data.count, 20_000, "\(name) shows more than a blank page")
        }
        // Printable: the student's page prints to PDF (one student per page in the class report's print style).
        let pdf = Self.artifacts.appendingPathComponent("report-student.pdf")
        try? FileManager.default.removeItem(at: pdf)
        let printed = try browser(["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", out.appendingPathComponent("frank-mixed/report.html").absoluteString])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        let pdfData = try Data(contentsOf: pdf)
        XCTAssertEqual(String(decoding: pdfData.prefix(5), as: UTF8.self), "%PDF-")
        XCTAssertGreaterThan(pdfData.count, 20_000)
    }

    func testCheckHTMLDrawsThePicturesOfTheStudentsOwnCode() throws {
        let student = try TestPackage(name: "html-check")
        defer { student.removeFiles() }
        try student.fillExercises(fromSolutions: true, overrides: [
            "Dropout.swift": try TestPackage.fixture("grading/fixtures/misconceptions/dropout/keep-probability/Dropout.swift"),
        ])
        let folder = try student.scratchFolder("page")
        let html = folder.appendingPathComponent("mine.html"), json = folder.appendingPathComponent("mine.json")
        let check = try run(binary.path, ["check", "dropout", "he-init", "--html", html.path, "--json", json.path], in: student.root)
        XCTAssertEqual(check.status, 1, "the keep-probability dropout fails: " + check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("HTML report: \(html.path)"), check.stdout)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("Fraction of units kept"))
        XCTAssertTrue(page.contains("Activation standard deviation per layer"))
        XCTAssertTrue(page.contains("keep-probability"), "the misconception and its fix are on the page")
        let report = try assertSchemaValidFile(json)
        let kept = try XCTUnwrap(report.exercise("dropout")?.figures?.first { $0.id == "kept-fraction" }?.series.first { $0.role == .student })
        XCTAssertEqual(kept.y[9], 0.9, accuracy: 0.05, "at p = 0.9 the student's own code keeps about 90%")
        XCTAssertTrue(page.contains("at p = 0.9"))
    }
}
