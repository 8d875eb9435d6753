import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encoding and writing of the grader's JSON files (`report.json`, `results.json`).
///
/// Reports are diffed, archived and read by other tools, so the encoding is fixed: keys sorted, pretty-printed,
/// slashes unescaped. JSON has no NaN or infinity, yet a student's output can hold them (and they are exactly what
/// a failure report must show), so non-finite doubles are written as the strings "nan", "inf" and "-inf"; the
/// schema allows those strings only in the fields that carry values computed from student output.
public enum ReportIO {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder that reads back what `encode` wrote (the same non-finite strings).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)  // A trailing newline, so the files behave in shells and diffs.
        return data
    }

    /// Writes `data` so that a reader sees either the old file or the whole new one, never a torn write, even if
    /// the grader is killed halfway: the bytes go to a temporary file in the same directory (same file system,
    /// so the rename is atomic), are flushed to disk with fsync, and the temporary file is renamed over `url`.
    /// Creates the directory if needed; on failure the temporary file is removed.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError.cannotCreateDirectory(path: directory.path, reason: error.localizedDescription)
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ReportWriteError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
        }
        var failure: String?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = posixWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw ReportWriteError.cannotWrite(path: url.path, reason: failure)
        }
        // Make the rename itself durable; a failure here loses nothing already written, so it is not an error.
        let directoryDescriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            _ = close(directoryDescriptor)
        }
    }

    /// Encodes and writes atomically in one step.
    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        try writeAtomically(try encode(value), to: url)
    }
}

public enum ReportWriteError: Error, CustomStringConvertible, Equatable {
    case cannotCreateDirectory(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreateDirectory(path, reason):
            return "The folder \(path) could not be created for the report: \(reason)."
        case let .cannotWrite(path, reason):
            return "The report \(path) could not be written: \(reason)."
        }
    }
}

/// The C `write(2)`, named apart from `ReportIO.write` so the call inside the enum reaches the system call.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
