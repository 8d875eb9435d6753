import WorkerKit

/// A picture of what the student's own code does, kept as data: the trusted grader computes it from the sandboxed
/// worker's replies, `report.json` records it (the optional `figures` of an exercise) and the HTML report draws
/// it as SVG, now or later (`grader report`). Student code never writes any of it; every string here is the
/// grader's own, and the numbers are the student's.
public struct Figure: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Series of (x, y) points joined by lines.
        case line
        /// Grouped bars: one group per category, one bar per series (`x` holds the category indices).
        case bars
        /// A grid of values (`heatMap`), darker for larger.
        case heatMap = "heat-map"
    }

    /// Stable kebab-case id, unique within the exercise (`activation-std`).
    public var id: String
    public var kind: Kind
    public var title: String
    /// One or two sentences about this student's picture, with the numbers (what it shows and what to look for).
    public var caption: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    /// The group names of a bar chart.
    public var categories: [String]?
    public var heatMap: HeatMap?

    public init(id: String, kind: Kind, title: String, caption: String, xAxis: Axis, yAxis: Axis,
                series: [Series] = [], categories: [String]? = nil, heatMap: HeatMap? = nil) {
        self.id = id
        self.kind = kind
        self.title = title
        self.caption = caption
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.categories = categories
        self.heatMap = heatMap
    }

    public struct Axis: Codable, Sendable, Equatable {
        public var label: String
        /// The unit, or "" for a pure number.
        public var unit: String
        public var logarithmic: Bool
        public init(_ label: String, unit: String = "", logarithmic: Bool = false) {
            self.label = label
            self.unit = unit
            self.logarithmic = logarithmic
        }
    }

    public struct Series: Codable, Sendable, Equatable {
        /// Whose numbers: the student's code, the reference engine, or another comparison (a known-wrong setting).
        public enum Role: String, Codable, Sendable { case student, reference, comparison }
        public var name: String
        public var role: Role
        public var x: [Double]
        /// NaN and infinities are kept (and drawn as such): they are often the point of the picture.
        public var y: [Double]
        public init(_ name: String, role: Role, x: [Double], y: [Double]) {
            self.name = name
            self.role = role
            self.x = x
            self.y = y
        }
    }

    public struct HeatMap: Codable, Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        /// Row-major, rows × columns; NaN marks a cell with no value (e.g. outside the student's output).
        public var values: [Double]
        /// What a cell's value is ("|got − expected|").
        public var valueLabel: String
        public init(rows: Int, columns: Int, values: [Double], valueLabel: String) {
            self.rows = rows
            self.columns = columns
            self.values = values
            self.valueLabel = valueLabel
        }
    }
}

/// How an exercise gathers one picture's data from the student's code: calls sent to the same sandboxed worker
/// that ran its tests (one at a time, so a call may depend on the replies before it — an optimizer follows its
/// own trajectory), then `draw` turns the replies into figures on the trusted side.
public struct FigureProbe: Sendable {
    public var name: String
    /// The next call given the replies so far, or nil when the probe has all it needs.
    public var next: @Sendable (_ replies: [WorkerReply]) -> WorkerCall?
    /// The figures, from the probe's replies and the exercise's test runs. Empty when there is nothing to show.
    public var draw: @Sendable (_ outcome: ProbeOutcome) -> [Figure]
    /// Time allowed for all the probe's calls together.
    public var timeLimitSeconds: Double

    public init(name: String, timeLimitSeconds: Double = 5,
                next: @escaping @Sendable (_ replies: [WorkerReply]) -> WorkerCall?,
                draw: @escaping @Sendable (_ outcome: ProbeOutcome) -> [Figure]) {
        self.name = name
        self.timeLimitSeconds = timeLimitSeconds
        self.next = next
        self.draw = draw
    }

    /// A probe that sends a fixed list of calls.
    public init(name: String, calls: [WorkerCall], timeLimitSeconds: Double = 5,
                draw: @escaping @Sendable (_ outcome: ProbeOutcome) -> [Figure]) {
        self.init(name: name, timeLimitSeconds: timeLimitSeconds,
                  next: { replies in replies.count < calls.count ? calls[replies.count] : nil }, draw: draw)
    }
}

/// What a probe's `draw` sees: its own replies (all of them, or those before the call that failed) and the
/// exercise's tests with their replies, so a picture can also be drawn from a failing test.
public struct ProbeOutcome: Sendable {
    public var replies: [WorkerReply]
    /// Why the probe stopped before its last call (a crash, a time-out, not implemented), or nil.
    public var failure: String?
    public var tests: [TestCase]
    /// `testReplies[i]` is nil for a test that produced no replies.
    public var testReplies: [[WorkerReply]?]
    public var testReports: [TestReport]

    public init(replies: [WorkerReply], failure: String? = nil, tests: [TestCase] = [], testReplies: [[WorkerReply]?] = [],
                testReports: [TestReport] = []) {
        self.replies = replies
        self.failure = failure
        self.tests = tests
        self.testReplies = testReplies
        self.testReports = testReports
    }
}
