import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The exercise drivers and the worker's entry point, compiled once per kit and set of exercises instead of with
/// every submission.
///
/// The drivers are the grader's own code, the same for every student; type-checking and generating them took a
/// fifth of each submission's compile. Here they are compiled once — by the trusted grader, outside the sandbox, as
/// files of a module named `Submission` beside a stub of every exercise (`DriverSource.stub`) — and only their
/// objects are kept: a driver object calls the student's functions by their symbols, which encode the whole
/// signature. A submission is then compiled alone and linked with those objects, plus the stub object of each
/// exercise it does not compile.
///
/// A student function whose signature differs from the declared one — or is declared in another correct way the
/// source driver would still accept (a generic parameter, an unlabeled tuple) — has another symbol, so that link
/// fails; the submission is then compiled with the drivers' source as before, which accepts what the source
/// accepts and words the signature error. The objects only ever save time: a verdict is never theirs.
struct PrebuiltDrivers: Sendable {
    /// Per exercise id: its driver object and its stub object.
    let drivers: [String: (driver: String, stub: String)]
    /// The entry point dispatching to every exercise's driver.
    let main: String

    /// The objects to link with a submission object holding `compiled` (the exercises whose student file or stub
    /// it contains): every driver, the entry point, and a stub for each exercise it does not contain.
    func objects(compiled: Set<String>, order: [String]) -> [String] {
        order.compactMap { drivers[$0] }.map(\.driver)
            + order.filter { !compiled.contains($0) }.compactMap { drivers[$0]?.stub }
            + [main]
    }

    private static let cache = Mutex([String: PrebuiltDrivers?]())

    /// The objects for `exercises` (id and functions, in manifest order), built on first use and kept in the kit
    /// folder; nil where they cannot be built (then every compile uses the drivers' source), or when
    /// GRADER_PREBUILT_DRIVERS=0 asks for that.
    static func objects(for exercises: [(id: String, functions: [ExerciseFunction])], kit: Kit,
                        environment: GraderEnvironment) -> PrebuiltDrivers? {
        if ProcessInfo.processInfo.environment["GRADER_PREBUILT_DRIVERS"] == "0" || exercises.isEmpty { return nil }
        var sources: [(name: String, text: String)] = []
        var names: [String: (driver: String, stub: String)] = [:]
        for (index, exercise) in exercises.enumerated() {
            let driver = DriverSource.driverFileName(exercise.id)
            let stub = "__Stub_\(index).swift"
            sources.append((driver, DriverSource.driver(for: exercise.id, exercise.functions)))
            sources.append((stub, DriverSource.stub(exercise.functions)))
            names[exercise.id] = (driver, stub)
        }
        sources.append((DriverSource.mainFileName, DriverSource.main(exerciseIDs: exercises.map(\.id))))
        let flags = ["-c", "-Onone", "-parse-as-library", "-module-name", "Submission"]
            + KitBuilder.commonFlags(kit: kit, environment: environment)
        var hasher = FNV1a()
        hasher.add(environment.swiftc)
        for flag in flags { hasher.add(flag) }
        for source in sources { hasher.add(source.name); hasher.add(source.text) }
        let key = String(hasher.value, radix: 16)
        if let known = cache.withLock({ $0[key] }) { return known }

        let folder = kit.directory.appendingPathComponent("drivers-\(key)")
        func made(in folder: URL) -> PrebuiltDrivers {
            func object(_ name: String) -> String { folder.appendingPathComponent((name as NSString).deletingPathExtension + ".o").path }
            return PrebuiltDrivers(drivers: names.mapValues { (object($0.driver), object($0.stub)) },
                                   main: object(DriverSource.mainFileName))
        }
        var result: PrebuiltDrivers?
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("ready").path) {
            result = made(in: folder)
        } else {
            let partial = kit.directory.appendingPathComponent("drivers-\(key).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            defer { try? FileManager.default.removeItem(at: partial) }
            if (try? FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)) != nil,
               sources.allSatisfy({ PrivateFile.write($0.text, to: partial.appendingPathComponent($0.name)) }) {
                let script = "cd \(Sandbox.shellQuote(partial.path)) && exec \"$@\""
                let arguments = ["/bin/sh", "-c", script, "prebuild", environment.swiftc] + flags + sources.map(\.name)
                if (try? GraderEnvironment.runQuick(arguments, environment: CompileRecipe.planning, timeout: 300)) != nil {
                    let built = made(in: partial)
                    let objects = built.drivers.values.flatMap { [$0.driver, $0.stub] } + [built.main]
                    if objects.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
                        for source in sources { try? FileManager.default.removeItem(at: partial.appendingPathComponent(source.name)) }
                        FileManager.default.createFile(atPath: partial.appendingPathComponent("ready").path, contents: Data())
                        _ = chmod(partial.path, 0o755)
                        for object in objects { _ = chmod(object, 0o644) }
                        // Another grader may have finished first: either folder is the same build.
                        if rename(partial.path, folder.path) == 0
                            || FileManager.default.fileExists(atPath: folder.appendingPathComponent("ready").path) {
                            result = made(in: folder)
                        }
                    }
                }
            }
        }
        cache.withLock { $0[key] = .some(result) }
        return result
    }
}
