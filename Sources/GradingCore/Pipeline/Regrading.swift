import Foundation

/// A regrade (`grader batch --only STUDENT… --exercise ID…`): what the students' earlier reports hold, and how a
/// regraded exercise goes back into its report.
///
/// A regrade must not mix grading settings within one report, so it refuses a student whose report was made for
/// another assignment, seed or test set. The rest of the report is kept as it was; `regraded` records when, which
/// exercises, and why — the manifest digest before and after, and the instructor's note.
struct Regrading: Sendable {
    /// The earlier reports of the students regraded (absent: never graded, so graded whole now).
    let earlier: [String: SubmissionReport]
    /// The assignment's exercises, in manifest order.
    let planIDs: [String]
    /// The exercises graded again.
    let regradedIDs: [String]
    let digest: String
    let note: String?
    let at: String

    init(earlier: [String: SubmissionReport], planIDs: [String], regradedIDs: [String], digest: String, note: String?, at: String) {
        self.earlier = earlier
        self.planIDs = planIDs
        self.regradedIDs = regradedIDs
        self.digest = digest
        self.note = note
        self.at = at
    }

    /// Reads the earlier reports of `names` in the runner's OUT and checks that they may be regraded with
    /// `gradeOptions` (the runner's grading options).
    init(runner: BatchRunner, plan: GradingPlan, gradeOptions: SubmissionGrader.Options, names: [String], digest: String) throws {
        let options = runner.options
        let ids = plan.exercises.map(\.id)
        var regradedIDs = ids
        if let asked = options.regradeExercises {
            let unknown = asked.filter { !ids.contains($0) }
            guard unknown.isEmpty else {
                throw AssignmentError.noSuchExercise(unknown.joined(separator: ", "), known: ids)
            }
            regradedIDs = ids.filter { asked.contains($0) }
        }
        var earlier: [String: SubmissionReport] = [:]
        for name in names {
            let url = runner.folder(for: name).appendingPathComponent("report.json")
            guard let data = try? Data(contentsOf: url),
                  let report = try? ReportIO.decoder().decode(SubmissionReport.self, from: data) else { continue }
            func refuse(_ what: String, _ had: String, _ asked: String) -> BatchRunner.BatchError {
                .regradeMismatch(student: name, what: what, report: had, asked: asked)
            }
            func tests(_ hidden: Bool) -> String { hidden ? "all tests" : "visible tests only" }
            guard report.assignment == plan.assignment else { throw refuse("the assignment", report.assignment, plan.assignment) }
            guard report.seed == options.seed else { throw refuse("the seed", "\(report.seed)", "\(options.seed)") }
            guard report.includesHidden == options.includeHidden else {
                throw refuse("the test set", tests(report.includesHidden), tests(options.includeHidden))
            }
            // Hidden inputs from the course secret: a regrade must use the same derivation, or its hidden tests
            // would grade other inputs than the report's other exercises.
            let secretSeed = gradeOptions.hiddenSeed(assignment: plan.assignment, submission: name)
            func derivation(_ id: String?) -> String { id.map { "hidden seed \($0)" } ?? "no course secret" }
            guard report.hiddenSeed?.id == secretSeed?.id else {
                throw refuse("the hidden tests' inputs", derivation(report.hiddenSeed?.id), derivation(secretSeed?.id))
            }
            earlier[name] = report
        }
        self.init(earlier: earlier, planIDs: ids, regradedIDs: regradedIDs, digest: digest, note: options.regradeNote,
                  at: BatchRunner.timestamp())
    }

    /// `fresh` (a grading of `regradedIDs`) put into `old`: those exercises replaced, the others kept, the regrade
    /// recorded.
    func splice(_ fresh: SubmissionReport, into old: SubmissionReport) -> SubmissionReport {
        let exercises = planIDs.compactMap { id in
            (regradedIDs.contains(id) ? fresh : old).exercises.first { $0.id == id }
        }
        var notices = fresh.notices
        for notice in old.notices where !notices.contains(notice) { notices.append(notice) }
        var report = SubmissionReport(submission: old.submission, assignment: old.assignment, seed: old.seed,
                                      exercises: exercises, includesHidden: old.includesHidden,
                                      graderVersion: fresh.graderVersion, toolchain: fresh.toolchain,
                                      sandbox: fresh.sandbox, timings: fresh.timings, notices: notices)
        report.manifestDigest = digest
        report.hiddenSeed = fresh.hiddenSeed
        let everRegraded = Set((old.regraded?.exercises ?? []) + regradedIDs)
        report.regraded = Regrade(at: at, reason: Self.reason(from: old.manifestDigest, to: digest, note: note),
                                  exercises: planIDs.filter(everRegraded.contains),
                                  previousManifestDigest: old.regraded?.previousManifestDigest ?? old.manifestDigest)
        return report
    }

    static func reason(from previous: String?, to current: String, note: String?) -> String {
        var reason: String
        switch previous {
        case nil: reason = "Graded again; the earlier report did not record its manifest (now \(current))."
        case current?: reason = "Graded again with the same manifest (digest \(current))."
        case let previous?: reason = "The manifest digest changed from \(previous) to \(current)."
        }
        if let note, !note.isEmpty { reason += " " + note }
        return reason
    }
}
