import XCTest
@testable import GradingCore

/// The system-call filter's BPF program, read instruction by instruction and run on a small interpreter of the
/// classic BPF subset it uses, for both architectures' tables.
final class SeccompFilterTests: XCTestCase {
    typealias Filter = SeccompFilter

    /// What the kernel would return for a call `number` made through the table `arch` (only the opcodes the
    /// builder emits: load word absolute, jump if equal / greater or equal, return constant).
    static func evaluate(_ program: [Filter.Instruction], arch: UInt32, number: UInt32) -> UInt32? {
        var accumulator: UInt32 = 0
        var pc = 0
        var steps = 0
        while pc < program.count, steps < 1000 {
            let instruction = program[pc]
            steps += 1
            switch instruction.code {
            case Filter.loadWordAbsolute:
                switch instruction.k {
                case Filter.numberOffset: accumulator = number
                case Filter.architectureOffset: accumulator = arch
                default: return nil
                }
                pc += 1
            case Filter.jumpIfEqual:
                pc += 1 + Int(accumulator == instruction.k ? instruction.jt : instruction.jf)
            case Filter.jumpIfGreaterOrEqual:
                pc += 1 + Int(accumulator >= instruction.k ? instruction.jt : instruction.jf)
            case Filter.returnConstant:
                return instruction.k
            default:
                return nil
            }
        }
        return nil
    }

    func testEveryDeniedCallHasANumberOnBothArchitectures() {
        for architecture in [Filter.x86_64, Filter.aarch64] {
            XCTAssertEqual(Set(architecture.numbers.keys), Set(Filter.deniedNames), architecture.name)
            XCTAssertEqual(Set(architecture.numbers.values).count, architecture.numbers.count, "\(architecture.name): two names share a number")
        }
        XCTAssertEqual(Set(Filter.deniedNames).count, Filter.deniedNames.count)
        for name in ["ptrace", "memfd_create", "unshare", "io_uring_setup", "bpf", "keyctl", "mount", "setns", "personality"] {
            XCTAssertTrue(Filter.deniedNames.contains(name), name)
        }
        XCTAssertEqual(Filter.x86_64.numbers["ptrace"], 101)
        XCTAssertEqual(Filter.x86_64.numbers["memfd_create"], 319)
        XCTAssertEqual(Filter.aarch64.numbers["ptrace"], 117)
        XCTAssertEqual(Filter.aarch64.numbers["memfd_create"], 279)
        #if arch(x86_64)
        XCTAssertEqual(Filter.native?.auditArch, 0xC000_003E)
        #elseif arch(arm64)
        XCTAssertEqual(Filter.native?.auditArch, 0xC000_00B7)
        #endif
    }

    func testTheProgramChecksTheArchitectureFirstAndAllowsWhatItDoesNotList() throws {
        for architecture in [Filter.x86_64, Filter.aarch64] {
            let program = Filter.program(for: architecture)
            XCTAssertEqual(program[0], .init(code: Filter.loadWordAbsolute, jt: 0, jf: 0, k: Filter.architectureOffset), architecture.name)
            XCTAssertEqual(program[1], .init(code: Filter.jumpIfEqual, jt: 1, jf: 0, k: architecture.auditArch), architecture.name)
            XCTAssertEqual(program[2], .init(code: Filter.returnConstant, jt: 0, jf: 0, k: Filter.killProcess), architecture.name)
            XCTAssertEqual(program[3], .init(code: Filter.loadWordAbsolute, jt: 0, jf: 0, k: Filter.numberOffset), architecture.name)
            // The checks fall through to "allow"; only a listed number jumps past it to EPERM.
            XCTAssertEqual(program[program.count - 2], .init(code: Filter.returnConstant, jt: 0, jf: 0, k: Filter.allow))
            XCTAssertEqual(program[program.count - 1], .init(code: Filter.returnConstant, jt: 0, jf: 0, k: Filter.failWithEPERM))
            XCTAssertEqual(Filter.failWithEPERM, 0x0005_0001)
            let compared = Set(program.filter { $0.code == Filter.jumpIfEqual }.map(\.k))
            for name in Filter.deniedNames {
                let number = try XCTUnwrap(architecture.numbers[name])
                XCTAssertTrue(compared.contains(number), "\(architecture.name): \(name) (\(number)) is not checked")
            }
            XCTAssertEqual(program.count, 4 + Filter.deniedNames.count + (architecture.foreignABIFloor == nil ? 0 : 1) + 2)
        }
    }

    func testTheProgramDeniesTheListAndAllowsTheRest() throws {
        for architecture in [Filter.x86_64, Filter.aarch64] {
            let program = Filter.program(for: architecture)
            for (name, number) in architecture.numbers {
                XCTAssertEqual(Self.evaluate(program, arch: architecture.auditArch, number: number), Filter.failWithEPERM,
                               "\(architecture.name): \(name)")
            }
            let denied = Set(architecture.numbers.values)
            for number in UInt32(0)..<460 where !denied.contains(number) {
                XCTAssertEqual(Self.evaluate(program, arch: architecture.auditArch, number: number), Filter.allow,
                               "\(architecture.name): call \(number)")
            }
            // Another table (32-bit x86 through int 0x80, or a mismatched architecture) kills the process.
            for foreign: UInt32 in [0x4000_0003, 0xC000_003E, 0xC000_00B7] where foreign != architecture.auditArch {
                XCTAssertEqual(Self.evaluate(program, arch: foreign, number: 1), Filter.killProcess, "\(architecture.name) on \(foreign)")
            }
        }
        // x32 calls on x86_64 (numbers with bit 30 set) fail, whatever the number.
        let x86 = Filter.program(for: Filter.x86_64)
        for number: UInt32 in [0x4000_0000, 0x4000_0001 + 101, 0x4000_0200, 0xFFFF_FFFF] {
            XCTAssertEqual(Self.evaluate(x86, arch: Filter.x86_64.auditArch, number: number), Filter.failWithEPERM, "x32 call \(number)")
        }
    }

    func testBytesAreSockFilterStructsInNativeOrder() throws {
        let program = Filter.program(for: Filter.x86_64)
        let bytes = Filter.bytes(program)
        XCTAssertEqual(bytes.count, program.count * 8)
        XCTAssertLessThan(bytes.count, 4096, "the program fits a pipe's buffer many times over")
        for (index, instruction) in program.enumerated() {
            let slice = Array(bytes[index * 8..<index * 8 + 8])
            let code = slice.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt16.self) }
            let k = slice.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) }
            XCTAssertEqual(code, instruction.code)
            XCTAssertEqual(slice[2], instruction.jt)
            XCTAssertEqual(slice[3], instruction.jf)
            XCTAssertEqual(k, instruction.k)
        }
        XCTAssertEqual(Filter.nativeBytes.map { Filter.bytes(Filter.program(for: Filter.native!)) == $0 }, Filter.native.map { _ in true })
    }
}
