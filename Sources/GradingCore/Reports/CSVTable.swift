import Foundation

/// A CSV file as read from an LMS export (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks;
/// lines end in CRLF or LF), with the UTF-8 byte-order mark spreadsheet programs put in front removed.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case empty
        case unclosedQuote(line: Int)
        public var description: String {
            switch self {
            case .empty: return "The file has no header row."
            case let .unclosedQuote(line): return "A quoted field that starts on line \(line) is never closed."
            }
        }
    }

    public static func parse(_ text: String) throws -> CSVTable {
        var records: [[String]] = []
        var record: [String] = [], field = ""
        var inQuotes = false, quoteLine = 1, line = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRecord() {
            record.append(field)
            field = ""
            // A blank line is no record.
            if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
            record = []
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" { field.unicodeScalars.append("\""); index += 1 }
                    else { inQuotes = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
            } else {
                switch scalar {
                case "\"" where field.isEmpty: inQuotes = true; quoteLine = line
                case ",": record.append(field); field = ""
                case "\r":
                    if index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                    endRecord(); line += 1
                case "\n": endRecord(); line += 1
                default: field.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        if inQuotes { throw ParseError.unclosedQuote(line: quoteLine) }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let header = records.first else { throw ParseError.empty }
        return CSVTable(header: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: Array(records.dropFirst()))
    }

    /// The index of the column named `name`, ignoring case and surrounding spaces.
    public func column(named name: String) -> Int? {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        return header.firstIndex { $0.lowercased() == wanted }
    }

    /// Row `row`'s value in `column`, or "" where the row is short.
    public func value(_ row: [String], _ column: Int?) -> String {
        guard let column, column < row.count else { return "" }
        return row[column]
    }

    /// CSV text: fields quoted only where needed (as `grades.csv`), CRLF line ends as RFC 4180 asks.
    public static func render(_ rows: [[String]]) -> String {
        rows.map { $0.map(GradesCSV.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}
