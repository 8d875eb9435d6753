import Foundation
import XCTest
@testable import Grading
@testable import GradingCore

/// The recipes in grading/cluster/ as the engines read them: the Slurm one run for real on a throwaway single-node
/// cluster (grading/cluster/slurm/demo.sh), the Kubernetes manifest checked for the structure the shards rely on.
final class ClusterRecipeTests: XCTestCase {
    static let root = TestPackage.sourceRoot

    /// The sample class graded as a Slurm job array of 3 shards (at most 2 at once) and merged by the dependent
    /// job gives the sample class's pinned verdicts.
    func testSlurmJobArrayOfShardsAndItsMergeGiveThePinnedVerdicts() throws {
        guard let binary = CLITests.graderBinary() else { throw XCTSkip("The grader binary is not built (swift build --product grader).") }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-merged-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("grading/cluster/slurm/demo.sh")
        process.arguments = [binary.path, "3", "2"]
        process.currentDirectoryURL = Self.root
        var env = ProcessInfo.processInfo.environment
        env["CLUSTER_DEMO_OUT"] = out.path
        env["CLUSTER_DEMO_SKIP_SINGLE"] = "1"
        env["GRADER_SANDBOX_BASE_UID"] = String(TestPackage.sandboxBaseUID)
        process.environment = env
        let run = try ProcessRun.collect(process)
        if run.status == 3 { throw XCTSkip("Slurm could not be started on this machine, so the Slurm recipe was not run:\n\(run.stdout)") }
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("Merged 6 reports from 3 shard records"), run.stdout)

        let expected = try JSONDecoder().decode([String: PipelineSamplePinTests.Pin].self,
                                                from: Data(contentsOf: Self.root.appendingPathComponent("grading/samples").appendingPathComponent(PipelineSamplePinTests.pinFileName)))
        for (name, pin) in expected {
            let report = try assertSchemaValidFile(out.appendingPathComponent("\(name)/report.json"))
            XCTAssertEqual(PipelineSamplePinTests.pin(report), pin, name)
        }
        let records = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("shards").path).sorted()
        XCTAssertEqual(records, ["1-of-3.json", "2-of-3.json", "3-of-3.json"])
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8).split(separator: "\n").count, 7)
    }

    /// The manifest as JSON: converted offline by kubectl (`label --local` reads manifests without a cluster;
    /// `apply --dry-run=client` needs one), or by Python's yaml module.
    static func kubernetesObjects() throws -> [[String: Any]] {
        let manifest = root.appendingPathComponent("grading/cluster/kubernetes/grade-class.yaml")
        var attempts: [[String]] = []
        if let kubectl = Sandbox.findExecutable("kubectl") {
            attempts.append([kubectl, "label", "--local", "-f", manifest.path, "checked=yes", "-o", "json"])
        }
        if let python = Sandbox.findExecutable("python3") {
            attempts.append([python, "-c", "import json, sys, yaml; print(json.dumps({'items': list(yaml.safe_load_all(open(sys.argv[1])))}))", manifest.path])
        }
        for arguments in attempts {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            guard let run = try? ProcessRun.collect(process), run.status == 0 else { continue }
            // kubectl prints one object after another (or a List); Python one {"items": [...]}.
            let text = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let wrapped = text.hasPrefix("{\"items\"") ? text : "[" + text.replacingOccurrences(of: "}\n{", with: "},\n{") + "]"
            let json = try JSONSerialization.jsonObject(with: Data(wrapped.utf8))
            if let list = json as? [String: Any], let items = list["items"] as? [[String: Any]] { return items }
            if let items = json as? [[String: Any]] {
                return items.flatMap { ($0["kind"] as? String) == "List" ? ($0["items"] as? [[String: Any]] ?? []) : [$0] }
            }
        }
        throw XCTSkip("Neither kubectl (Debian: kubernetes-client) nor Python's yaml module is here to read the Kubernetes manifest.")
    }

    func testKubernetesManifestIsAnIndexedJobOfShardsWithASharedVolumeAndAMergeJob() throws {
        let objects = try Self.kubernetesObjects()
        func object(_ kind: String, _ name: String) throws -> [String: Any] {
            try XCTUnwrap(objects.first { $0["kind"] as? String == kind && ($0["metadata"] as? [String: Any])?["name"] as? String == name },
                          "no \(kind) \(name) in the manifest")
        }
        func at(_ value: Any?, _ path: String...) -> Any? {
            path.reduce(value) { current, key in
                if let index = Int(key) { return (current as? [Any]).flatMap { index < $0.count ? $0[index] : nil } }
                return (current as? [String: Any])?[key]
            }
        }
        XCTAssertEqual(Set(objects.compactMap { $0["apiVersion"] as? String }), ["v1", "batch/v1"])
        let claim = try object("PersistentVolumeClaim", "grader-work")
        XCTAssertEqual(at(claim, "spec", "accessModes") as? [String], ["ReadWriteMany"], "every shard's pod mounts the volume at once")

        let shards = try object("Job", "grade-shards")
        XCTAssertEqual(at(shards, "spec", "completionMode") as? String, "Indexed")
        let completions = try XCTUnwrap(at(shards, "spec", "completions") as? Int)
        let parallelism = try XCTUnwrap(at(shards, "spec", "parallelism") as? Int)
        XCTAssertLessThanOrEqual(parallelism, completions)
        XCTAssertEqual(at(shards, "spec", "template", "spec", "restartPolicy") as? String, "Never")
        let container = try XCTUnwrap(at(shards, "spec", "template", "spec", "containers", "0") as? [String: Any])
        let script = ((container["command"] as? [String] ?? []) + (container["args"] as? [String] ?? [])).joined(separator: " ")
        XCTAssertTrue(script.contains("grader batch /work/submissions --out /work/out --shards \(completions) "), script)
        XCTAssertTrue(script.contains("GRADER_SANDBOX_BASE_UID=$((61000 + 64 * JOB_COMPLETION_INDEX))"), script)
        XCTAssertNotNil(at(container, "resources", "limits", "memory"), "the sandbox's memory need is stated")
        XCTAssertEqual(at(container, "securityContext", "privileged") as? Bool, true, "bubblewrap needs namespaces and a fresh /proc")
        XCTAssertEqual(at(container, "volumeMounts", "0", "mountPath") as? String, "/work")

        let merge = try object("Job", "grade-merge")
        let wait = ((at(merge, "spec", "template", "spec", "initContainers", "0", "args") as? [String]) ?? []).joined()
        XCTAssertTrue(wait.contains("SHARDS=\(completions);"), "the merge waits for as many shard records as there are shards: \(wait)")
        XCTAssertEqual(at(merge, "spec", "template", "spec", "containers", "0", "command") as? [String],
                       ["grader", "merge", "/work/out", "--submissions", "/work/submissions"])
        for job in [shards, merge] {
            XCTAssertEqual(at(job, "spec", "template", "spec", "volumes", "0", "persistentVolumeClaim", "claimName") as? String, "grader-work")
        }
    }
}
