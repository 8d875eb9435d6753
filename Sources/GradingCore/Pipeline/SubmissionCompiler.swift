import Foundation
import TensorKit
#if canImport(Glibc)
import Glibc
#endif

/// Compiles a submission's accepted files, with the generated drivers, into one worker program — inside the
/// sandbox, because a type-checker bomb is student code too.
///
/// Failure stays local: when the compile fails, each error is charged to the file it is in. An exercise whose file
/// (or whose driver, meaning its functions are missing or have another signature) has errors becomes
/// `compile-error` with those diagnostics and is replaced by a not-implemented stub; a helper file with errors is
/// dropped; then the rest is compiled again. Every exercise that compiles is still graded.
struct SubmissionCompiler {
    let environment: GraderEnvironment
    let kit: Kit
    let sandbox: Sandbox
    /// Every exercise of the manifest, in its order: the files a submission may hold.
    let exerciseFiles: [(id: String, file: String)]
    let limits: Limits
    /// The exercises this compile grades: only they get a driver and a place in the worker's dispatch. The other
    /// exercise files the submission holds are compiled as they are (a graded file may use them), and an exercise
    /// file that is absent is compiled as a stub only when a compiled file names one of its functions. Grading two
    /// of thirteen exercises so compiles two drivers, not thirteen drivers and eleven stubs.
    var graded: Set<String> = []
    /// Replaces the batch worker's entry point (used by `grader gradcheck`); errors in it are reported as
    /// `entryErrors` rather than charged to an exercise.
    var entryPoint: (file: String, source: String)? = nil
    /// The functions each exercise declares (by id): its driver, stand-in stub and signature message come from them.
    var interfaces: [String: [ExerciseFunction]] = [:]

    struct Outcome {
        /// Errors in a custom entry point (e.g. the gradcheck driver naming a type that does not exist).
        var entryErrors: [Diagnostic] = []
        /// The worker program, if anything compiled.
        var binary: URL?
        /// Exercises that did not compile: the message and the diagnostics in their files.
        var failures: [String: (message: String, diagnostics: [Diagnostic])] = [:]
        var notices: [String] = []
        var seconds: Double = 0
    }

    /// Type-checker time allowed per expression before swiftc gives up with an ordinary, located error.
    static let expressionTimeThresholdSeconds = 5

    /// The compile time one submission may use over all its attempts (retries after errors, one-at-a-time compiles
    /// after a timeout): twice one attempt's limit. A submission whose errors force many retries, or whose files
    /// each take nearly the limit, costs the batch at most this long.
    static func totalBudgetSeconds(_ limits: Limits) -> Double { 2 * limits.compileSeconds }

    func compile(intake: Intake, workDirectory: URL, slot: Int) -> Outcome {
        let start = Date()
        var outcome = Outcome()
        let sourceDirectory = workDirectory.appendingPathComponent("src")
        let binDirectory = workDirectory.appendingPathComponent("bin")
        Interruption.createWorkFolder(sourceDirectory)
        try? FileManager.default.createDirectory(at: binDirectory, withIntermediateDirectories: true)
        if let uid = sandbox.uid(forSlot: slot) { chown(binDirectory.path, uid, uid) }
        chmod(workDirectory.path, 0o755); chmod(sourceDirectory.path, 0o755)

        var useStub = Set(exerciseFiles.map(\.id).filter { intake.exerciseSources[$0] == nil })
        var helpers = intake.helpers.enumerated().map { (index, helper) in
            (file: "Helper\(index)_" + sanitize(helper.name), name: helper.name, source: helper.source)
        }
        let files = compiledFiles(intake: intake)

        let deadline = start.addingTimeInterval(Self.totalBudgetSeconds(limits))
        /// Seconds the next attempt may take: one attempt's limit, or what is left of the budget.
        func attemptSeconds() -> Double { Swift.min(limits.compileSeconds, deadline.timeIntervalSinceNow) }
        /// Charges every exercise not yet settled once the budget is spent.
        var spent = false
        func budgetSpent() {
            guard !spent else { return }
            spent = true
            let message = "The submission used up its compile-time budget of \(Int(Self.totalBudgetSeconds(limits))) seconds (over all attempts) before this file could be compiled."
            outcome.notices.append("Compiling stopped after \(Int(Self.totalBudgetSeconds(limits))) seconds, the compile-time budget of one submission.")
            for (id, _) in exerciseFiles where !useStub.contains(id) && outcome.failures[id] == nil {
                outcome.failures[id] = (message, [])
                useStub.insert(id)
            }
        }

        // The drivers as prebuilt objects while the submission links against them; its own source once it does
        // not (see PrebuiltDrivers).
        var prebuilt = entryPoint == nil
            ? PrebuiltDrivers.objects(for: exerciseFiles.map { ($0.id, interfaces[$0.id] ?? []) }, kit: kit, environment: environment)
            : nil
        for _ in 0..<(exerciseFiles.count + helpers.count + 3) {
            guard attemptSeconds() >= 1 else { budgetSpent(); break }
            // Lay out this attempt's files.
            try? FileManager.default.removeItem(at: sourceDirectory)
            Interruption.createWorkFolder(sourceDirectory)
            chmod(sourceDirectory.path, 0o755)
            let compiledNames = layOut(files, in: sourceDirectory, drivers: prebuilt == nil, main: prebuilt == nil && entryPoint == nil,
                                       extra: helpers.map { ($0.file, $0.source) } + [entryPoint].compactMap { $0 }) { id in
                useStub.contains(id) ? DriverSource.stub(interfaces[id] ?? []) : intake.exerciseSources[id]!
            }
            let objects = prebuilt?.objects(compiled: Set(files.sources.map(\.id)), order: exerciseFiles.map(\.id)) ?? []

            let result = runCompiler(files: compiledNames, objects: objects, sourceDirectory: sourceDirectory,
                                     binDirectory: binDirectory, slot: slot, seconds: attemptSeconds())
            if result.succeeded {
                outcome.binary = binDirectory.appendingPathComponent("worker")
                break
            }
            // Charge each error to its file.
            let diagnostics = Self.parseDiagnostics(result.output)
            if let entryPoint {
                let entryErrors = diagnostics.filter { $0.file == entryPoint.file && $0.severity == "error" }
                if !entryErrors.isEmpty { outcome.entryErrors = entryErrors; break }
            }
            var blamed = false
            let groups = CompilerDiagnostics.groups(diagnostics)
            for (id, file) in exerciseFiles where !useStub.contains(id) {
                // The file's errors and warnings in line order, errors first, each with its notes.
                let own = CompilerDiagnostics.ordered(groups.filter { $0[0].file == file }.flatMap { $0 })
                let driver = diagnostics.filter { $0.file == DriverSource.driverFileName(id) && $0.severity == "error" }
                if let first = CompilerDiagnostics.firstError(own) {
                    let errors = own.filter { $0.severity == "error" }.count
                    outcome.failures[id] = ("\(file) does not compile: \(DisplayFormat.count(errors, "error")), the first at line \(first.line): \(first.message)", own)
                    useStub.insert(id); blamed = true
                } else if !driver.isEmpty {
                    let names = DriverSource.expectedSignatures(interfaces[id] ?? [])
                    outcome.failures[id] = ("\(file) compiles, but the grader cannot call its functions with the required signatures (\(names)). The compiler said: \(driver[0].message)",
                                            driver.map { Diagnostic(file: file, line: 0, column: 0, severity: "error", message: $0.message) })
                    useStub.insert(id); blamed = true
                }
            }
            let brokenHelpers = Set(diagnostics.filter { $0.severity == "error" && $0.file.hasPrefix("Helper") }.map(\.file))
            if !brokenHelpers.isEmpty {
                for helper in helpers where brokenHelpers.contains(helper.file) {
                    let first = CompilerDiagnostics.firstError(diagnostics.filter { $0.file == helper.file })!
                    outcome.notices.append("The helper file \(helper.name) does not compile (line \(first.line): \(first.message)) and was left out.")
                }
                helpers.removeAll { brokenHelpers.contains($0.file) }
                blamed = true
            }
            if prebuilt != nil && !blamed && !result.timedOut {
                // Everything compiled but the link with the prebuilt drivers failed: some function's symbol is not
                // the declared signature's. The drivers' source says which, or accepts the style.
                prebuilt = nil
                continue
            }
            if result.timedOut && !blamed {
                // The compiler ran out of time without saying where: charge the exercises one at a time.
                outcome.notices.append("Compiling the whole submission took longer than \(Int(limits.compileSeconds)) seconds; the exercises were compiled one at a time to find the cause.")
                for (id, file) in exerciseFiles where !useStub.contains(id) {
                    guard attemptSeconds() >= 1 else { budgetSpent(); break }
                    let alone = runSingle(id: id, source: intake.exerciseSources[id]!, files: files, workDirectory: workDirectory,
                                          slot: slot, seconds: attemptSeconds())
                    if !alone {
                        outcome.failures[id] = ("\(file) could not be compiled within \(Int(limits.compileSeconds)) seconds (a type-checker bomb or a very expensive expression).", [])
                        useStub.insert(id); blamed = true
                    }
                }
                helpers.removeAll()
                blamed = true
            }
            if !blamed {
                // Nothing attributable (a linker error, say): every student exercise file shares the blame.
                let message = result.timedOut ? "The compiler did not finish within \(Int(limits.compileSeconds)) seconds."
                    : "The submission failed to compile or link, and the error is not in one exercise's file: " +
                      (CompilerDiagnostics.firstError(diagnostics)?.message ?? String(result.output.suffix(600)))
                for (id, _) in exerciseFiles where !useStub.contains(id) {
                    outcome.failures[id] = (message, CompilerDiagnostics.ordered(diagnostics.filter { $0.severity == "error" }))
                    useStub.insert(id)
                }
                if !helpers.isEmpty { helpers.removeAll(); continue }
            }
        }
        if entryPoint == nil {
            for (id, _) in exerciseFiles where !graded.contains(id) {
                if let failure = outcome.failures[id] {
                    outcome.notices.append("A file of an exercise this run does not grade was compiled with the rest and replaced by a stub: \(failure.message)")
                }
            }
        }
        outcome.seconds = Date().timeIntervalSince(start)
        return outcome
    }

    /// Compiles one exercise with every other exercise of `files` stubbed and no helpers; true if it compiles.
    private func runSingle(id: String, source: String, files compiled: CompiledFiles, workDirectory: URL, slot: Int,
                           seconds: Double) -> Bool {
        let directory = workDirectory.appendingPathComponent("single-\(id)")
        Interruption.createWorkFolder(directory)
        let bin = directory.appendingPathComponent("bin")
        Interruption.createWorkFolder(bin)
        if let uid = sandbox.uid(forSlot: slot) { chown(bin.path, uid, uid) }
        chmod(directory.path, 0o755)
        let files = layOut(compiled, in: directory, drivers: true, main: true, extra: []) { other in
            other == id ? source : DriverSource.stub(interfaces[other] ?? [])
        }
        return runCompiler(files: files, sourceDirectory: directory, binDirectory: bin, slot: slot, seconds: seconds).succeeded
    }

    /// Writes one compile's files into `directory` and returns their names in order: each exercise file of `files`
    /// (its text from `text`), the graded exercises' drivers when `drivers` (not when they are linked prebuilt), then
    /// `extra` (helpers, a custom entry point), then the batch worker's entry point when `main`.
    private func layOut(_ files: CompiledFiles, in directory: URL, drivers: Bool, main: Bool, extra: [(file: String, source: String)],
                        text: (String) -> String) -> [String] {
        var names: [String] = []
        func put(_ name: String, _ text: String) {
            PrivateFile.write(text, to: directory.appendingPathComponent(name))
            names.append(name)
        }
        for (id, file) in files.sources { put(file, text(id)) }
        if drivers {
            for id in files.drivers { put(DriverSource.driverFileName(id), DriverSource.driver(for: id, interfaces[id] ?? [])) }
        }
        for (file, source) in extra { put(file, source) }
        if main { put(DriverSource.mainFileName, DriverSource.main(exerciseIDs: files.drivers)) }
        return names
    }

    /// What one compile holds: exercise files (the student's, or a stub) and the drivers of the graded ones.
    struct CompiledFiles {
        var sources: [(id: String, file: String)]
        var drivers: [String]
    }

    /// Every exercise file the submission holds; a stub for each absent exercise that a compiled file (or the custom
    /// entry point) names a function of — a student's AdamW may call its own `adamStep`; drivers for the graded
    /// exercises the submission holds. In manifest order.
    func compiledFiles(intake: Intake) -> CompiledFiles {
        Self.compiledFiles(intake: intake, exerciseFiles: exerciseFiles, interfaces: interfaces, graded: graded,
                           entrySource: entryPoint?.source)
    }

    static func compiledFiles(intake: Intake, exerciseFiles: [(id: String, file: String)], interfaces: [String: [ExerciseFunction]],
                              graded: Set<String>, entrySource: String?) -> CompiledFiles {
        let present = Set(exerciseFiles.map(\.id).filter { intake.exerciseSources[$0] != nil })
        let texts = Array(intake.exerciseSources.values) + intake.helpers.map(\.source) + [entrySource].compactMap { $0 }
        let named = identifiers(in: texts)
        let sources = exerciseFiles.filter { id, _ in
            present.contains(id) || (interfaces[id] ?? []).contains { named.contains(Substring($0.name)) }
        }
        return CompiledFiles(sources: sources, drivers: sources.map(\.id).filter { graded.contains($0) && present.contains($0) })
    }

    /// The identifiers in `texts` (letters, digits and underscores, not starting with a digit), comments and
    /// strings included: naming a function in a comment at worst compiles one stub more.
    static func identifiers(in texts: [String]) -> Set<Substring> {
        var names = Set<Substring>()
        for text in texts {
            for token in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) where !token.first!.isNumber {
                names.insert(token)
            }
        }
        return names
    }

    struct CompilerResult { var succeeded: Bool; var timedOut: Bool; var output: String }

    private func runCompiler(files: [String], objects: [String] = [], sourceDirectory: URL, binDirectory: URL, slot: Int,
                             seconds: Double) -> CompilerResult {
        let output = binDirectory.appendingPathComponent("worker")
        try? FileManager.default.removeItem(at: output)
        // -wmo: one frontend for all files (0.3 s instead of 0.9 s for a five-exercise submission); diagnostics
        // still name their file.
        // -diagnostic-style=llvm: each diagnostic on one `file:line:column:` line with its source line and caret under
        // it, which students read and the grader parses (the default style draws boxes around several lines).
        let flags = ["-Onone", "-wmo", "-parse-as-library", "-module-name", "Submission", "-diagnostic-style=llvm",
                     "-Xfrontend", "-solver-expression-time-threshold=\(Self.expressionTimeThresholdSeconds)"]
            + KitBuilder.commonFlags(kit: kit, environment: environment)
            + KitBuilder.linkFlags(kit: kit, environment: environment) + Self.fastLinker(environment)
        // The driver's own three jobs run directly when its plan is known (CompileRecipe), else swiftc itself.
        let arguments = CompileRecipe.recipe(swiftc: environment.swiftc, flags: flags, kit: kit).map {
            ["/bin/sh", "-c", $0.script(files: files, objects: objects), "compile", binDirectory.path]
        } ?? [environment.swiftc] + flags + ["-o", output.path] + files + objects
        let command = sandbox.command(arguments,
                                      limits: .init(cpuSeconds: Int(seconds.rounded(.up)) + 5, memoryMiB: 8192,
                                                    processes: 64, fileSizeMiB: 256, tmpfsMiB: 512, openFiles: 1024),
                                      binds: [.init(kit.directory.path),
                                              .init(sourceDirectory.path),
                                              .init(binDirectory.path, writable: true)],
                                      workingDirectory: sourceDirectory.path, slot: slot)
        guard let child = try? ChildProcess(command, outputCap: 64 * 1024) else {
            return CompilerResult(succeeded: false, timedOut: false, output: "The compiler could not be started.")
        }
        child.closeInput()
        let (status, killed) = child.waitForExit(deadline: Date().addingTimeInterval(seconds))
        child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(1))
        let succeeded = !killed && status == 0 && FileManager.default.fileExists(atPath: output.path)
        return CompilerResult(succeeded: succeeded, timedOut: killed, output: child.outputText())
    }

    /// `-use-ld=lld` when the toolchain ships lld: it links the worker in about 0.2 s where the system linker takes
    /// 0.3 s, a tenth of a clean submission's time in a batch.
    static func fastLinker(_ environment: GraderEnvironment) -> [String] {
        FileManager.default.isExecutableFile(atPath: environment.toolchainRoot + "/bin/ld.lld") ? ["-use-ld=lld"] : []
    }

    /// Parses swiftc's `-diagnostic-style=llvm` output: `file:line:column: severity: message` lines, each followed
    /// (when the compiler shows one) by the source line and a caret line, kept as the diagnostic's excerpt.
    static func parseDiagnostics(_ output: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, let lineNumber = Int(parts[1]), let column = Int(parts[2]) else { continue }
            let severity = parts[3].trimmingCharacters(in: .whitespaces)
            guard ["error", "warning", "note"].contains(severity) else { continue }
            let file = (String(parts[0]) as NSString).lastPathComponent
            var excerpt: String?
            if index + 2 < lines.count, isCaretLine(lines[index + 2]) {
                excerpt = lines[index + 1] + "\n" + lines[index + 2]
            }
            let diagnostic = Diagnostic(file: file, line: lineNumber, column: column, severity: severity,
                                        message: parts[4].trimmingCharacters(in: .whitespaces), excerpt: excerpt)
            if !result.contains(diagnostic) { result.append(diagnostic) }
        }
        return result
    }

    /// A line of spaces, `~` and one `^`: where swiftc points under the source line.
    static func isCaretLine(_ line: Substring) -> Bool {
        line.contains("^") && line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "~" || $0 == "^" }
    }

    private func sanitize(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" })
    }
}
