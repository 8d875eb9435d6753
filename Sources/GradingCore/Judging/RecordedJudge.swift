import WorkerKit

/// A test's judge as data: everything it needs to decide a student's replies, and nothing that implements the
/// exercise. The instructor's graders build their tests' judges this way (or can produce one, for deterministic
/// tests, by recording the reference's and the wrong variants' outputs), and the student kit's recorded test pack
/// holds these values, so a test is judged by the same code on both sides.
///
/// A new kind of judge (one that needs code beyond comparing outputs with recorded ones) is a new case here, with
/// its code in `Sources/GradingCore/Judges/`.
public enum RecordedJudge: Codable, Sendable, Equatable {
    case outputs(OutputJudge)
    case heInit(HeInitJudge)
    case dropout(DropoutJudge)

    public func judge(_ replies: [WorkerReply]) -> Judgement {
        switch self {
        case let .outputs(judge): return judge.judge(replies)
        case let .heInit(judge): return judge.judge(replies)
        case let .dropout(judge): return judge.judge(replies)
        }
    }

    /// Whether a misconception's wrong variant would have given these replies (see `TestCase.explains`); nil where
    /// the test cannot tell, or uses the default rule.
    public var explains: (@Sendable (_ misconception: String, _ replies: [WorkerReply]) -> Bool?)? {
        switch self {
        case let .outputs(judge): return { judge.explains($0, $1) }
        case let .heInit(judge): return { judge.explains($0, $1) }
        case .dropout: return nil
        }
    }
}
