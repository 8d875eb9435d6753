import Foundation
import TensorKit

/// `report.html`: one self-contained page (inline CSS and SVG, no script, no fonts or files fetched) that reads
/// offline and prints. The class page has the summary, per exercise a score histogram, the status counts and the
/// pass rate of every test, the misconception frequencies, the slowest submissions and the notices; then one
/// section per student (linked from the class table) with the pictures of their code and their failing tests.
/// `grader check --html` writes the student section alone.
///
/// Everything a submission controls (its name, its output, messages quoting it) is escaped by `HTML.escape`.
public enum HTMLReport {
    /// The class page from every submission's report. `notices` are the reader's own (reports that could not be read).
    public static func classPage(reports: [SubmissionReport], exerciseIDs: [String], notices: [String] = []) -> String {
        let summary = ClassSummary(reports: reports, exerciseIDs: exerciseIDs)
        let assignments = Set(reports.map(\.assignment)).sorted().joined(separator: ", ")
        var body = "<header><h1>Class report: \(e(assignments.isEmpty ? "no submissions" : assignments))</h1>"
        body += "<p class=\"lead\">\(e(DisplayFormat.count(reports.count, "submission"))), mean total \(pts(summary.meanTotal)) of \(pts(summary.maxTotal)) points"
        body += "; seeds \(e(Set(reports.map { String($0.seed) }).sorted().joined(separator: ", "))); grader \(e(Set(reports.map(\.graderVersion)).sorted().joined(separator: ", "))).</p></header>"
        body += "<nav><a href=\"#summary\">Summary</a> · <a href=\"#exercises\">Exercises</a> · <a href=\"#misconceptions\">Misconceptions</a> · <a href=\"#slowest\">Slowest</a> · <a href=\"#notices\">Notices</a> · <a href=\"#students\">Students</a></nav>"
        body += summarySection(summary, reports: reports)
        body += "<section id=\"exercises\"><h2>Exercises</h2>"
        for line in summary.exercises { body += exerciseSection(line, reports: reports) }
        body += "</section>"
        body += misconceptionSection(summary)
        body += slowestSection(reports)
        body += noticesSection(reports, extra: notices)
        body += studentTable(reports, exerciseIDs: exerciseIDs)
        for (index, report) in reports.enumerated() {
            body += studentSection(report, anchor: anchor(index), backLink: true)
        }
        return page(title: "Class report: \(assignments)", body: body)
    }

    /// One student's page (what `grader check --html` writes).
    public static func studentPage(_ report: SubmissionReport) -> String {
        page(title: "Report: \(report.submission)", body: studentSection(report, anchor: "student", backLink: false))
    }

    static func anchor(_ index: Int) -> String { "student-\(index + 1)" }

    // MARK: Class sections

    static func summarySection(_ summary: ClassSummary, reports: [SubmissionReport]) -> String {
        var out = "<section id=\"summary\"><h2>Summary</h2><table><thead><tr><th>exercise</th><th>max</th><th>mean</th><th>median</th>"
        let statuses = ExerciseStatus.allCases.filter { status in summary.exercises.contains { ($0.statusCounts[status] ?? 0) > 0 } }
        out += statuses.map { "<th>\(e($0.rawValue))</th>" }.joined() + "</tr></thead><tbody>"
        for line in summary.exercises {
            out += "<tr><td><a href=\"#exercise-\(e(line.id))\">\(e(line.id))</a></td><td class=\"num\">\(pts(line.maxScore))</td>"
            out += "<td class=\"num\">\(pts(line.mean))</td><td class=\"num\">\(pts(line.median))</td>"
            out += statuses.map { "<td class=\"num\">\(line.statusCounts[$0] ?? 0)</td>" }.joined() + "</tr>"
        }
        out += "</tbody></table>"
        out += figureBlock(SVG.histogram(reports.map(\.score), range: 0...max(summary.maxTotal, 1), bins: 10,
                                         x: .init("total score", unit: "points"), y: .init("submissions"),
                                         title: "Total scores"), caption: "Total scores of the \(DisplayFormat.count(reports.count, "submission")), in ten bins of \(DisplayFormat.points(max(summary.maxTotal, 1) / 10)) points.")
        return out + "</section>"
    }

    static func exerciseSection(_ line: ClassSummary.ExerciseLine, reports: [SubmissionReport]) -> String {
        let found = reports.compactMap { $0.exercises.first { $0.id == line.id } }
        var out = "<section class=\"exercise\" id=\"exercise-\(e(line.id))\"><h3>\(e(line.id))</h3><div class=\"row\">"
        let scores = found.map(\.score) + Array(repeating: 0, count: reports.count - found.count)
        let bins = max(1, min(10, Int(line.maxScore.rounded(.up))))
        out += figureBlock(SVG.histogram(scores, range: 0...max(line.maxScore, 1), bins: bins,
                                         x: .init("score", unit: "points"), y: .init("submissions"),
                                         title: "\(line.id): scores"),
                           caption: "Scores for \(line.id): mean \(DisplayFormat.points(ClassSummary.rounded(line.mean))), median \(DisplayFormat.points(ClassSummary.rounded(line.median))) of \(DisplayFormat.points(line.maxScore)) points.")
        out += "<div><h4>Status counts</h4><table class=\"counts\">"
        for status in ExerciseStatus.allCases {
            let count = line.statusCounts[status] ?? 0
            guard count > 0 else { continue }
            out += "<tr><td><span class=\"status \(e(status.rawValue))\">\(e(status.rawValue))</span></td><td class=\"num\">\(count)</td>\(bar(Double(count), of: Double(max(reports.count, 1)), label: "\(count) of \(reports.count)"))</tr>"
        }
        out += "</table>"
        // Every test of the exercise, in the order reports list them; a test a report lacks (not run) counts as not passed.
        var names: [(String, Visibility)] = []
        for exercise in found { for test in exercise.tests where !names.contains(where: { $0.0 == test.name }) { names.append((test.name, test.visibility)) } }
        out += "<h4>Pass rate of every test</h4><table class=\"rates\"><thead><tr><th>test</th><th>visibility</th><th>passed</th><th>rate</th></tr></thead><tbody>"
        for (name, visibility) in names {
            let passed = found.filter { $0.tests.contains { $0.name == name && $0.status == .passed } }.count
            let total = max(reports.count, 1)
            let percent = Int((100 * Double(passed) / Double(total)).rounded())
            out += "<tr><td>\(e(name))</td><td>\(e(visibility.rawValue))</td><td class=\"num\">\(passed) of \(reports.count)</td>\(bar(Double(passed), of: Double(total), label: "\(percent)%"))</tr>"
        }
        return out + "</tbody></table></div></div></section>"
    }

    static func misconceptionSection(_ summary: ClassSummary) -> String {
        var out = "<section id=\"misconceptions\"><h2>Misconceptions</h2>"
        guard let most = summary.misconceptions.first?.count else {
            return out + "<p>No known misconception was recognised in any submission.</p></section>"
        }
        out += "<p>How many submissions showed each known mistake (once per submission and exercise).</p><table class=\"rates\"><thead><tr><th>exercise</th><th>misconception</th><th>what it is</th><th>submissions</th></tr></thead><tbody>"
        for item in summary.misconceptions {
            out += "<tr><td>\(e(item.exercise))</td><td><code>\(e(item.id))</code></td><td class=\"summary\">\(e(item.summary))</td>\(bar(Double(item.count), of: Double(most), label: String(item.count)))</tr>"
        }
        return out + "</tbody></table></section>"
    }

    static func slowestSection(_ reports: [SubmissionReport], limit: Int = 5) -> String {
        var out = "<section id=\"slowest\"><h2>Slowest submissions</h2><table><thead><tr><th>submission</th><th>total (s)</th><th>compile (s)</th><th>run (s)</th><th>judge (s)</th></tr></thead><tbody>"
        let indexed = reports.enumerated().sorted { $0.element.timings.totalSeconds > $1.element.timings.totalSeconds }
        for (index, report) in indexed.prefix(limit) {
            let t = report.timings
            out += "<tr><td><a href=\"#\(anchor(index))\">\(e(report.submission))</a></td>" + [t.totalSeconds, t.compileSeconds, t.runSeconds, t.judgeSeconds]
                .map { "<td class=\"num\">\(e(DisplayFormat.seconds($0)))</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table></section>"
    }

    static func noticesSection(_ reports: [SubmissionReport], extra: [String]) -> String {
        var out = "<section id=\"notices\"><h2>Notices</h2><ul>"
        var sandboxes: [String: Int] = [:]
        for report in reports { sandboxes[report.sandbox, default: 0] += 1 }
        for (kind, count) in sandboxes.sorted(by: { $0.key < $1.key }) {
            let warning = kind != "bubblewrap"
            out += "<li class=\"\(warning ? "warn" : "")\">\(e(DisplayFormat.count(count, "submission"))) graded with the sandbox <code>\(e(kind))</code>\(warning ? ": student code ran without bubblewrap's isolation, with resource limits only." : ".")</li>"
        }
        for message in extra { out += "<li class=\"warn\">\(e(message))</li>" }
        for (index, report) in reports.enumerated() {
            for notice in report.notices {
                out += "<li><a href=\"#\(anchor(index))\">\(e(report.submission))</a>: \(e(notice))</li>"
            }
        }
        return out + "</ul></section>"
    }

    static func studentTable(_ reports: [SubmissionReport], exerciseIDs: [String]) -> String {
        var out = "<section id=\"students\"><h2>Students</h2><table><thead><tr><th>submission</th><th>total</th>"
        out += exerciseIDs.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
        for (index, report) in reports.enumerated() {
            out += "<tr><td><a href=\"#\(anchor(index))\">\(e(report.submission))</a></td><td class=\"num\">\(pts(report.score)) / \(pts(report.maxScore))</td>"
            for id in exerciseIDs {
                if let exercise = report.exercises.first(where: { $0.id == id }) {
                    out += "<td class=\"num\"><span class=\"status \(e(exercise.status.rawValue))\" title=\"\(e(exercise.status.rawValue))\">\(pts(exercise.score))</span></td>"
                } else {
                    out += "<td class=\"num\">—</td>"
                }
            }
            out += "</tr>"
        }
        return out + "</tbody></table></section>"
    }

    // MARK: Student section

    static func studentSection(_ report: SubmissionReport, anchor: String, backLink: Bool) -> String {
        var out = "<section class=\"student\(backLink ? "" : " standalone")\" id=\"\(anchor)\"><h2>\(e(report.submission))</h2>"
        out += "<p class=\"lead\">\(pts(report.score)) of \(pts(report.maxScore)) points · assignment \(e(report.assignment)) · seed \(report.seed) · \(report.includesHidden ? "visible and hidden tests" : "visible tests only") · sandbox \(e(report.sandbox))\(backLink ? " · <a href=\"#students\">back to the class</a>" : "")</p>"
        out += "<table class=\"overview\"><thead><tr><th>exercise</th><th>status</th><th>points</th><th>failing tests</th></tr></thead><tbody>"
        for exercise in report.exercises {
            let failing = exercise.tests.filter { $0.status != .passed && $0.status != .skipped }.count
            out += "<tr><td><a href=\"#\(anchor)-\(e(exercise.id))\">\(e(exercise.id))</a></td><td><span class=\"status \(e(exercise.status.rawValue))\">\(e(exercise.status.rawValue))</span></td><td class=\"num\">\(pts(exercise.score)) / \(pts(exercise.maxScore))</td><td class=\"num\">\(failing)</td></tr>"
        }
        out += "</tbody></table>"
        if !report.notices.isEmpty {
            out += "<ul class=\"notices\">" + report.notices.map { "<li class=\"warn\">\(e($0))</li>" }.joined() + "</ul>"
        }
        for exercise in report.exercises {
            out += "<div class=\"exercise-result\" id=\"\(anchor)-\(e(exercise.id))\"><h3>\(e(exercise.id)) <span class=\"status \(e(exercise.status.rawValue))\">\(e(exercise.status.rawValue))</span> <span class=\"points\">\(pts(exercise.score)) / \(pts(exercise.maxScore))</span></h3>"
            out += "<p>\(e(exercise.message))</p>"
            if !exercise.diagnostics.isEmpty {
                out += "<pre class=\"output\">" + exercise.diagnostics.prefix(20).map { e("\($0.file):\($0.line):\($0.column): \($0.severity): \($0.message)") }.joined(separator: "\n") + "</pre>"
            }
            if let figures = exercise.figures, !figures.isEmpty {
                out += "<div class=\"row\">" + figures.map(figure).joined() + "</div>"
            }
            let failing = exercise.tests.filter { $0.status != .passed && $0.status != .skipped }
            if !failing.isEmpty { out += "<h4>Failing tests</h4>" + failing.map(failingTest).joined() }
            out += "</div>"
        }
        return out + "</section>"
    }

    static func failingTest(_ test: TestReport) -> String {
        var out = "<div class=\"test\"><h5>\(e(test.name)) <span class=\"status \(e(test.status.rawValue))\">\(e(test.status.rawValue))</span> <span class=\"points\">\(pts(test.score)) / \(pts(test.maxScore))</span>\(test.visibility == .hidden ? " <span class=\"hidden\">hidden</span>" : "")</h5><dl>"
        if !test.input.isEmpty { out += "<dt>Input</dt><dd>\(e(test.input))</dd>" }
        out += "<dt>What happened</dt><dd>\(e(test.message))</dd>"
        if let worst = test.worst {
            let index = worst.index.map(String.init).joined(separator: ", ")
            out += "<dt>Worst element</dt><dd>\(e(worst.tensor))[\(e(index))]: expected <b class=\"expected\">\(e(DisplayFormat.value(worst.expected)))</b>, got <b class=\"got\">\(e(DisplayFormat.value(worst.got)))</b> (absolute error \(e(DisplayFormat.value(worst.absoluteError))), relative error \(e(DisplayFormat.value(worst.relativeError)))); \(worst.mismatched) of \(worst.total) elements outside the tolerance.</dd>"
        }
        if let tolerance = test.tolerance { out += "<dt>Tolerance</dt><dd><code>\(e(ScoreFormatting.rule(tolerance)))</code></dd>" }
        if !test.checks.isEmpty {
            out += "<dt>Statistical checks</dt><dd><table><thead><tr><th>check</th><th>statistic</th><th>expected</th><th>accepted interval</th><th>α</th><th></th></tr></thead><tbody>"
            for check in test.checks {
                out += "<tr><td>\(e(check.name))</td><td class=\"num\">\(stat(check.statistic))</td><td class=\"num\">\(stat(check.expected))</td><td class=\"num\">[\(stat(check.lowerBound)), \(stat(check.upperBound))]</td><td class=\"num\">\(e(DisplayFormat.significant(check.alpha, digits: 2)))</td><td class=\"verdict\">\(check.passed ? "passed" : "<b class=\"got\">failed</b>")</td></tr>"
            }
            out += "</tbody></table></dd>"
        }
        if let misconception = test.misconception {
            out += "<dt>Misconception</dt><dd class=\"misconception\"><code>\(e(misconception.id))</code>: \(e(misconception.summary)) <br><b>Fix:</b> \(e(misconception.fix))</dd>"
        }
        if !test.studentOutput.isEmpty {
            out += "<dt>Your program printed</dt><dd><pre class=\"output\">\(e(ScoreFormatting.truncated(test.studentOutput, maxLines: 40, maxCharacters: 4000)))</pre></dd>"
        }
        return out + "</dl></div>"
    }

    /// A figure recorded in a report, drawn.
    static func figure(_ figure: Figure) -> String {
        let x = SVG.Axis(figure.xAxis.label, unit: figure.xAxis.unit, logarithmic: figure.xAxis.logarithmic)
        let y = SVG.Axis(figure.yAxis.label, unit: figure.yAxis.unit, logarithmic: figure.yAxis.logarithmic)
        let series = figure.series.map { item in
            SVG.Series(item.name, style: item.role == .student ? .student : item.role == .reference ? .reference : .comparison,
                       x: item.x, y: item.y)
        }
        let svg: String
        switch figure.kind {
        case .line: svg = SVG.lineChart(series, x: x, y: y, title: figure.title)
        case .bars: svg = SVG.barChart(categories: figure.categories ?? [], series: series, y: y, x: x, title: figure.title)
        case .heatMap:
            let map = figure.heatMap ?? Figure.HeatMap(rows: 0, columns: 0, values: [], valueLabel: "")
            svg = SVG.heatMap(rows: map.rows, columns: map.columns, values: map.values, valueLabel: map.valueLabel, x: x, y: y, title: figure.title)
        }
        return figureBlock(svg, caption: figure.caption, title: figure.title)
    }

    // MARK: Pieces

    static func e(_ text: String) -> String { HTML.escape(text) }

    /// Points as read on a page: at most two decimals (the reports keep the exact values).
    static func pts(_ points: Double) -> String { HTML.escape(DisplayFormat.points(ClassSummary.rounded(points))) }

    /// A statistic in a table: six significant digits.
    static func stat(_ value: Double) -> String { HTML.escape(DisplayFormat.significant(value, digits: 6)) }

    static func figureBlock(_ svg: String, caption: String, title: String? = nil) -> String {
        "<figure>\(title.map { "<h5>\(e($0))</h5>" } ?? "")\(svg)<figcaption>\(e(caption))</figcaption></figure>"
    }

    /// A table cell with a horizontal bar of `value / total` and its label.
    static func bar(_ value: Double, of total: Double, label: String) -> String {
        let percent = total > 0 ? max(0, min(100, 100 * value / total)) : 0
        return "<td class=\"bar\"><span class=\"track\"><span class=\"fill\" style=\"width:\(String(format: "%.1f", percent))%\"></span></span> \(e(label))</td>"
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title))</title>
        <style>\(css)</style></head>
        <body>\(body)
        <footer>Written by the grader; self-contained: no scripts, no fonts or files fetched.</footer></body></html>

        """
    }

    static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#212529;max-width:1200px;margin:0 auto;padding:16px 24px;line-height:1.45}
    h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid #dee2e6;padding-bottom:4px;margin-top:1.6em}
    h3{margin:1.2em 0 .4em}h4{margin:.8em 0 .3em}h5{margin:.4em 0;font-size:1em}
    .lead{color:#495057}nav{margin:.5em 0 1em;font-size:.95em}
    a{color:#1864ab}table{border-collapse:collapse;margin:.4em 0}
    th,td{border-bottom:1px solid #e9ecef;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f8f9fa}
    td.num{text-align:right;font-variant-numeric:tabular-nums}td.summary{max-width:520px;font-size:.9em}td.num,td.verdict{white-space:nowrap}
    td.bar{min-width:220px;white-space:nowrap}.track{display:inline-block;width:150px;height:10px;background:#e9ecef;vertical-align:middle;border-radius:2px}
    .fill{display:block;height:10px;background:#1971c2;border-radius:2px}
    .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
    figure{margin:8px 0;border:1px solid #e9ecef;padding:6px;max-width:570px;break-inside:avoid}
    figure svg{max-width:100%;height:auto}figcaption{font-size:.88em;color:#343a40;max-width:560px}
    .status{display:inline-block;padding:0 6px;border-radius:3px;font-size:.85em;background:#e9ecef;color:#212529}
    .status.passed{background:#d3f9d8;color:#2b8a3e}.status.partial{background:#fff3bf;color:#8f5b00}
    .status.failed,.status.crashed,.status.timed-out,.status.compile-error,.status.rejected{background:#ffe3e3;color:#c92a2a}
    .status.not-implemented,.status.missing,.status.skipped{background:#e9ecef;color:#495057}
    .points{font-weight:normal;color:#495057;font-size:.9em}.hidden{font-size:.8em;color:#862e9c}
    .test{border-left:3px solid #ffa8a8;padding:2px 12px;margin:8px 0;background:#fffafa}
    dl{margin:0}dt{font-weight:bold;font-size:.9em;margin-top:4px}dd{margin:0 0 0 1em;overflow-wrap:anywhere}
    .expected{color:#1971c2}.got{color:#c92a2a}.misconception{background:#fff9db;padding:4px}
    pre.output{background:#f8f9fa;border:1px solid #e9ecef;padding:6px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:20em;overflow:auto;font-size:.85em}
    li.warn{color:#8f5b00}section.student{border-top:3px solid #adb5bd;margin-top:2em}section.standalone{border-top:none;margin-top:0}
    footer{margin-top:3em;color:#868e96;font-size:.8em}
    @media print{body{max-width:none;padding:0}nav{display:none}section.student{break-before:page}
    .track,.fill,.status{-webkit-print-color-adjust:exact;print-color-adjust:exact}pre.output{max-height:none}a{color:inherit}}
    """
}
