import Ledger

/// A stored view read back strictly: every key its `json` writes must be there (null where the
/// value is absent), of its kind. A missing or mistyped field is damage, never a default: the
/// decoder throws `.corrupt`, and `amparo rebuild` writes the view again.
struct StoredObject {
    let object: [String: JSONValue]
    let what: String

    init(_ value: JSONValue, _ what: String) throws {
        guard let object = value.objectValue else { throw LedgerError(.corrupt, "\(what): not a JSON object; run `amparo rebuild`") }
        self.object = object
        self.what = what
    }

    private func value(_ key: String) throws -> JSONValue {
        guard let v = object[key] else { throw LedgerError(.corrupt, "\(what): field \"\(key)\" is missing; run `amparo rebuild`") }
        return v
    }

    private func wrong(_ key: String, _ kind: String) -> LedgerError {
        LedgerError(.corrupt, "\(what): field \"\(key)\" is not \(kind); run `amparo rebuild`")
    }

    func string(_ key: String) throws -> String {
        guard let s = try value(key).stringValue else { throw wrong(key, "text") }
        return s
    }

    /// A field that is text or null.
    func optionalString(_ key: String) throws -> String? {
        let v = try value(key)
        if case .null = v { return nil }
        guard let s = v.stringValue else { throw wrong(key, "text or null") }
        return s
    }

    /// True when the object has `key` (a field a later version added).
    func has(_ key: String) -> Bool { object[key] != nil }

    func int(_ key: String) throws -> Int {
        guard let n = try value(key).integerValue else { throw wrong(key, "an integer") }
        return Int(n)
    }

    func bool(_ key: String) throws -> Bool {
        guard let b = try value(key).boolValue else { throw wrong(key, "true or false") }
        return b
    }

    func objects(_ key: String) throws -> [StoredObject] {
        guard let items = try value(key).arrayValue else { throw wrong(key, "a list") }
        return try items.map { try StoredObject($0, "\(what) \(key)") }
    }

    func strings(_ key: String) throws -> [String] {
        guard let items = try value(key).arrayValue else { throw wrong(key, "a list") }
        return try items.map {
            guard let s = $0.stringValue else { throw wrong(key, "a list of text") }
            return s
        }
    }

    /// An object of integers by text key.
    func counts(_ key: String) throws -> [String: Int] {
        guard let o = try value(key).objectValue else { throw wrong(key, "an object") }
        return try o.mapValues {
            guard let n = $0.integerValue else { throw wrong(key, "an object of integers") }
            return Int(n)
        }
    }
}
