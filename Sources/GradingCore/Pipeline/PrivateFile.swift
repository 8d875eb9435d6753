import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files the grader writes for a sandboxed step (sources, drivers): opened close-on-exec and without following a
/// link, so no child started meanwhile (on another job slot) inherits a writable descriptor to them.
enum PrivateFile {
    /// Creates or truncates `url` with `text`, mode 0644. False if it could not be written in full.
    @discardableResult
    static func write(_ text: String, to url: URL) -> Bool {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        fchmod(descriptor, 0o644)
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}
