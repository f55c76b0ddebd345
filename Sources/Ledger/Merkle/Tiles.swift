import LMDB

/// The log as C2SP tlog-tiles (c2sp.org/tlog-tiles): the Merkle tree as tiles of 256 hashes and
/// the entries as bundles, so standard monitors and witnesses (Go's `sumdb/tlog`) can check it.
///
/// The hash at position `i` of tile `N` at level `L` is the Merkle Tree Hash of the perfect subtree
/// of height `8L` at index `N*256 + i`: the stored subtree hashes, read as they are. A tile of width
/// `W` (1…256; 256 is a full tile) exists for a tree of `s` events when `(N*256 + W) * 256^L <= s`;
/// its bytes never change once it exists, which is why every tile is immutable.
public enum Tiles {
    /// Hashes in a full tile.
    public static let fullWidth = 256
    /// The largest entry an entry bundle can carry (its big-endian uint16 length prefix).
    public static let maximumEntryBytes = 65_535

    /// A tile resource: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`.
    public enum Resource: Equatable, Sendable {
        case hashes(level: Int, index: UInt64, width: Int)
        case entries(index: UInt64, width: Int)

        public var index: UInt64 {
            switch self {
            case .hashes(_, let index, _), .entries(let index, _): index
            }
        }
        public var width: Int {
            switch self {
            case .hashes(_, _, let width), .entries(_, let width): width
            }
        }

        /// The path under the log's prefix, as the spec spells it.
        public var path: String {
            let tail = Tiles.encode(index) + (width == Tiles.fullWidth ? "" : ".p/\(width)")
            switch self {
            case .hashes(let level, _, _): return "tile/\(level)/\(tail)"
            case .entries: return "tile/entries/\(tail)"
            }
        }
    }

    /// `1234067` → `x001/x234/067`: zero-padded 3-digit elements, all but the last prefixed `x`.
    public static func encode(_ n: UInt64) -> String {
        var groups: [String] = []
        var rest = n
        repeat {
            let g = String(rest % 1000)
            groups.insert(String(repeating: "0", count: 3 - g.count) + g, at: 0)
            rest /= 1000
        } while rest > 0
        return groups.dropLast().map { "x" + $0 }.joined(separator: "/") + (groups.count > 1 ? "/" : "") + groups.last!
    }

    /// The resource a path names (the segments after `tile/`), or nil when the path is not one the
    /// spec allows in its one canonical spelling: level 0…63 and width 1…255 without leading
    /// zeros, index elements of exactly three digits, no leading `x000/` element.
    public static func parse(_ segments: [Substring]) -> Resource? {
        guard segments.count >= 2, segments.count <= 12 else { return nil }
        var rest = segments.dropFirst()
        var width = fullWidth
        // ".p/<W>": the last segment is the width, the one before ends in ".p".
        if rest.count >= 2, rest[rest.endIndex - 2].hasSuffix(".p") {
            guard let w = decimal(rest.last!, max: 255), w >= 1 else { return nil }
            width = w
            rest = rest.dropLast()
            let last = rest.last!.dropLast(2)
            rest = rest.dropLast()
            rest.append(last)
        }
        var index: UInt64 = 0
        for (i, element) in rest.enumerated() {
            let isLast = i == rest.count - 1
            var digits = element
            if !isLast {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
                if i == 0, digits == "000" { return nil }
            }
            guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let g = UInt64(digits) else { return nil }
            let (m, o1) = index.multipliedReportingOverflow(by: 1000)
            let (s, o2) = m.addingReportingOverflow(g)
            guard !o1, !o2 else { return nil }
            index = s
        }
        if segments[0] == "entries" { return .entries(index: index, width: width) }
        guard let level = decimal(segments[0], max: 63) else { return nil }
        return .hashes(level: level, index: index, width: width)
    }

    /// A decimal ASCII integer 0…max without leading zeros.
    static func decimal(_ s: Substring, max: Int) -> Int? {
        guard !s.isEmpty, s.count <= 3, s.allSatisfy({ $0.isASCII && $0.isNumber }), s == "0" || s.first != "0", let v = Int(s), v <= max
        else { return nil }
        return v
    }

    /// How many leaves the tree needs for `resource` to exist: `(N*256 + W) * 256^L`; nil past
    /// UInt64.
    public static func leavesNeeded(_ resource: Resource) -> UInt64? {
        let level: Int
        switch resource {
        case .hashes(let l, _, _): level = l
        case .entries: level = 0
        }
        let (base, o1) = resource.index.multipliedReportingOverflow(by: UInt64(fullWidth))
        let (units, o2) = base.addingReportingOverflow(UInt64(resource.width))
        guard !o1, !o2, 8 * level < 64 else { return nil }
        let shift = UInt64(8 * level)
        guard units <= UInt64.max >> shift else { return nil }
        return units << shift
    }
}

extension EventLog {
    /// The bytes of a tile or entry bundle of the tree of `size` events, from `snapshot`; nil when a
    /// tree of that size does not hold it.
    /// - Throws: `.corrupt` when a stored hash is missing, `.usage` when an entry is larger than a
    ///   bundle's length prefix can say (``Tiles/maximumEntryBytes``).
    public func tile(_ resource: Tiles.Resource, size: UInt64) throws -> [UInt8]? { try read { try self.tile(in: $0, resource, size: size) } }

    func tile(in snapshot: borrowing Snapshot, _ resource: Tiles.Resource, size: UInt64) throws -> [UInt8]? {
        guard let needed = Tiles.leavesNeeded(resource), needed <= size else { return nil }
        let first = resource.index * UInt64(Tiles.fullWidth)
        switch resource {
        case .hashes(let level, _, let width):
            var out: [UInt8] = []
            out.reserveCapacity(32 * width)
            for i in 0..<UInt64(width) { out += try subtree(snapshot.txn, 8 * level, first + i) }
            return out
        case .entries(_, let width):
            var out: [UInt8] = []
            for i in 0..<UInt64(width) {
                guard let raw = try rawEntry(in: snapshot, at: first + i + 1) else {
                    throw LedgerError(.corrupt, "\(path): the log has no event at sequence \(first + i + 1)", advice: .verifyAndRestore)
                }
                guard raw.bytes.count <= Tiles.maximumEntryBytes else {
                    throw LedgerError(
                        .usage,
                        "the event at sequence \(raw.seq) is \(raw.bytes.count) bytes, more than the \(Tiles.maximumEntryBytes) an entry bundle can carry")
                }
                out += [UInt8(raw.bytes.count >> 8), UInt8(raw.bytes.count & 0xFF)]
                out += raw.bytes
            }
            return out
        }
    }
}
