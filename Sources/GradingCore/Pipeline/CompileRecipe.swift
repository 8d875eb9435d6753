import Foundation
import Synchronization

/// The three commands `swiftc` runs to compile a submission and link its worker — the frontend, the autolink
/// extractor and the linker — planned once by the driver itself (`swiftc … -###`) and then run directly.
///
/// The Swift driver is a program of its own: every compile through it first loads it and has it plan its jobs,
/// about 60 ms on a 2-core machine, a tenth of a clean submission's time in a batch. The plan depends only on the
/// toolchain and the flags, never on the files, so the grader asks for it once, with two placeholder inputs and a
/// placeholder output, keeps it beside the kit, and substitutes each compile's files and folder. The commands are
/// the driver's own, byte for byte, so diagnostics, flags and the linked program are what `swiftc` would give.
///
/// Only a plan of exactly that shape is used (one `swift-frontend -frontend -c` job naming both placeholders, one
/// autolink job, one link job writing the placeholder output, and the driver's temporary folder as the only other
/// path); any other toolchain compiles through `swiftc` as before.
struct CompileRecipe: Sendable {
    /// The three commands as shell text, with `@INPUTS@` for the quoted input files and `@OUT@` for the folder that
    /// receives the object files and the worker.
    let commands: [String]

    static let inputPlaceholders = ["__GRADER_INPUT_0__.swift", "__GRADER_INPUT_1__.swift"]
    static let outputPlaceholder = "/__GRADER_OUT__/worker"

    /// A shell script that compiles `files` (names relative to the working directory) and links `output`; run it
    /// as `/bin/sh -c SCRIPT compile OUTPUT-FOLDER`.
    func script(files: [String]) -> String {
        let inputs = files.map(Sandbox.shellQuote).joined(separator: " ")
        return commands.map {
            $0.replacingOccurrences(of: "@INPUTS@", with: inputs).replacingOccurrences(of: "@OUT@", with: "\"$1\"")
        }.joined(separator: " && ")
    }

    /// Turns the driver's `-###` output into a recipe, or nil when it is not the expected three-job plan.
    static func parse(plan: String) -> CompileRecipe? {
        let lines = plan.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard lines.count == 3,
              lines[0].contains(" -frontend -c "), lines[1].contains("swift-autolink-extract"),
              lines[2].contains(" -o " + outputPlaceholder) else { return nil }
        let inputs = inputPlaceholders.joined(separator: " ")
        // An empty argument prints as nothing (two spaces in a row), and a shell would drop it: such a plan is not
        // taken.
        guard lines[0].components(separatedBy: inputs).count == 2,
              !lines.contains(where: { $0.contains("  ") || $0.hasSuffix(" ") }),
              !lines.joined().contains("-supplementary-output-file-map") else { return nil }
        // The driver's temporary folder: one `…/TemporaryDirectory.XXXXXX/` prefix, the same in every job.
        let temporary = try! NSRegularExpression(pattern: #"(/[A-Za-z0-9._/-]*)?/TemporaryDirectory\.[A-Za-z0-9]+/"#)
        var folders = Set<String>()
        for line in lines {
            for match in temporary.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                folders.insert(String(line[Range(match.range, in: line)!]))
            }
        }
        guard folders.count == 1, let folder = folders.first else { return nil }
        let commands = lines.map { line in
            line.replacingOccurrences(of: inputs, with: "@INPUTS@")
                .replacingOccurrences(of: folder, with: "@OUT@/")
                .replacingOccurrences(of: outputPlaceholder, with: "@OUT@/worker")
        }
        // Nothing of the placeholders or the driver's folder may be left.
        guard !commands.contains(where: { $0.contains("__GRADER_") || $0.contains("TemporaryDirectory.") }) else { return nil }
        return CompileRecipe(commands: commands)
    }

    private static let cache = Mutex([String: CompileRecipe?]())

    /// The recipe for compiling with `arguments` (swiftc's flags, without inputs and `-o`), planned once per
    /// process and kept in the kit folder across processes (`grader check` starts a new one each time). Nil when
    /// the driver's plan has another shape, or GRADER_COMPILE_VIA_DRIVER=1 asks for the driver.
    static func recipe(swiftc: String, flags: [String], kit: Kit) -> CompileRecipe? {
        if ProcessInfo.processInfo.environment["GRADER_COMPILE_VIA_DRIVER"] == "1" { return nil }
        let key = ([swiftc] + flags).joined(separator: "\u{1F}")
        if let known = cache.withLock({ $0[key] }) { return known }
        let stored = kit.directory.appendingPathComponent("compile-recipe-\(String(FNV1a.hash(key.utf8), radix: 16)).sh")
        var recipe: CompileRecipe?
        if let text = try? String(contentsOf: stored, encoding: .utf8) {
            let commands = text.split(separator: "\n").map(String.init)
            recipe = commands.count == 3 ? CompileRecipe(commands: commands) : nil
        }
        if recipe == nil {
            let arguments = [swiftc] + flags + ["-o", outputPlaceholder] + inputPlaceholders + ["-###"]
            if let child = try? ChildProcess(arguments: arguments, environment: ["PATH": "/usr/bin:/bin", "TMPDIR": "/tmp"],
                                             outputCap: 1 << 20) {
                child.closeInput()
                let (status, _) = child.waitForExit(deadline: Date().addingTimeInterval(30))
                child.drainOutputUntilClosed(deadline: Date().addingTimeInterval(2))
                if status == 0 { recipe = parse(plan: child.outputText()) }
            }
            if let recipe {
                // Written whole under a temporary name, then renamed: a concurrent reader sees all or nothing.
                let partial = stored.appendingPathExtension("partial-\(getpid())")
                if (try? recipe.commands.joined(separator: "\n").write(to: partial, atomically: false, encoding: .utf8)) != nil {
                    _ = rename(partial.path, stored.path)
                }
            }
        }
        cache.withLock { $0[key] = .some(recipe) }
        return recipe
    }
}
