import TensorKit

extension TensorCheck {
    /// What was compared for this tensor and how close it came, in one clause for a line that already names the
    /// tensor: "16 random directions checked, largest directional error 3.1e-11 (allowed 4.2e-05)" in `.fast`
    /// mode; "20 elements checked; worst at [1, 2]: …" in `.full` and `.sparse` mode, and after a `.fast` check
    /// that fell back to every element. `grader gradcheck` prints it and writes it to its JSON result.
    public var summary: String {
        if let problem { return "not checked: \(problem)" }
        var parts: [String] = []
        if case .fast = mode, let direction = worstDirection {
            let directions = DisplayFormat.count(directionsChecked, "random direction")
            let largest = "largest directional error \(DisplayFormat.significant(direction.absoluteError)) "
                + "(allowed \(DisplayFormat.significant(direction.allowedError)))"
            if directionsFailed == 0 {
                parts.append("\(directions) checked, \(largest)")
            } else {
                parts.append("\(directionsFailed) of \(directions) disagreed, \(largest), so every element was "
                    + "checked: \(DisplayFormat.count(checkedCount, "element")) checked")
            }
        } else {
            parts.append("\(DisplayFormat.count(checkedCount, "element")) checked")
        }
        if skippedCount > 0 { parts.append("\(skippedCount) skipped next to a kink") }
        if failedCount > 0 { parts.append("\(failedCount) wrong") }
        var text = parts.joined(separator: ", ")
        if let worst {
            text += "; worst at \(DisplayFormat.shape(worst.index)): analytic "
                + "\(DisplayFormat.significant(worst.analytic, digits: 6)), numerical "
                + "\(DisplayFormat.significant(worst.numerical, digits: 6)) (absolute error "
                + "\(DisplayFormat.significant(worst.absoluteError)), relative error "
                + "\(DisplayFormat.significant(worst.relativeError)))"
        }
        return text
    }
}
