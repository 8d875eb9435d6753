import ArgumentParser
import Foundation
import GradingCore

/// `grader report OUT`: the HTML report of a finished batch, drawn from the reports it wrote.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write OUT/report.html, a self-contained page with the class summary, charts and every student's failing tests, from a batch's output folder.")

    @Argument(help: "The folder `grader batch --out` wrote (OUT/<submission>/report.json and OUT/grades.csv).")
    var out: String

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        do {
            let contents = try ReportFolder.read(folder)
            for notice in contents.notices { Terminal.error(notice) }
            let url = try contents.writeHTML(to: folder)
            print("HTML report: \(url.path)")
        } catch {
            Terminal.error("grader report could not write the HTML report: \(error)")
            throw ExitCode(2)
        }
    }
}
