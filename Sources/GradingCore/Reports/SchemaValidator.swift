import Foundation
import TensorKit

/// A JSON Schema (draft 2020-12) validator for the subset of keywords this project's schemas use.
///
/// Supported: `type` (a name or an array of names; "integer" accepts any whole number, as the draft says),
/// `enum`, `const`, `properties`, `required`, `additionalProperties` (boolean or schema), `items`, `minItems`,
/// `maxItems`, `minimum`, `maximum`, `minLength`, `pattern`, `anyOf`, `allOf`, `$ref` to a JSON pointer inside the
/// same document (`#/$defs/name`), and the boolean schemas `true`/`false`. Other keywords (`title`,
/// `description`, `$id`, ...) are annotations and are ignored, so an unsupported assertion would be silently
/// skipped: keep the report schema inside this subset (the tests check it validates what it should).
///
/// Errors come back as readable lines with a JSONPath-like location:
/// `$.exercises[2].status: 'bogus' is not one of passed, partial, ...`.
public struct SchemaValidator: Sendable {
    private let root: JSONValue

    public init(schemaData: Data) throws {
        do {
            root = try JSONValue.parse(schemaData)
        } catch {
            throw SchemaValidatorError.unreadableSchema(reason: "\(error)")
        }
        try Self.checkReferences(in: root, root: root)
    }

    /// Loads a schema file.
    public init(schemaURL: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: schemaURL)
        } catch {
            throw SchemaValidatorError.unreadableSchema(reason: "\(schemaURL.path) could not be read: \(error.localizedDescription)")
        }
        try self.init(schemaData: data)
    }

    /// Every way `json` breaks the schema, one readable line each; empty when it is valid.
    public func validate(_ json: Data) -> [String] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            return ["$: the document is not valid JSON (\(error))."]
        }
        var errors: [String] = []
        check(value, against: root, path: "$", errors: &errors)
        return errors
    }

    // MARK: - Checking

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, errors: inout [String]) {
        switch schema {
        case .bool(true): return
        case .bool(false):
            errors.append("\(path): no value is allowed here, found \(value.brief).")
            return
        case .object: break
        default: return  // Not a schema; checkReferences has vetted every $ref, nothing else to do.
        }
        guard case .object(let keywords) = schema else { return }

        if case .string(let reference)? = keywords["$ref"], let target = Self.resolve(reference, in: root) {
            check(value, against: target, path: path, errors: &errors)
        }
        if let typeKeyword = keywords["type"] {
            let allowed: [String]
            switch typeKeyword {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap { if case .string(let n) = $0 { return n } else { return nil } }
            default: allowed = []
            }
            if !allowed.isEmpty && !allowed.contains(where: { Self.value(value, hasType: $0) }) {
                errors.append("\(path): expected \(allowed.joined(separator: " or ")), found \(value.typeName) \(value.brief).")
                return  // The remaining keywords would only repeat the type mismatch.
            }
        }
        if case .array(let options)? = keywords["enum"], !options.contains(value) {
            let listed = options.map { option -> String in
                if case .string(let text) = option { return text } else { return option.brief }
            }
            errors.append("\(path): \(value.brief) is not one of \(listed.joined(separator: ", ")).")
        }
        if let constant = keywords["const"], constant != value {
            errors.append("\(path): expected exactly \(constant.brief), found \(value.brief).")
        }
        if case .array(let alternatives)? = keywords["anyOf"] {
            var branchErrors: [[String]] = []
            for alternative in alternatives {
                var errorsOfBranch: [String] = []
                check(value, against: alternative, path: path, errors: &errorsOfBranch)
                if errorsOfBranch.isEmpty { branchErrors = []; break }
                branchErrors.append(errorsOfBranch)
            }
            if !branchErrors.isEmpty {
                let reasons = branchErrors.map { $0.map(Self.withoutPath).joined(separator: " ") }
                errors.append("\(path): \(value.brief) matches none of the allowed forms (\(reasons.joined(separator: " / "))).")
            }
        }
        if case .array(let parts)? = keywords["allOf"] {
            for part in parts { check(value, against: part, path: path, errors: &errors) }
        }

        switch value {
        case .number(let number):
            if case .number(let minimum)? = keywords["minimum"], number < minimum {
                errors.append("\(path): \(value.brief) is less than the minimum \(DisplayFormat.value(minimum)).")
            }
            if case .number(let maximum)? = keywords["maximum"], number > maximum {
                errors.append("\(path): \(value.brief) is greater than the maximum \(DisplayFormat.value(maximum)).")
            }
        case .string(let text):
            if case .number(let minimum)? = keywords["minLength"], Double(text.count) < minimum {
                errors.append("\(path): \(value.brief) is shorter than \(DisplayFormat.value(minimum)) character\(minimum == 1 ? "" : "s").")
            }
            if case .string(let pattern)? = keywords["pattern"], !Self.matches(text, pattern: pattern) {
                errors.append("\(path): \(value.brief) does not match the pattern \(pattern).")
            }
        case .array(let items):
            if case .number(let minimum)? = keywords["minItems"], Double(items.count) < minimum {
                errors.append("\(path): has \(items.count) item\(items.count == 1 ? "" : "s"), fewer than the minimum \(DisplayFormat.value(minimum)).")
            }
            if case .number(let maximum)? = keywords["maxItems"], Double(items.count) > maximum {
                errors.append("\(path): has \(items.count) items, more than the maximum \(DisplayFormat.value(maximum)).")
            }
            if let itemSchema = keywords["items"] {
                for (offset, item) in items.enumerated() {
                    check(item, against: itemSchema, path: "\(path)[\(offset)]", errors: &errors)
                }
            }
        case .object(let members):
            checkObject(members, keywords: keywords, path: path, errors: &errors)
        case .null, .bool:
            break
        }
    }

    private func checkObject(_ members: [String: JSONValue], keywords: [String: JSONValue], path: String,
                             errors: inout [String]) {
        if case .array(let required)? = keywords["required"] {
            for case .string(let name) in required where members[name] == nil {
                errors.append("\(path): the required property '\(name)' is missing.")
            }
        }
        var declared: [String: JSONValue] = [:]
        if case .object(let properties)? = keywords["properties"] { declared = properties }
        for name in members.keys.sorted() {
            let member = members[name]!
            let memberPath = Self.path(path, appending: name)
            if let propertySchema = declared[name] {
                check(member, against: propertySchema, path: memberPath, errors: &errors)
            } else if let additional = keywords["additionalProperties"] {
                if case .bool(false) = additional {
                    errors.append("\(path): the property '\(name)' is not allowed here.")
                } else {
                    check(member, against: additional, path: memberPath, errors: &errors)
                }
            }
        }
    }

    // MARK: - Helpers

    private static func value(_ value: JSONValue, hasType name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array),
             ("object", .object):
            return true
        case ("integer", .number(let number)):
            return number.isFinite && number.rounded() == number
        default:
            return false
        }
    }

    private static func path(_ base: String, appending name: String) -> String {
        let plain = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            && !(name.first?.isNumber ?? true)
        return plain ? "\(base).\(name)" : "\(base)[\"\(name)\"]"
    }

    /// "$.a.b: reason." → "reason." (for nesting a branch's errors inside an anyOf message).
    private static func withoutPath(_ error: String) -> String {
        guard let range = error.range(of: ": ") else { return error }
        return String(error[range.upperBound...])
    }

    private static func matches(_ text: String, pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }

    /// Resolves `#` or `#/a/b` (JSON pointer, with ~0 and ~1 escapes) inside the schema document.
    static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        let pointer = reference.dropFirst()
        if pointer.isEmpty { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current = root
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = rawToken.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let offset = Int(token), items.indices.contains(offset) else { return nil }
                current = items[offset]
            default:
                return nil
            }
        }
        return current
    }

    /// Refuses a schema whose `$ref`s or patterns cannot be used, so a typo fails loudly at load time instead of
    /// letting every document through.
    private static func checkReferences(in schema: JSONValue, root: JSONValue) throws {
        switch schema {
        case .object(let members):
            if let reference = members["$ref"] {
                guard case .string(let text) = reference, resolve(text, in: root) != nil else {
                    throw SchemaValidatorError.unresolvableReference(reference.brief)
                }
            }
            if case .string(let pattern)? = members["pattern"], (try? NSRegularExpression(pattern: pattern)) == nil {
                throw SchemaValidatorError.invalidPattern(pattern)
            }
            for (key, member) in members where key != "enum" && key != "const" {
                try checkReferences(in: member, root: root)
            }
        case .array(let items):
            for item in items { try checkReferences(in: item, root: root) }
        default:
            break
        }
    }
}

public enum SchemaValidatorError: Error, CustomStringConvertible, Equatable {
    case unreadableSchema(reason: String)
    case unresolvableReference(String)
    case invalidPattern(String)

    public var description: String {
        switch self {
        case .unreadableSchema(let reason): return "The JSON Schema could not be read: \(reason)"
        case .unresolvableReference(let reference):
            return "The JSON Schema refers to \(reference), which does not exist in the schema (only references inside the same file, like '#/$defs/name', are supported)."
        case .invalidPattern(let pattern): return "The JSON Schema's pattern \(pattern) is not a valid regular expression."
        }
    }
}
