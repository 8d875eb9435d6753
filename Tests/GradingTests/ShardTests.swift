import Foundation
import XCTest
@testable import GradingCore

/// Which submissions a shard grades, and where its index comes from on Slurm and Kubernetes.
final class ShardTests: XCTestCase {
    let names = (0..<400).map { String(format: "student-%03d", $0) }

    func testEveryNameIsInExactlyOneShard() throws {
        for count in [1, 2, 3, 8] {
            let shards = try (1...count).map { try Shard(index: $0, count: count) }
            for name in names {
                XCTAssertEqual(shards.filter { $0.contains(name) }.count, 1, "\(name) among \(count) shards")
            }
        }
    }

    func testALateSubmissionMovesNobodyElse() {
        // The shard depends on the name alone, not its position in the sorted list.
        let before = Dictionary(uniqueKeysWithValues: names.map { ($0, Shard.of($0, count: 8)) })
        let withLate = (names + ["aaron-late", "zoe-late"]).sorted()
        for name in withLate where before[name] != nil {
            XCTAssertEqual(Shard.of(name, count: 8), before[name], name)
        }
    }

    func testShardsOfAClassAreRoughlyBalanced() {
        var sizes = [Int](repeating: 0, count: 8)
        for name in names { sizes[Shard.of(name, count: 8) - 1] += 1 }
        // 400 into 8: 50 each on average; a binomial spread is ±7, so 30…70 fails only for a broken hash.
        XCTAssertTrue(sizes.allSatisfy { (30...70).contains($0) }, "\(sizes)")
    }

    func testParsingIOfN() throws {
        XCTAssertEqual(try Shard.parse("2/8"), try Shard(index: 2, count: 8))
        XCTAssertEqual(try Shard.parse("1/1").recordName, "1-of-1")
        XCTAssertThrowsError(try Shard.parse("0/8")) { XCTAssertEqual($0 as? ShardError, .indexOutOfRange(index: 0, count: 8)) }
        XCTAssertThrowsError(try Shard.parse("9/8")) { XCTAssertTrue("\($0)".contains("numbered 1 to 8"), "\($0)") }
        XCTAssertThrowsError(try Shard.parse("2of8")) { XCTAssertEqual($0 as? ShardError, .unreadable("2of8")) }
        XCTAssertThrowsError(try Shard.parse("1/0")) { XCTAssertEqual($0 as? ShardError, .badCount(0)) }
    }

    func testKubernetesIndexIsZeroBased() throws {
        XCTAssertEqual(try Shard.resolve(shard: nil, shards: 4, environment: ["JOB_COMPLETION_INDEX": "0"]), try Shard(index: 1, count: 4))
        XCTAssertEqual(try Shard.resolve(shard: nil, shards: 4, environment: ["JOB_COMPLETION_INDEX": "3"]), try Shard(index: 4, count: 4))
        XCTAssertThrowsError(try Shard.resolve(shard: nil, shards: 4, environment: ["JOB_COMPLETION_INDEX": "4"])) {
            XCTAssertEqual($0 as? ShardError, .variableOutOfRange("JOB_COMPLETION_INDEX", 4, lowest: 0, count: 4))
        }
    }

    func testSlurmIndexCountsFromTheArraysFirstID() throws {
        // --array=0-3 and --array=1-4 give the same four shards.
        let zero = ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try Shard.resolve(shard: nil, shards: 4, environment: zero), try Shard(index: 1, count: 4))
        let one = ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertEqual(try Shard.resolve(shard: nil, shards: 4, environment: one), try Shard(index: 4, count: 4))
        // Without SLURM_ARRAY_TASK_MIN (an older Slurm), ids count from 0.
        XCTAssertEqual(try Shard.resolve(shard: nil, shards: 4, environment: ["SLURM_ARRAY_TASK_ID": "2"]), try Shard(index: 3, count: 4))
    }

    func testSlurmArraysThatDoNotMatchTheShardCountAreRefused() {
        var env = ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_COUNT": "8"]
        XCTAssertThrowsError(try Shard.resolve(shard: nil, shards: 4, environment: env)) {
            XCTAssertEqual($0 as? ShardError, .arraySizeDiffers(tasks: 8, shards: 4))
        }
        // --array=0-6:2 has 4 tasks, but their ids are not consecutive.
        env = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "4"]
        XCTAssertThrowsError(try Shard.resolve(shard: nil, shards: 4, environment: env)) {
            XCTAssertEqual($0 as? ShardError, .arrayRangeDiffers(lowest: 0, highest: 6, shards: 4))
        }
    }

    func testWhereTheIndexComesFrom() throws {
        // --shard wins over nothing; --shards needs a scheduler's index; both at once is refused.
        XCTAssertNil(try Shard.resolve(shard: nil, shards: nil, environment: ["SLURM_ARRAY_TASK_ID": "1"]))
        XCTAssertEqual(try Shard.resolve(shard: "3/5", shards: nil, environment: ["JOB_COMPLETION_INDEX": "0"]), try Shard(index: 3, count: 5))
        XCTAssertThrowsError(try Shard.resolve(shard: "1/2", shards: 2, environment: [:])) { XCTAssertEqual($0 as? ShardError, .bothGiven) }
        XCTAssertThrowsError(try Shard.resolve(shard: nil, shards: 2, environment: [:])) {
            XCTAssertEqual($0 as? ShardError, .noIndex(2))
            XCTAssertTrue("\($0)".contains("--shard I/2"), "\($0)")
        }
        XCTAssertThrowsError(try Shard.resolve(shard: nil, shards: 2, environment: ["JOB_COMPLETION_INDEX": "x"])) {
            XCTAssertEqual($0 as? ShardError, .unreadableVariable("JOB_COMPLETION_INDEX", "x"))
        }
        // Kubernetes' index is taken before Slurm's.
        XCTAssertEqual(try Shard.resolve(shard: nil, shards: 2, environment: ["JOB_COMPLETION_INDEX": "1", "SLURM_ARRAY_TASK_ID": "0"]),
                       try Shard(index: 2, count: 2))
    }
}
