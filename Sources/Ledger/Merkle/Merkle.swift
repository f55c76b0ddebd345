import Crypto

/// The RFC 6962 / RFC 9162 Merkle tree hash over SHA-256.
///
/// Leaf hash: SHA-256(0x00 ‖ entry). Interior: SHA-256(0x01 ‖ left ‖ right). A tree of n leaves
/// splits at the largest power of two below n. Empty tree: SHA-256 of nothing.
public enum Merkle {
    public static func leafHash(_ entry: [UInt8]) -> Hash32 {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: entry)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    public static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }
    public static let emptyRoot: Hash32 = Digest.sha256([])

    /// The largest power of two strictly less than `n` (n >= 2).
    static func split(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    // MARK: Storage layout

    /// Where the hash of the perfect subtree at `level`, `index` is kept in an append-only store.
    ///
    /// Hashes are stored in the order they become known as leaves are appended: each leaf, then
    /// every subtree that leaf completes. So appending never writes before the end.
    public static func storageIndex(level: Int, index: UInt64) -> UInt64 {
        var n = index
        for _ in 0..<level { n = 2 * n + 1 }
        var i: UInt64 = 0
        while n > 0 {
            i += n
            n >>= 1
        }
        return i + UInt64(level)
    }

    /// How many hashes the store holds for a tree of `n` leaves.
    public static func storedHashCount(_ n: UInt64) -> UInt64 {
        guard n > 0 else { return 0 }
        var count = storageIndex(level: 0, index: n - 1) + 1
        var i = n - 1
        while i & 1 != 0 {
            count += 1
            i >>= 1
        }
        return count
    }

    // MARK: Proof generation over stored subtree hashes

    /// The hash of leaves `lo..<hi`, where `lo` is a multiple of the largest power of two not above
    /// `hi - lo` (true of every range the RFC's recursions visit). Reads O(log n) stored hashes.
    public static func rangeHash(_ lo: UInt64, _ hi: UInt64, subtree: (Int, UInt64) throws -> Hash32) rethrows -> Hash32 {
        let size = hi - lo
        precondition(size > 0)
        if size & (size - 1) == 0 {
            let level = size.trailingZeroBitCount
            precondition(lo % size == 0, "unaligned subtree")
            return try subtree(level, lo >> level)
        }
        let k = split(size)
        return nodeHash(try rangeHash(lo, lo + k, subtree: subtree), try rangeHash(lo + k, hi, subtree: subtree))
    }

    /// The root of the first `n` leaves.
    public static func root(size n: UInt64, subtree: (Int, UInt64) throws -> Hash32) rethrows -> Hash32 {
        n == 0 ? emptyRoot : try rangeHash(0, n, subtree: subtree)
    }

    /// RFC 6962 PATH(m, D[n]): the audit path of leaf `m` in the tree of the first `n` leaves.
    public static func inclusionProof(leaf m: UInt64, size n: UInt64, subtree: (Int, UInt64) throws -> Hash32) rethrows -> [Hash32] {
        precondition(m < n)
        var path: [Hash32] = []
        var lo: UInt64 = 0
        var hi = n
        var index = m
        // Walk down from the root, collecting siblings, then reverse (leaf's sibling first).
        while hi - lo > 1 {
            let k = split(hi - lo)
            if index < k {
                path.append(try rangeHash(lo + k, hi, subtree: subtree))
                hi = lo + k
            } else {
                path.append(try rangeHash(lo, lo + k, subtree: subtree))
                lo += k
                index -= k
            }
        }
        return path.reversed()
    }

    /// RFC 6962 PROOF(m, D[n]): the consistency proof from the tree of `m` leaves to that of `n`.
    public static func consistencyProof(from m: UInt64, to n: UInt64, subtree: (Int, UInt64) throws -> Hash32) rethrows -> [Hash32] {
        precondition(0 < m && m <= n)
        var path: [Hash32] = []
        var lo: UInt64 = 0
        var hi = n
        var mm = m
        var complete = true
        while true {
            let size = hi - lo
            if mm == size {
                if !complete { path.append(try rangeHash(lo, hi, subtree: subtree)) }
                break
            }
            let k = split(size)
            if mm <= k {
                path.append(try rangeHash(lo + k, hi, subtree: subtree))
                hi = lo + k
            } else {
                path.append(try rangeHash(lo, lo + k, subtree: subtree))
                lo += k
                mm -= k
                complete = false
            }
        }
        return path.reversed()
    }

    // MARK: Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)

    /// True when `proof` shows `leafHash` at `index` in the tree of `size` leaves with `root`.
    public static func verifyInclusion(leafHash: Hash32, index: UInt64, size: UInt64, proof: [Hash32], root: Hash32) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// True when `proof` shows the tree of `firstSize` leaves with `firstRoot` is a prefix of the
    /// tree of `secondSize` leaves with `secondRoot`.
    public static func verifyConsistency(
        firstSize: UInt64, firstRoot: Hash32, secondSize: UInt64, secondRoot: Hash32, proof: [Hash32]
    ) -> Bool {
        guard firstSize <= secondSize else { return false }
        if firstSize == secondSize { return proof.isEmpty && firstRoot == secondRoot }
        if firstSize == 0 { return proof.isEmpty }  // the empty tree is a prefix of every tree
        guard !proof.isEmpty else { return false }
        var path = proof
        if firstSize & (firstSize - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = firstSize - 1
        var sn = secondSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}

/// The right edge of a growing tree: the hashes of the perfect subtrees that cover the leaves so
/// far, largest first. Appending a leaf yields the interior hashes it completes.
///
/// - Complexity: O(log n) memory; ``append(_:)`` is amortised O(1) hashes; ``root`` O(log n).
public struct CompactRange: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    /// (level, hash) of each perfect subtree, left to right.
    public private(set) var nodes: [(level: Int, hash: Hash32)] = []

    public init() {}

    /// Rebuilds the edge of a tree of `size` leaves from its stored subtree hashes.
    public init(size: UInt64, subtree: (Int, UInt64) throws -> Hash32) rethrows {
        self.size = size
        var offset: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << level) != 0 {
            nodes.append((level, try subtree(level, offset >> level)))
            offset += UInt64(1) << level
        }
    }

    /// Adds a leaf hash; returns the interior nodes it completes as (level, index, hash), lowest first.
    @discardableResult
    public mutating func append(_ leafHash: Hash32) -> [(level: Int, index: UInt64, hash: Hash32)] {
        var completed: [(level: Int, index: UInt64, hash: Hash32)] = []
        var hash = leafHash
        var level = 0
        var index = size
        while let last = nodes.last, last.level == level {
            nodes.removeLast()
            hash = Merkle.nodeHash(last.hash, hash)
            level += 1
            index >>= 1
            completed.append((level, index, hash))
        }
        nodes.append((level, hash))
        size += 1
        return completed
    }

    /// The root hash of the leaves so far.
    public var root: Hash32 {
        guard var hash = nodes.last?.hash else { return Merkle.emptyRoot }
        for node in nodes.dropLast().reversed() { hash = Merkle.nodeHash(node.hash, hash) }
        return hash
    }

    public static func == (a: CompactRange, b: CompactRange) -> Bool {
        a.size == b.size && a.nodes.map(\.hash) == b.nodes.map(\.hash)
    }
}
