import Foundation

/// The system-call filter bubblewrap loads (`--seccomp FD`) just before it starts the sandboxed program: a classic
/// BPF program written out by hand, since bubblewrap takes only a compiled one and libseccomp is not needed for a
/// list this short.
///
/// The program (`seccomp(2)`, `Documentation/userspace-api/seccomp_filter.rst`):
/// 1. loads `seccomp_data.arch` and kills the process when it is not the architecture the grader was built for
///    (a 32-bit `int 0x80` call on x86_64 would otherwise reach a second, unfiltered table of numbers);
/// 2. loads `seccomp_data.nr`; on x86_64, any x32 call (number ≥ 0x40000000) fails with EPERM;
/// 3. each number in `deniedNames` fails with EPERM (the call returns -1 with errno 1; nothing is killed, so a
///    program that merely tries one still gets graded);
/// 4. everything else is allowed.
///
/// What is denied is what neither student code nor the compiler (swiftc, swift-frontend, clang, ld.lld) ever
/// needs: debugging and reading other processes (ptrace, process_vm_*), the kernel's module, BPF, perf, keyring,
/// io_uring and userfaultfd interfaces (the usual ways into kernel bugs), memfd_create (memory the address-space
/// limit does not count), mounts and namespaces (unshare, setns), the clock, swap, reboot, accounting, quotas,
/// file handles, the kernel log and personality (which can turn off address-space randomization).
public enum SeccompFilter {
    /// One instruction: `struct sock_filter` from linux/filter.h (8 bytes, native byte order).
    public struct Instruction: Equatable, Sendable {
        public var code: UInt16
        public var jt: UInt8
        public var jf: UInt8
        public var k: UInt32
    }

    // linux/bpf_common.h and linux/seccomp.h.
    static let loadWordAbsolute: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
    static let jumpIfEqual: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    static let jumpIfGreaterOrEqual: UInt16 = 0x35  // BPF_JMP | BPF_JGE | BPF_K
    static let returnConstant: UInt16 = 0x06  // BPF_RET | BPF_K
    static let killProcess: UInt32 = 0x8000_0000  // SECCOMP_RET_KILL_PROCESS
    static let allow: UInt32 = 0x7fff_0000  // SECCOMP_RET_ALLOW
    static let failWithEPERM: UInt32 = 0x0005_0000 | 1  // SECCOMP_RET_ERRNO | EPERM
    /// Offsets in `struct seccomp_data`: `int nr; __u32 arch; …`.
    static let numberOffset: UInt32 = 0
    static let architectureOffset: UInt32 = 4

    /// The calls that fail with EPERM, by name (the same list on every architecture).
    public static let deniedNames = [
        "ptrace", "process_vm_readv", "process_vm_writev",
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
        "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
        "io_uring_setup", "io_uring_enter", "io_uring_register",
        "memfd_create",
        "mount", "umount2", "pivot_root", "unshare", "setns",
        "swapon", "swapoff", "reboot", "acct",
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "quotactl", "open_by_handle_at", "name_to_handle_at", "syslog", "personality", "lookup_dcookie",
    ]

    /// A system-call table: the `AUDIT_ARCH_*` value the kernel reports for it and its numbers by name.
    public struct Architecture: Sendable {
        public var name: String
        public var auditArch: UInt32
        /// Numbers at or above this one belong to another ABI on the same architecture (x86_64's x32); nil if none.
        public var foreignABIFloor: UInt32?
        public var numbers: [String: UInt32]
    }

    /// x86_64 (asm/unistd_64.h).
    public static let x86_64 = Architecture(name: "x86_64", auditArch: 0xC000_003E, foreignABIFloor: 0x4000_0000, numbers: [
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
        "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248, "request_key": 249,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "memfd_create": 319,
        "mount": 165, "umount2": 166, "pivot_root": 155, "unshare": 272, "setns": 308,
        "swapon": 167, "swapoff": 168, "reboot": 169, "acct": 163,
        "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159,
        "quotactl": 179, "open_by_handle_at": 304, "name_to_handle_at": 303, "syslog": 103, "personality": 135,
        "lookup_dcookie": 212,
    ])

    /// arm64 (asm-generic/unistd.h).
    public static let aarch64 = Architecture(name: "aarch64", auditArch: 0xC000_00B7, foreignABIFloor: nil, numbers: [
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "kexec_load": 104, "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
        "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217, "request_key": 218,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "memfd_create": 279,
        "mount": 40, "umount2": 39, "pivot_root": 41, "unshare": 97, "setns": 268,
        "swapon": 224, "swapoff": 225, "reboot": 142, "acct": 89,
        "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171,
        "quotactl": 60, "open_by_handle_at": 265, "name_to_handle_at": 264, "syslog": 116, "personality": 92,
        "lookup_dcookie": 18,
    ])

    /// The architecture the grader was built for (its children run the same), nil where there is no table.
    public static var native: Architecture? {
        #if arch(x86_64)
        return x86_64
        #elseif arch(arm64)
        return aarch64
        #else
        return nil
        #endif
    }

    /// The filter for `architecture`: the listed calls that exist there fail with EPERM.
    public static func program(for architecture: Architecture) -> [Instruction] {
        let denied = deniedNames.compactMap { architecture.numbers[$0] }
        var checks: [(code: UInt16, k: UInt32)] = []
        if let floor = architecture.foreignABIFloor { checks.append((jumpIfGreaterOrEqual, floor)) }
        checks += denied.map { (jumpIfEqual, $0) }
        var program = [
            Instruction(code: loadWordAbsolute, jt: 0, jf: 0, k: architectureOffset),
            Instruction(code: jumpIfEqual, jt: 1, jf: 0, k: architecture.auditArch),
            Instruction(code: returnConstant, jt: 0, jf: 0, k: killProcess),
            Instruction(code: loadWordAbsolute, jt: 0, jf: 0, k: numberOffset),
        ]
        // Check i jumps over the checks after it and the allow to the EPERM return; jump offsets are 8 bits.
        precondition(checks.count < 255, "a jump over the remaining checks must fit in 8 bits")
        for (index, check) in checks.enumerated() {
            program.append(Instruction(code: check.code, jt: UInt8(checks.count - index), jf: 0, k: check.k))
        }
        program.append(Instruction(code: returnConstant, jt: 0, jf: 0, k: allow))
        program.append(Instruction(code: returnConstant, jt: 0, jf: 0, k: failWithEPERM))
        return program
    }

    /// `program` as the bytes bubblewrap reads: an array of `struct sock_filter` in native byte order.
    public static func bytes(_ program: [Instruction]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(program.count * 8)
        for instruction in program {
            withUnsafeBytes(of: instruction.code) { bytes += $0 }
            bytes += [instruction.jt, instruction.jf]
            withUnsafeBytes(of: instruction.k) { bytes += $0 }
        }
        return bytes
    }

    /// The filter's bytes for this machine, nil where the grader has no system-call table for its architecture.
    public static let nativeBytes: [UInt8]? = native.map { bytes(program(for: $0)) }
}
