import SubledgerStore

extension JSONValue {
    /// The member `key` of an object; `nil` for other values.
    subscript(_ key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The elements of an array; `nil` for other values.
    var elements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
