import XCTest
@testable import GradingCore

/// What one compile of a submission holds (`SubmissionCompiler.compiledFiles`) and how the driver's plan becomes the
/// commands the grader runs itself (`CompileRecipe`).
final class CompilePlanTests: XCTestCase {
    private let files: [(id: String, file: String)] = [("adam", "Adam.swift"), ("adamw", "AdamW.swift"),
                                                        ("softmax", "Softmax.swift"), ("dropout", "Dropout.swift")]
    private let interfaces: [String: [ExerciseFunction]] = [
        "adam": [.init("public func adamStep(parameters: inout Tensor)", wireName: "adamStep", driver: "", replySize: { _ in (0, 0) })],
        "adamw": [.init("public func adamWStep(parameters: inout Tensor)", wireName: "adamWStep", driver: "", replySize: { _ in (0, 0) })],
        "softmax": [.init("public func softmax(_ logits: Tensor) -> Tensor", wireName: "softmax", driver: "", replySize: { _ in (0, 0) })],
        "dropout": [.init("public func dropoutForward(_ input: Tensor) -> Tensor", wireName: "dropoutForward", driver: "", replySize: { _ in (0, 0) })],
    ]

    func testOnlyGradedExercisesGetDriversAndAbsentOnesAreStubbedOnlyWhenNamed() {
        var intake = Intake()
        intake.exerciseSources["adamw"] = "public func adamWStep(parameters: inout Tensor) { adamStep(parameters: &parameters) }"
        intake.exerciseSources["dropout"] = "public func dropoutForward(_ input: Tensor) -> Tensor { input }"
        let plan = SubmissionCompiler.compiledFiles(intake: intake, exerciseFiles: files, interfaces: interfaces,
                                                    graded: ["adamw", "softmax"], entrySource: nil)
        // adam is absent but AdamW.swift calls adamStep: its stub is compiled. softmax is graded but absent and
        // named nowhere: nothing of it is compiled (it is reported missing). dropout is held but not graded: its
        // file is compiled (a graded file may use it) without a driver.
        XCTAssertEqual(plan.sources.map(\.id), ["adam", "adamw", "dropout"])
        XCTAssertEqual(plan.drivers, ["adamw"])
    }

    func testACustomEntryPointNamesWhatItNeeds() {
        var intake = Intake()
        intake.helpers = [(name: "Layer.swift", source: "struct L { func f() {} }")]
        let plan = SubmissionCompiler.compiledFiles(intake: intake, exerciseFiles: files, interfaces: interfaces, graded: [],
                                                    entrySource: "let y = softmax(x) // and dropoutForwardish is another name")
        XCTAssertEqual(plan.sources.map(\.id), ["softmax"])
        XCTAssertEqual(plan.drivers, [])
    }

    func testFunctionNamesComeFromTheDeclaration() {
        XCTAssertEqual(interfaces["adam"]?.first?.name, "adamStep")
        XCTAssertEqual(ExerciseFunction("public func softmax<T>(_ x: T) -> T", wireName: "s", driver: "", replySize: { _ in (0, 0) }).name, "softmax")
    }

    /// `swiftc … -o /__GRADER_OUT__/worker __GRADER_INPUT_0__.swift __GRADER_INPUT_1__.swift -###` as Swift 6.3 prints it.
    private let plan = """
    /opt/swift/usr/bin/swift-frontend -frontend -c __GRADER_INPUT_0__.swift __GRADER_INPUT_1__.swift -target x86_64-unknown-linux-gnu -I '/kits/a b' -module-cache-path '/kits/a b/module-cache' -Onone -diagnostic-style=llvm -module-name Submission -parse-as-library -o /tmp/TemporaryDirectory.DuT9dV/Submission-1.o
    /opt/swift/usr/bin/swift-autolink-extract /tmp/TemporaryDirectory.DuT9dV/Submission-1.o -o /tmp/TemporaryDirectory.DuT9dV/Submission-2.autolink
    /opt/swift/usr/bin/clang -fuse-ld=lld -pie /tmp/TemporaryDirectory.DuT9dV/Submission-1.o @/tmp/TemporaryDirectory.DuT9dV/Submission-2.autolink -L '/kits/a b' -lTensorKit -o /__GRADER_OUT__/worker

    """

    func testTheDriversPlanBecomesAScriptForTheseFiles() throws {
        let recipe = try XCTUnwrap(CompileRecipe.parse(plan: plan))
        XCTAssertEqual(recipe.commands.count, 3)
        let script = recipe.script(files: ["Adam.swift", "it's.swift"])
        XCTAssertTrue(script.contains(" -c 'Adam.swift' 'it'\\''s.swift' -target "), script)
        XCTAssertTrue(script.contains("-o \"$1\"/Submission-1.o && "), script)
        XCTAssertTrue(script.contains(" @\"$1\"/Submission-2.autolink "), script)
        XCTAssertTrue(script.hasSuffix("-lTensorKit -o \"$1\"/worker"), script)
        XCTAssertFalse(script.contains("TemporaryDirectory") || script.contains("__GRADER_"), script)
        // The quoting the driver printed is kept for the shell to read.
        XCTAssertTrue(script.contains("-module-cache-path '/kits/a b/module-cache'"), script)
    }

    func testAPlanOfAnotherShapeIsNotTaken() {
        let lines = plan.split(separator: "\n").map(String.init)
        // Four jobs, or two.
        XCTAssertNil(CompileRecipe.parse(plan: (lines + [lines[1]]).joined(separator: "\n")))
        XCTAssertNil(CompileRecipe.parse(plan: lines.prefix(2).joined(separator: "\n")))
        // A file map the grader would not write.
        XCTAssertNil(CompileRecipe.parse(plan: plan.replacingOccurrences(of: "-parse-as-library", with: "-supplementary-output-file-map /tmp/TemporaryDirectory.DuT9dV/map")))
        // An empty argument (printed as nothing, which a shell would drop).
        XCTAssertNil(CompileRecipe.parse(plan: plan.replacingOccurrences(of: "-Onone", with: "-Xcc  -Onone")))
        // Two temporary folders.
        XCTAssertNil(CompileRecipe.parse(plan: plan.replacingOccurrences(of: "-o /tmp/TemporaryDirectory.DuT9dV/Submission-2", with: "-o /tmp/TemporaryDirectory.Other1/Submission-2")))
        // The inputs split apart.
        XCTAssertNil(CompileRecipe.parse(plan: plan.replacingOccurrences(of: "__GRADER_INPUT_0__.swift __GRADER_INPUT_1__.swift", with: "__GRADER_INPUT_0__.swift -g __GRADER_INPUT_1__.swift")))
    }

    func testClangsLinkerPlanBecomesTheLinkerCommand() throws {
        let plan = """
        clang version 21.0.0
        Target: x86_64-unknown-linux-gnu
        InstalledDir: /opt/swift/usr/bin
         "/opt/swift/usr/bin/ld.lld" "--hash-style=gnu" "-pie" "-o" "/tmp/plan-1/worker" "/tmp/plan-1/Submission-1.o" "-lswiftCore" "-lFoundation"

        """
        XCTAssertEqual(CompileRecipe.parseLinkerPlan(plan, outputFolder: "/tmp/plan-1"),
                       #""/opt/swift/usr/bin/ld.lld" "--hash-style=gnu" "-pie" "-o" "$1/worker" "$1/Submission-1.o" "-lswiftCore" "-lFoundation""#)
        // Two jobs, another program, or something a shell would expand inside double quotes: not taken.
        XCTAssertNil(CompileRecipe.parseLinkerPlan(plan + plan, outputFolder: "/tmp/plan-1"))
        XCTAssertNil(CompileRecipe.parseLinkerPlan(plan.replacingOccurrences(of: "ld.lld\"", with: "objcopy\""), outputFolder: "/tmp/plan-1"))
        XCTAssertNil(CompileRecipe.parseLinkerPlan(plan.replacingOccurrences(of: "-lFoundation", with: "-L$HOME"), outputFolder: "/tmp/plan-1"))
        XCTAssertNil(CompileRecipe.parseLinkerPlan(plan, outputFolder: "/tmp/elsewhere"))
    }

    func testPrebuiltDriversLinkAStubOnlyForWhatTheSubmissionDoesNotCompile() {
        let prebuilt = PrebuiltDrivers(drivers: ["adam": ("d-adam.o", "s-adam.o"), "softmax": ("d-softmax.o", "s-softmax.o"),
                                                 "dropout": ("d-dropout.o", "s-dropout.o")], main: "main.o")
        XCTAssertEqual(prebuilt.objects(compiled: ["softmax"], order: ["adam", "softmax", "dropout"]),
                       ["d-adam.o", "d-softmax.o", "d-dropout.o", "s-adam.o", "s-dropout.o", "main.o"])
        XCTAssertEqual(prebuilt.objects(compiled: ["adam", "softmax", "dropout"], order: ["adam", "softmax", "dropout"]),
                       ["d-adam.o", "d-softmax.o", "d-dropout.o", "main.o"])
    }

    func testTheScriptLinksTheExtraObjectsInBothLinks() throws {
        var recipe = try XCTUnwrap(CompileRecipe.parse(plan: plan))
        recipe.knownLinkFlags = URL(fileURLWithPath: "/kit/known.autolink")
        let script = recipe.script(files: ["A.swift"], objects: ["/kit/d 1.o", "/kit/main.o"])
        // The quick link and the fallback link both end with the objects.
        XCTAssertEqual(script.components(separatedBy: " '/kit/d 1.o' '/kit/main.o'").count, 3, script)
        recipe.directLink = #""/usr/bin/ld.lld" "-o" "$1/worker""#
        let direct = recipe.script(files: ["A.swift"], objects: ["/kit/main.o"])
        XCTAssertTrue(direct.contains(#""/usr/bin/ld.lld" "-o" "$1/worker" '/kit/main.o' >/dev/null"#), direct)
    }
}
