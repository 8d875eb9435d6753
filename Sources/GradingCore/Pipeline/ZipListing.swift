import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The entries of an untrusted `.zip`, read from its central directory by the grader with every count bounded:
/// the directory's size, the number of entries and each name's length. Sizes are as the archive declares them
/// (a forged one is caught by the size-capped file system the extraction writes into).
struct ZipListing {
    struct Entry: Equatable {
        var name: String
        /// The declared uncompressed size; `UInt64.max` for ZIP64 entries (not needed for source files).
        var uncompressedBytes: UInt64
    }

    struct Limits {
        var maximumEntries = 2000
        var maximumDirectoryBytes = 1 << 20
    }

    enum Failure: Error, CustomStringConvertible {
        case unreadable
        case notAZip
        case tooManyEntries(Int, limit: Int)
        case directoryTooLarge(Int, limit: Int)
        var description: String {
            switch self {
            case .unreadable: return "it could not be read"
            case .notAZip: return "it is not a zip archive (no central directory was found)"
            case let .tooManyEntries(count, limit): return "it lists \(count) entries, more than the \(limit) a submission may hold"
            case let .directoryTooLarge(bytes, limit): return "its table of contents is \(bytes) bytes, more than the \(limit / 1024) KiB a submission's may be"
            }
        }
    }

    var entries: [Entry] = []

    static func read(_ url: URL, limits: Limits = Limits()) -> Result<ZipListing, Failure> {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return .failure(.unreadable) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable) }
        let size = Int(info.st_size)
        // The end-of-central-directory record: 22 bytes plus a comment of at most 65535 bytes, at the end.
        let tailLength = Swift.min(size, 22 + 65535)
        guard tailLength >= 22, let tail = readBytes(fd, offset: size - tailLength, count: tailLength) else { return .failure(.notAZip) }
        guard let end = stride(from: tail.count - 22, through: 0, by: -1).first(where: { tail.uint32(at: $0) == 0x0605_4b50 }) else {
            return .failure(.notAZip)
        }
        let count = Int(tail.uint16(at: end + 10))
        let directoryBytes = Int(tail.uint32(at: end + 12))
        let directoryOffset = Int(tail.uint32(at: end + 16))
        guard count <= limits.maximumEntries else { return .failure(.tooManyEntries(count, limit: limits.maximumEntries)) }
        guard directoryBytes <= limits.maximumDirectoryBytes else {
            return .failure(.directoryTooLarge(directoryBytes, limit: limits.maximumDirectoryBytes))
        }
        guard directoryOffset + directoryBytes <= size,
              let directory = readBytes(fd, offset: directoryOffset, count: directoryBytes) else { return .failure(.notAZip) }
        var listing = ZipListing()
        var offset = 0
        for _ in 0..<count {
            guard offset + 46 <= directory.count, directory.uint32(at: offset) == 0x0201_4b50 else { return .failure(.notAZip) }
            let compressedSize = directory.uint32(at: offset + 20)
            let uncompressed = directory.uint32(at: offset + 24)
            let nameLength = Int(directory.uint16(at: offset + 28))
            let extraLength = Int(directory.uint16(at: offset + 30))
            let commentLength = Int(directory.uint16(at: offset + 32))
            guard offset + 46 + nameLength <= directory.count else { return .failure(.notAZip) }
            let name = String(decoding: directory[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            let zip64 = uncompressed == 0xFFFF_FFFF || compressedSize == 0xFFFF_FFFF
            listing.entries.append(Entry(name: name, uncompressedBytes: zip64 ? .max : UInt64(uncompressed)))
            offset += 46 + nameLength + extraLength + commentLength
        }
        return .success(listing)
    }

    private static func readBytes(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            done += n
        }
        return bytes
    }
}

private extension Array where Element == UInt8 {
    func uint16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func uint32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }
}
