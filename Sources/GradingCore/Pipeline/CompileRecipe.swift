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
    /// The linker flags the autolink job extracts from a program that imports Foundation, Dispatch and the kit's
    /// modules (one per line, the file the link job reads with `@`), when known: the link then tries them first and
    /// skips the extraction, about 30 ms. A submission importing anything they do not cover fails that first link
    /// silently and is linked again with its own extracted flags.
    var knownLinkFlags: URL? = nil
    /// That first link as the linker command clang itself would run (`clang … -###`, with `$1` for the output
    /// folder), when its plan is plain: it skips clang's own start, about 20 ms.
    var directLink: String? = nil

    static let inputPlaceholders = ["__GRADER_INPUT_0__.swift", "__GRADER_INPUT_1__.swift"]
    static let outputPlaceholder = "/__GRADER_OUT__/worker"

    /// A shell script that compiles `files` (names relative to the working directory) and links `output`; run it
    /// as `/bin/sh -c SCRIPT compile OUTPUT-FOLDER`.
    /// `objects` are linked too (the prebuilt drivers).
    func script(files: [String], objects: [String] = []) -> String {
        let inputs = files.map(Sandbox.shellQuote).joined(separator: " ")
        let extra = objects.map { " " + Sandbox.shellQuote($0) }.joined()
        var filled = commands.map {
            $0.replacingOccurrences(of: "@INPUTS@", with: inputs).replacingOccurrences(of: "@OUT@", with: "\"$1\"")
        }
        filled[2] += extra
        guard let quickLink = quickLink(filled[2]).map({ $0.hasSuffix(extra) ? $0 : $0 + extra }) else { return filled.joined(separator: " && ") }
        return "\(filled[0]) && { \(quickLink) >/dev/null 2>&1 || { \(filled[1]) && \(filled[2]); }; }"
    }

    /// The link that reads the known flags instead of the extracted ones (`link` with its output folder filled in):
    /// the linker's own command where known, else clang's.
    func quickLink(_ link: String) -> String? {
        if let directLink { return directLink }
        guard let knownLinkFlags, let extracted = Self.autolinkFile(link) else { return nil }
        return link.replacingOccurrences(of: "@" + extracted, with: "@" + Sandbox.shellQuote(knownLinkFlags.path))
    }

    /// The linker command in clang's `-###` output for a link: its one job line, every argument double-quoted,
    /// with `outputFolder` replaced by `$1`. Nil unless that is one line naming an `ld` and nothing a shell would
    /// expand inside double quotes other than the folder.
    static func parseLinkerPlan(_ plan: String, outputFolder: String) -> String? {
        let jobs = plan.split(separator: "\n").filter { $0.hasPrefix(" \"") }
        guard jobs.count == 1, let job = jobs.first.map(String.init),
              let program = job.dropFirst(2).split(separator: "\"").first,
              program.hasSuffix("/ld.lld") || program.hasSuffix("/ld") || program.hasSuffix("/ld.gold"),
              !job.contains("$"), !job.contains("`"), !job.contains("\\"),
              job.contains(outputFolder + "/worker\"") else { return nil }
        return job.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: outputFolder, with: "$1")
    }

    /// The `@…autolink` file the link command reads (as it appears in the command), if any.
    static func autolinkFile(_ link: String) -> String? {
        link.split(separator: " ").first { $0.hasPrefix("@") && $0.hasSuffix(".autolink") }.map { String($0.dropFirst()) }
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
            recipe = (try? GraderEnvironment.runQuick(arguments, environment: planning)).flatMap(parse(plan:))
            if let recipe { _ = publish(recipe.commands.joined(separator: "\n"), to: stored) }
        }
        if var found = recipe {
            found.knownLinkFlags = knownLinkFlags(for: found, stored: stored, kit: kit)
            found.directLink = directLink(for: found, stored: stored)
            recipe = found
        }
        cache.withLock { $0[key] = .some(recipe) }
        return recipe
    }

    /// The linker command for `recipe`'s quick link, planned once by clang (`-###`) and kept beside the recipe.
    static func directLink(for recipe: CompileRecipe, stored: URL) -> String? {
        let file = stored.deletingPathExtension().appendingPathExtension("link")
        if let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty { return text }
        // clang checks that its inputs exist: plan in a scratch folder holding an empty object of the right name.
        let scratch = URL(fileURLWithPath: "/tmp").appendingPathComponent("grader-link-plan-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let folder = scratch.path
        for object in recipe.commands[2].split(separator: " ") where object.hasPrefix("@OUT@/") && object.hasSuffix(".o") {
            FileManager.default.createFile(atPath: object.replacingOccurrences(of: "@OUT@", with: folder), contents: Data())
        }
        guard let link = recipe.quickLink(recipe.commands[2].replacingOccurrences(of: "@OUT@", with: folder)), recipe.knownLinkFlags != nil,
              let plan = try? GraderEnvironment.runQuick(["/bin/sh", "-c", link + " -###"], environment: planning),
              let command = parseLinkerPlan(plan, outputFolder: folder) else { return nil }
        return publish(command, to: file) ? command : nil
    }

    /// What planning commands run with: the driver's temporary folder under /tmp, whatever TMPDIR the grader has.
    static let planning = ["PATH": "/usr/bin:/bin", "TMPDIR": "/tmp"]

    /// Writes `text` whole under a temporary name, then renames it to `url` (readable by all): a concurrent reader
    /// sees all of it or nothing.
    static func publish(_ text: String, to url: URL) -> Bool {
        let partial = url.appendingPathExtension("partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard (try? text.write(to: partial, atomically: false, encoding: .utf8)) != nil else { return false }
        chmod(partial.path, 0o644)
        if rename(partial.path, url.path) == 0 { return true }
        try? FileManager.default.removeItem(at: partial)
        return false
    }

    /// The autolink flags of a probe program importing Foundation, Dispatch and the kit's modules, compiled with
    /// `recipe` (outside the sandbox: no student code is involved), kept beside the recipe. Nil if that fails.
    static func knownLinkFlags(for recipe: CompileRecipe, stored: URL, kit: Kit) -> URL? {
        let flags = stored.deletingPathExtension().appendingPathExtension("autolink")
        if FileManager.default.fileExists(atPath: flags.path) { return flags }
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("grader-autolink-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        guard (try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)) != nil,
              (try? "import Foundation\nimport Dispatch\nimport TensorKit\nimport GradCheck\nimport WorkerKit\n@main enum Probe { static func main() { print(Tensor(zeros: [1]), Date()) } }\n"
                .write(to: scratch.appendingPathComponent("probe.swift"), atomically: true, encoding: .utf8)) != nil else { return nil }
        let plain = CompileRecipe(commands: recipe.commands)
        let script = "cd \(Sandbox.shellQuote(scratch.path)) && " + plain.script(files: ["probe.swift"])
        guard (try? GraderEnvironment.runQuick(["/bin/sh", "-c", script, "probe", scratch.path], environment: planning, timeout: 120)) != nil,
              let extracted = autolinkFile(recipe.commands[2])?.replacingOccurrences(of: "@OUT@", with: scratch.path),
              let text = try? String(contentsOfFile: extracted, encoding: .utf8), !text.isEmpty else { return nil }
        return publish(text, to: flags) ? flags : nil
    }
}
