import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 that counts the connections it accepts, so a test can prove that sandboxed code
/// never reached the host's network.
final class ConnectionCounter: Sendable {
    let port: UInt16
    private let socketFD: Int32
    private let state = Mutex((accepted: 0, stopped: false))
    private let finished = DispatchSemaphore(value: 0)

    var count: Int { state.withLock { $0.accepted } }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProbeError("socket() failed: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw ProbeError("bind/listen on 127.0.0.1 failed: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    private func acceptLoop() {
        defer { finished.signal() }
        while true {
            if state.withLock({ $0.stopped }) { return }
            var fds = [pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { continue }
            let client = accept(socketFD, nil, nil)
            if client >= 0 {
                state.withLock { $0.accepted += 1 }
                close(client)
            }
        }
    }

    func stop() {
        state.withLock { $0.stopped = true }
        finished.wait()
        close(socketFD)
    }
}

struct ProbeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What `/proc` says about the host's processes.
enum ProcessTable {
    struct Entry {
        var pid: Int
        var uid: UInt32
        var commandLine: [String]
        var parent: Int = 0
        /// The state letter of /proc/PID/status: R, S, D, Z (a zombie: dead, waiting to be reaped), ...
        var state: String = ""
        var isZombie: Bool { state == "Z" }
    }

    static func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> Entry? in
            guard let pid = Int(name),
                  let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let uidLine = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
                  let uid = uidLine.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap({ UInt32($0) })
            else { return nil }
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            func field(_ name: String) -> String? {
                status.split(separator: "\n").first { $0.hasPrefix(name + ":") }?
                    .dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
            }
            return Entry(pid: pid, uid: uid, commandLine: arguments, parent: field("PPid").flatMap { Int($0) } ?? 0,
                         state: String(field("State")?.prefix(1) ?? ""))
        }
    }

    /// The processes below `pid` (children, their children, ...), as they are now.
    static func descendants(of pid: Int) -> [Entry] {
        let all = entries()
        var found: [Entry] = []
        var parents: Set<Int> = [pid]
        while true {
            let seen = Set(found.map(\.pid))
            let next = all.filter { parents.contains($0.parent) && !seen.contains($0.pid) }
            if next.isEmpty { return found }
            found += next
            parents = Set(next.map(\.pid))
        }
    }

    /// Waits up to `seconds` for `predicate` to hold for no process; returns the ones still matching.
    static func waitUntilNone(within seconds: Double, _ predicate: (Entry) -> Bool) -> [Entry] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let matching = entries().filter(predicate)
            if matching.isEmpty || Date() > deadline { return matching }
            usleep(200_000)
        }
    }
}
