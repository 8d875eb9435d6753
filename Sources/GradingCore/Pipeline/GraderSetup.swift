import Foundation

/// Everything a command needs before grading: the environment, the validated manifest, the kit and a sandbox.
public struct GraderSetup: Sendable {
    public let environment: GraderEnvironment
    public let manifest: Manifest
    public let kit: Kit
    public let sandbox: Sandbox
    /// The exercises this setup grades (the manifest was validated against them).
    public let exercises: [any GradableExercise]
    /// One line for the user when isolation is weaker than bubblewrap with its system-call filter (nil otherwise).
    public let sandboxNotice: String?
    /// In a student kit, the seeds its test pack was recorded for (nil where tests are made from the graders).
    public var recordedSeeds: [UInt64]? = nil

    /// Why `seed` cannot be graded here (nil when it can): a student kit only has the seeds it recorded.
    public func seedProblem(_ seed: UInt64) -> String? {
        guard let recordedSeeds, !recordedSeeds.contains(seed) else { return nil }
        return "This kit's tests were recorded for seeds \(recordedSeeds.map(String.init).joined(separator: ", ")) (the first is the default); seed \(seed) is not one of them. Run without --seed, or with one of these."
    }

    public enum SandboxPolicy: Sendable {
        /// `batch`: bubblewrap or refuse.
        case require
        /// `batch --allow-unsandboxed`: bubblewrap if it works, else rlimits with a warning.
        case preferAllowingFallback
        /// `check`: the student's own code on their own machine; bubblewrap if it works, else rlimits.
        case preferForOwnCode
    }

    public static func prepare(policy: SandboxPolicy, from directory: URL? = nil,
                               exercises: [any GradableExercise]) throws -> GraderSetup {
        let environment = try directory.map { try GraderEnvironment.discover(from: $0) } ?? GraderEnvironment.discover()
        let manifest = try Manifest.load(from: environment.manifestURL)
        try manifest.validate(against: exercises)
        let kit = try KitBuilder.ensureKit(environment: environment)
        var notice: String?
        var sandbox: Sandbox
        do {
            sandbox = try Sandbox.bubblewrap(toolchainRoot: environment.toolchainRoot)
            notice = sandbox.notice
        } catch let error as Sandbox.Unavailable {
            switch policy {
            case .require: throw error
            case .preferAllowingFallback:
                notice = "Warning: grading WITHOUT a sandbox (resource limits only), as --allow-unsandboxed asked: \(error)"
            case .preferForOwnCode:
                notice = "Note: bubblewrap is not available here, so your code runs with resource limits only (no filesystem or network isolation, no system-call filter)."
            }
            sandbox = try Sandbox.rlimitsOnly(toolchainRoot: environment.toolchainRoot)
        }
        if case let .success(tree) = CgroupTree.shared { sandbox.cgroups = tree }
        return GraderSetup(environment: environment, manifest: manifest, kit: kit, sandbox: sandbox, exercises: exercises,
                           sandboxNotice: notice)
    }

    /// One line for `batch` on how memory outside the address space is bounded here (cgroups or rlimits).
    public var memoryLimitNotice: String {
        CgroupProbe.notice(openFiles: WorkerSession.openFiles, fileSizeMiB: manifest.defaults.fileSizeMiB)
    }

    public func makeGrader() throws -> SubmissionGrader {
        try SubmissionGrader(environment: environment, manifest: manifest, graders: exercises, kit: kit, sandbox: sandbox)
    }
}
