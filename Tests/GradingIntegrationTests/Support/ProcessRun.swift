import Foundation
import Synchronization

/// What a finished child process said: its exit status and both output streams.
struct ProcessRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs the grader `binary` with `arguments` in `directory`, with `environment` entries added to this process's
    /// and `removing` names taken out of it.
    static func grader(_ binary: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:],
                       removing: [String] = []) throws -> ProcessRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for name in removing { env.removeValue(forKey: name) }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return try collect(process)
    }

    /// Runs `process` (configured but not started) with no input and both outputs captured. The streams are read
    /// concurrently so neither pipe fills up and blocks the child.
    static func collect(_ process: Process) throws -> ProcessRun {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = DispatchGroup()
        let errorRead = ErrorOutput()
        group.enter()
        DispatchQueue.global().async {
            errorRead.data.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errorData = errorRead.data.withLock { $0 }
        process.waitUntilExit()
        return ProcessRun(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                          stderr: String(decoding: errorData, as: UTF8.self))
    }
}

/// Standard error of a child, read on another thread.
private final class ErrorOutput: Sendable {
    let data = Mutex(Data())
}
