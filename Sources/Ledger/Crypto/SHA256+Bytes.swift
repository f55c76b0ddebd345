import Crypto
import Foundation

/// A 32-byte SHA-256 digest.
public typealias Hash32 = [UInt8]

enum Digest {
    static func sha256(_ parts: [UInt8]...) -> Hash32 {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard base64 with padding.
    public var base64: String { Data(self).base64EncodedString() }

    /// Decodes standard, padded base64; nil on anything else.
    public init?(base64 text: some StringProtocol) {
        guard let data = Data(base64Encoded: String(text)) else { return nil }
        self = Array(data)
    }

    /// Big-endian bytes of `value`.
    public init(bigEndian value: UInt64) {
        self = Swift.withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Reads a big-endian UInt64 from the first 8 bytes.
    public var bigEndianUInt64: UInt64 {
        precondition(count >= 8)
        return withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
}

/// An incremental SHA-256 (for layers that hash streams without importing Crypto).
public struct SHA256Context {
    private var hasher = SHA256()
    public init() {}
    public mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }
    public func finish() -> Hash32 { hasher.finalize().withUnsafeBytes { Array($0) } }
}
