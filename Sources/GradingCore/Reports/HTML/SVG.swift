import Foundation
import TensorKit

/// Generic SVG charts for the HTML report: axes with ticks, labels and units, line charts (linear or logarithmic
/// y), grouped bar charts, histograms and heat maps. Each function returns one self-contained `<svg>` element with
/// its size in pixels and a `viewBox`, styled by attributes only (no fonts or files fetched, prints as drawn).
/// Every text passes through `HTML.escape`, so a label can hold anything.
///
/// NaN and infinite values are never dropped silently: a line chart marks them with a red "NaN"/"∞" at the top
/// edge, a bar chart draws a dashed red full-height bar labelled "NaN", and a heat map a grey cell.
public enum SVG {
    public struct Axis: Sendable {
        public var label: String
        public var unit: String
        public var logarithmic: Bool
        public init(_ label: String, unit: String = "", logarithmic: Bool = false) {
            self.label = label
            self.unit = unit
            self.logarithmic = logarithmic
        }
        /// "label (unit)", or the label alone.
        var title: String { unit.isEmpty ? label : "\(label) (\(unit))" }
    }

    /// One line or one set of bars. `style` picks the colour and dash (student, reference, comparison).
    public struct Series: Sendable {
        public enum Style: Sendable { case student, reference, comparison, plain }
        public var name: String
        public var style: Style
        public var x: [Double]
        public var y: [Double]
        public init(_ name: String, style: Style, x: [Double], y: [Double]) {
            self.name = name
            self.style = style
            self.x = x
            self.y = y
        }
    }

    static let width = 560.0, height = 300.0
    static let left = 74.0, right = 16.0, top = 28.0, bottom = 56.0
    static var plotWidth: Double { width - left - right }
    static var plotHeight: Double { height - top - bottom }
    static let badColor = "#c92a2a"

    static func color(_ style: Series.Style) -> String {
        switch style {
        case .student: return "#e8590c"
        case .reference: return "#1971c2"
        case .comparison: return "#868e96"
        case .plain: return "#495057"
        }
    }

    // MARK: Charts

    /// Lines through each series' points; non-finite points are marked at the top edge instead of drawn.
    public static func lineChart(_ series: [Series], x xAxis: Axis, y yAxis: Axis, title: String) -> String {
        let xs = series.flatMap(\.x).filter { usable($0, xAxis) }
        let ys = series.flatMap(\.y).filter { usable($0, yAxis) }
        let xScale = Scale(values: xs, logarithmic: xAxis.logarithmic, from: left, to: left + plotWidth)
        let yScale = Scale(values: ys, logarithmic: yAxis.logarithmic, from: top + plotHeight, to: top)
        var body = axes(xScale: xScale, yScale: yScale, x: xAxis, y: yAxis)
        var nonFinite = 0
        // The student's line last, on top; the reference as a wide pale band under it, so both show where they agree.
        for item in series.filter({ $0.style != .student }) + series.filter({ $0.style == .student }) {
            var path = "", pen = false
            for (x, y) in zip(item.x, item.y) {
                guard usable(x, xAxis) else { pen = false; continue }
                guard usable(y, yAxis) else {
                    pen = false
                    nonFinite += 1
                    body += "<text x=\"\(f(xScale.map(x)))\" y=\"\(f(top + 10))\" font-size=\"10\" text-anchor=\"middle\" fill=\"\(badColor)\" font-weight=\"bold\">\(y.isNaN ? "NaN" : (y > 0 ? "+∞" : (y < 0 && !y.isInfinite ? "≤0" : "−∞")))</text>"
                    continue
                }
                path += (pen ? " L" : " M") + "\(f(xScale.map(x))),\(f(yScale.map(y)))"
                pen = true
            }
            let dash = item.style == .comparison ? " stroke-dasharray=\"6 4\"" : ""
            if !path.isEmpty {
                let width = item.style == .reference ? "5\" stroke-opacity=\"0.45" : item.style == .student ? "2.2" : "1.8"
                body += "<path d=\"\(path.dropFirst())\" fill=\"none\" stroke=\"\(color(item.style))\" stroke-width=\"\(width)\" stroke-linejoin=\"round\"\(dash)/>"
            }
            if item.x.count <= 40 && item.style != .reference {
                for (x, y) in zip(item.x, item.y) where usable(x, xAxis) && usable(y, yAxis) {
                    body += "<circle cx=\"\(f(xScale.map(x)))\" cy=\"\(f(yScale.map(y)))\" r=\"2.5\" fill=\"\(color(item.style))\"/>"
                }
            }
        }
        return svg(title: title, body + legend(series.map { ($0.name, $0.style) }, extra: nonFinite > 0 ? "NaN/∞ marked at the top" : nil))
    }

    /// Grouped bars: one group per category, one bar per series (`series[i].y[c]` is the bar of category c).
    public static func barChart(categories: [String], series: [Series], y yAxis: Axis, x xAxis: Axis, title: String,
                                yRange: ClosedRange<Double>? = nil) -> String {
        let values = series.flatMap(\.y).filter(\.isFinite)
        let yScale = Scale(values: values + [0] + (yRange.map { [$0.lowerBound, $0.upperBound] } ?? []), logarithmic: false,
                           from: top + plotHeight, to: top)
        var body = axes(xScale: nil, yScale: yScale, x: xAxis, y: yAxis)
        let group = plotWidth / Double(max(categories.count, 1))
        let barWidth = min(36, group * 0.8 / Double(max(series.count, 1)))
        let zero = yScale.map(max(0, yScale.low))
        for (c, category) in categories.enumerated() {
            let center = left + group * (Double(c) + 0.5)
            body += "<text x=\"\(f(center))\" y=\"\(f(top + plotHeight + 14))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#343a40\">\(HTML.escape(shorten(category, to: Int(group / 6))))</text>"
            for (s, item) in series.enumerated() {
                let x = center + (Double(s) - Double(series.count) / 2) * barWidth
                let value = c < item.y.count ? item.y[c] : .nan
                if value.isFinite {
                    let y = yScale.map(value)
                    body += "<rect x=\"\(f(x))\" y=\"\(f(min(y, zero)))\" width=\"\(f(barWidth - 2))\" height=\"\(f(max(abs(zero - y), 0.5)))\" fill=\"\(color(item.style))\"><title>\(HTML.escape(item.name)): \(HTML.escape(DisplayFormat.value(value)))</title></rect>"
                } else {
                    body += "<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(barWidth - 2))\" height=\"\(f(plotHeight))\" fill=\"#ffe3e3\" stroke=\"\(badColor)\" stroke-dasharray=\"4 3\"/>"
                    body += "<text x=\"\(f(x + barWidth / 2 - 1))\" y=\"\(f(top + 12))\" font-size=\"10\" text-anchor=\"middle\" fill=\"\(badColor)\" font-weight=\"bold\">\(value.isNaN ? "NaN" : "∞")</text>"
                }
            }
        }
        return svg(title: title, body + legend(series.map { ($0.name, $0.style) }, extra: nil))
    }

    /// Counts of `values` in `bins` equal bins over `range` (the last bin includes its upper edge).
    public static func histogram(_ values: [Double], range: ClosedRange<Double>, bins: Int, x xAxis: Axis, y yAxis: Axis,
                                 title: String) -> String {
        let bins = max(1, bins)
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        var counts = Array(repeating: 0, count: bins)
        for value in values where value.isFinite {
            let index = width > 0 ? Int(((value - range.lowerBound) / width).rounded(.down)) : 0
            counts[min(max(index, 0), bins - 1)] += 1
        }
        let xScale = Scale(low: range.lowerBound, high: range.upperBound == range.lowerBound ? range.lowerBound + 1 : range.upperBound,
                           logarithmic: false, from: left, to: left + plotWidth)
        let yScale = Scale(values: counts.map(Double.init) + [0, 1], logarithmic: false, from: top + plotHeight, to: top, integers: true)
        var body = axes(xScale: xScale, yScale: yScale, x: xAxis, y: yAxis)
        for (i, count) in counts.enumerated() where count > 0 {
            let low = range.lowerBound + Double(i) * width
            let x0 = xScale.map(low), x1 = xScale.map(low + width)
            let y = yScale.map(Double(count))
            body += "<rect x=\"\(f(x0 + 1))\" y=\"\(f(y))\" width=\"\(f(max(x1 - x0 - 2, 1)))\" height=\"\(f(top + plotHeight - y))\" fill=\"\(color(.reference))\"><title>\(count) in [\(DisplayFormat.value(low)), \(DisplayFormat.value(low + width))\(i == bins - 1 ? "]" : ")")</title></rect>"
            body += "<text x=\"\(f((x0 + x1) / 2))\" y=\"\(f(y - 3))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#343a40\">\(count)</text>"
        }
        return svg(title: title, body)
    }

    /// A rows × columns grid, white for 0 to dark red for the largest value; NaN cells grey.
    public static func heatMap(rows: Int, columns: Int, values: [Double], valueLabel: String, x xAxis: Axis, y yAxis: Axis,
                               title: String) -> String {
        let rows = max(rows, 1), columns = max(columns, 1)
        let side = min(plotWidth * 0.8 / Double(columns), plotHeight / Double(rows))
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        var body = ""
        for r in 0..<rows {
            for c in 0..<columns {
                let index = r * columns + c
                let value = index < values.count ? values[index] : .nan
                let x = left + Double(c) * side, y = top + Double(r) * side
                let fill = value.isFinite ? shade(largest > 0 ? abs(value) / largest : 0) : "#ced4da"
                body += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(side))\" height=\"\(f(side))\" fill=\"\(fill)\" stroke=\"#dee2e6\" stroke-width=\"0.5\"><title>[\(r), \(c)]: \(value.isFinite ? HTML.escape(DisplayFormat.value(value)) : "no value")</title></rect>"
            }
        }
        let gridBottom = top + Double(rows) * side, gridRight = left + Double(columns) * side
        for c in stride(from: 0, to: columns, by: max(1, columns / 8)) {
            body += "<text x=\"\(f(left + (Double(c) + 0.5) * side))\" y=\"\(f(gridBottom + 12))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#343a40\">\(c)</text>"
        }
        for r in stride(from: 0, to: rows, by: max(1, rows / 8)) {
            body += "<text x=\"\(f(left - 5))\" y=\"\(f(top + (Double(r) + 0.5) * side + 3))\" font-size=\"10\" text-anchor=\"end\" fill=\"#343a40\">\(r)</text>"
        }
        body += "<text x=\"\(f((left + gridRight) / 2))\" y=\"\(f(gridBottom + 30))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#212529\">\(HTML.escape(xAxis.title))</text>"
        body += "<text transform=\"translate(\(f(left - 34)),\(f((top + gridBottom) / 2))) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#212529\">\(HTML.escape(yAxis.title))</text>"
        // The colour scale.
        let scaleX = min(gridRight + 24, width - 90)
        for step in 0..<10 {
            body += "<rect x=\"\(f(scaleX))\" y=\"\(f(top + Double(9 - step) * 16))\" width=\"14\" height=\"16\" fill=\"\(shade(Double(step) / 9))\"/>"
        }
        body += "<text x=\"\(f(scaleX + 18))\" y=\"\(f(top + 10))\" font-size=\"10\" fill=\"#343a40\">\(HTML.escape(DisplayFormat.significant(largest, digits: 2)))</text>"
        body += "<text x=\"\(f(scaleX + 18))\" y=\"\(f(top + 160))\" font-size=\"10\" fill=\"#343a40\">0</text>"
        body += "<text x=\"\(f(scaleX))\" y=\"\(f(top + 178))\" font-size=\"10\" fill=\"#343a40\">\(HTML.escape(valueLabel))</text>"
        return svg(title: title, body)
    }

    // MARK: Pieces

    /// White (0) to dark red (1).
    static func shade(_ t: Double) -> String {
        let t = min(max(t.isFinite ? t : 0, 0), 1)
        let r = Int(255 - 90 * t), g = Int(255 - 235 * t), b = Int(255 - 225 * t)
        return "rgb(\(r),\(g),\(b))"
    }

    static func usable(_ value: Double, _ axis: Axis) -> Bool { value.isFinite && (!axis.logarithmic || value > 0) }

    static func shorten(_ text: String, to length: Int) -> String {
        text.count <= max(length, 4) ? text : String(text.prefix(max(length, 4) - 1)) + "…"
    }

    /// Two decimals, enough for pixels.
    static func f(_ x: Double) -> String { String(format: "%.2f", x.isFinite ? x : 0) }

    static func svg(title: String, _ body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(HTML.escape(title))" font-family="sans-serif"><title>\(HTML.escape(title))</title><rect width="100%" height="100%" fill="#fff"/>\(body)</svg>
        """
    }

    static func axes(xScale: Scale?, yScale: Scale, x: Axis, y: Axis) -> String {
        var out = "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#ced4da\"/>"
        for tick in yScale.ticks() {
            let y = yScale.map(tick)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#f1f3f5\"/>"
            out += "<text x=\"\(f(left - 5))\" y=\"\(f(y + 3))\" font-size=\"10\" text-anchor=\"end\" fill=\"#343a40\">\(HTML.escape(yScale.label(tick)))</text>"
        }
        if let xScale {
            for tick in xScale.ticks() {
                let x = xScale.map(tick)
                out += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#495057\"/>"
                out += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 15))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#343a40\">\(HTML.escape(xScale.label(tick)))</text>"
            }
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"#495057\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"#495057\"/>"
        out += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight + 32))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#212529\">\(HTML.escape(x.title))</text>"
        out += "<text transform=\"translate(14,\(f(top + plotHeight / 2))) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#212529\">\(HTML.escape(y.title))</text>"
        return out
    }

    static func legend(_ entries: [(String, Series.Style)], extra: String?) -> String {
        var out = "", x = left, seen: [String] = []
        let y = height - 10
        // A chart of several pairs of lines (four schedules, yours and the reference's) names each kind once.
        for (name, style) in entries where !seen.contains("\(style)\u{0}\(name)") {
            seen.append("\(style)\u{0}\(name)")
            let dash = style == .comparison ? " stroke-dasharray=\"6 4\"" : ""
            out += "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 18))\" y2=\"\(f(y - 4))\" stroke=\"\(color(style))\" stroke-width=\"3\"\(dash)/>"
            out += "<text x=\"\(f(x + 22))\" y=\"\(f(y))\" font-size=\"11\" fill=\"#212529\">\(HTML.escape(name))</text>"
            x += 30 + Double(name.count) * 6.2
        }
        if let extra {
            out += "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"11\" fill=\"\(badColor)\">\(HTML.escape(extra))</text>"
        }
        return out
    }

    /// A map from data to pixels, linear or logarithmic (base 10), with "nice" ticks.
    struct Scale {
        var low: Double, high: Double
        let logarithmic: Bool
        let from: Double, to: Double
        var integers = false

        init(low: Double, high: Double, logarithmic: Bool, from: Double, to: Double, integers: Bool = false) {
            self.low = low
            self.high = high
            self.logarithmic = logarithmic
            self.from = from
            self.to = to
            self.integers = integers
        }

        init(values: [Double], logarithmic: Bool, from: Double, to: Double, integers: Bool = false) {
            var low = values.min() ?? 0, high = values.max() ?? 1
            if logarithmic {
                low = pow(10, (log10(low > 0 ? low : 1e-3)).rounded(.down))
                high = pow(10, (log10(high > 0 ? high : 1)).rounded(.up))
                if high <= low { high = low * 10 }
            } else {
                if high == low { low -= 1; high += 1 }
                let step = Scale.niceStep((high - low) / 5)
                low = (low / step).rounded(.down) * step
                high = (high / step).rounded(.up) * step
            }
            self.init(low: low, high: high, logarithmic: logarithmic, from: from, to: to, integers: integers)
        }

        static func niceStep(_ raw: Double) -> Double {
            guard raw > 0, raw.isFinite else { return 1 }
            let magnitude = pow(10, log10(raw).rounded(.down))
            let fraction = raw / magnitude
            return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
        }

        func map(_ value: Double) -> Double {
            let t = logarithmic ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : (value - low) / (high - low)
            return from + (to - from) * (t.isFinite ? t : 0)
        }

        func ticks() -> [Double] {
            if logarithmic {
                let first = Int(log10(low).rounded()), last = Int(log10(high).rounded())
                let every = max(1, (last - first) / 6)
                return stride(from: first, through: last, by: every).map { pow(10, Double($0)) }
            }
            var step = Scale.niceStep((high - low) / 5)
            if integers { step = max(1, step.rounded()) }
            return stride(from: low, through: high + step * 1e-9, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
        }

        func label(_ tick: Double) -> String {
            if logarithmic { return "1e\(Int(log10(tick).rounded()))" }
            return DisplayFormat.significant(tick, digits: 3)
        }
    }
}

/// Escaping for text and attribute values: every student-controlled string (names, outputs, messages quoting
/// them) goes through here, so none can open a tag or leave an attribute.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
