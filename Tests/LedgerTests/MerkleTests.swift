import Foundation
import Testing

@testable import Ledger

/// A naive recursive RFC 6962 reference: MTH, PATH and PROOF straight from the RFC's text.
enum Reference {
    static func mth(_ leaves: ArraySlice<[UInt8]>) -> Hash32 {
        if leaves.isEmpty { return Merkle.emptyRoot }
        if leaves.count == 1 { return Merkle.leafHash(leaves.first!) }
        let k = largestPowerOfTwoBelow(leaves.count)
        let lo = leaves.startIndex
        return Merkle.nodeHash(mth(leaves[lo..<lo + k]), mth(leaves[(lo + k)...]))
    }

    static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [Hash32] {
        if leaves.count <= 1 { return [] }
        let k = largestPowerOfTwoBelow(leaves.count)
        let lo = leaves.startIndex
        if m < k { return path(m, leaves[lo..<lo + k]) + [mth(leaves[(lo + k)...])] }
        return path(m - k, leaves[(lo + k)...]) + [mth(leaves[lo..<lo + k])]
    }

    static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, _ b: Bool) -> [Hash32] {
        let n = leaves.count
        if m == n { return b ? [] : [mth(leaves)] }
        let k = largestPowerOfTwoBelow(n)
        let lo = leaves.startIndex
        if m <= k { return subproof(m, leaves[lo..<lo + k], b) + [mth(leaves[(lo + k)...])] }
        return subproof(m - k, leaves[(lo + k)...], false) + [mth(leaves[lo..<lo + k])]
    }

    static func largestPowerOfTwoBelow(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

/// Subtree hashes stored as the EventLog stores them, in a dictionary keyed by storage index.
struct StoredTree {
    var hashes: [UInt64: Hash32] = [:]
    var edge = CompactRange()
    var next: UInt64 = 0

    mutating func append(_ entry: [UInt8]) {
        let leaf = Merkle.leafHash(entry)
        hashes[next] = leaf
        #expect(next == Merkle.storageIndex(level: 0, index: edge.size))
        next += 1
        for node in edge.append(leaf) {
            #expect(next == Merkle.storageIndex(level: node.level, index: node.index))
            hashes[next] = node.hash
            next += 1
        }
    }

    func subtree(_ level: Int, _ index: UInt64) -> Hash32 {
        hashes[Merkle.storageIndex(level: level, index: index)]!
    }
}

@Suite("RFC 6962 Merkle tree")
struct MerkleTests {
    static let leaves: [[UInt8]] = (0..<70).map { Array("leaf \($0)".utf8) }

    @Test("the RFC 6962 empty tree and one-leaf tree")
    func smallTrees() {
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Merkle.leafHash([]).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test("roots, storage layout and proofs for every tree of 1…70 leaves match the naive reference")
    func againstReference() {
        var tree = StoredTree()
        for n in 1...MerkleTests.leaves.count {
            tree.append(MerkleTests.leaves[n - 1])
            let slice = MerkleTests.leaves[0..<n]
            let root = Reference.mth(slice)
            #expect(tree.edge.root == root)
            #expect(Merkle.root(size: UInt64(n), subtree: tree.subtree) == root)
            #expect(tree.next == Merkle.storedHashCount(UInt64(n)))
            #expect(CompactRange(size: UInt64(n), subtree: tree.subtree) == tree.edge)
            for m in 0..<n {
                let proof = Merkle.inclusionProof(leaf: UInt64(m), size: UInt64(n), subtree: tree.subtree)
                #expect(proof == Reference.path(m, slice))
                #expect(Merkle.verifyInclusion(leafHash: Merkle.leafHash(slice[m]), index: UInt64(m), size: UInt64(n), proof: proof, root: root))
            }
            for m in 1...n {
                let proof = Merkle.consistencyProof(from: UInt64(m), to: UInt64(n), subtree: tree.subtree)
                if m < n { #expect(proof == Reference.subproof(m, slice, true)) }
                #expect(
                    Merkle.verifyConsistency(
                        firstSize: UInt64(m), firstRoot: Reference.mth(MerkleTests.leaves[0..<m]),
                        secondSize: UInt64(n), secondRoot: root, proof: proof))
            }
        }
    }

    @Test("proofs with a changed hash, a wrong index or a wrong size are rejected")
    func tamperedProofs() {
        var tree = StoredTree()
        for leaf in MerkleTests.leaves.prefix(13) { tree.append(leaf) }
        let root = tree.edge.root
        let proof = Merkle.inclusionProof(leaf: 5, size: 13, subtree: tree.subtree)
        let leaf = Merkle.leafHash(MerkleTests.leaves[5])
        for i in proof.indices {
            var bad = proof
            bad[i][0] ^= 1
            #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 5, size: 13, proof: bad, root: root))
        }
        #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 6, size: 13, proof: proof, root: root))
        #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 5, size: 6, proof: proof, root: root))
        #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 5, size: 32, proof: proof, root: root))
        #expect(!Merkle.verifyInclusion(leafHash: leaf, index: 5, size: 13, proof: proof.dropLast(), root: root))
        let oldRoot = Reference.mth(MerkleTests.leaves[0..<6])
        let cproof = Merkle.consistencyProof(from: 6, to: 13, subtree: tree.subtree)
        #expect(Merkle.verifyConsistency(firstSize: 6, firstRoot: oldRoot, secondSize: 13, secondRoot: root, proof: cproof))
        for i in cproof.indices {
            var bad = cproof
            bad[i][31] ^= 0x80
            #expect(!Merkle.verifyConsistency(firstSize: 6, firstRoot: oldRoot, secondSize: 13, secondRoot: root, proof: bad))
        }
        #expect(!Merkle.verifyConsistency(firstSize: 7, firstRoot: oldRoot, secondSize: 13, secondRoot: root, proof: cproof))
        // The empty tree is a prefix of every tree, with an empty proof only (RFC 9162 §2.1.4.2).
        #expect(Merkle.verifyConsistency(firstSize: 0, firstRoot: Merkle.emptyRoot, secondSize: 13, secondRoot: root, proof: []))
        #expect(!Merkle.verifyConsistency(firstSize: 0, firstRoot: Merkle.emptyRoot, secondSize: 13, secondRoot: root, proof: [root]))
        // A larger first tree is never a prefix; equal sizes need equal roots and no proof.
        #expect(!Merkle.verifyConsistency(firstSize: 14, firstRoot: root, secondSize: 13, secondRoot: root, proof: []))
        #expect(Merkle.verifyConsistency(firstSize: 13, firstRoot: root, secondSize: 13, secondRoot: root, proof: []))
        #expect(!Merkle.verifyConsistency(firstSize: 13, firstRoot: root, secondSize: 13, secondRoot: root, proof: [root]))
        #expect(!Merkle.verifyConsistency(firstSize: 13, firstRoot: oldRoot, secondSize: 13, secondRoot: root, proof: []))
    }

    // MARK: Google's Argon 2020 CT log (shared/testdata/ct-argon2020, via golang/mod)

    struct CT {
        let size: UInt64
        let root: Hash32
        let leaf: Hash32
        let index: UInt64
        let auditPath: [Hash32]
        let oldSize: UInt64 = 3_654_490
        let oldRoot: Hash32
        let consistency: [Hash32]

        init() throws {
            func load(_ name: String) throws -> JSONValue {
                let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors")!
                return try JSONParser.parse(Array(try Data(contentsOf: url)))
            }
            func hashes(_ v: JSONValue?) -> [Hash32] { v!.arrayValue!.map { [UInt8](base64: $0.stringValue!)! } }
            let sth = try load("sth")
            size = UInt64(sth["tree_size"]!.integerValue!)
            root = [UInt8](base64: sth["sha256_root_hash"]!.stringValue!)!
            let entry = try load("entries")["entries"]!.arrayValue![0]
            leaf = Merkle.leafHash([UInt8](base64: entry["leaf_input"]!.stringValue!)!)
            let proof = try load("proof")
            index = UInt64(proof["leaf_index"]!.integerValue!)
            auditPath = hashes(proof["audit_path"])
            oldRoot = [UInt8](base64: "AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=")!
            consistency = hashes(try load("consistency")["consistency"])
        }
    }

    @Test("the real CT inclusion and consistency proofs verify")
    func ctProofs() throws {
        let ct = try CT()
        #expect(ct.size == 961_984_013)
        #expect(Merkle.verifyInclusion(leafHash: ct.leaf, index: ct.index, size: ct.size, proof: ct.auditPath, root: ct.root))
        #expect(Merkle.verifyConsistency(firstSize: ct.oldSize, firstRoot: ct.oldRoot, secondSize: ct.size, secondRoot: ct.root, proof: ct.consistency))
    }

    @Test("every single-byte change to the CT proofs, roots or leaf is rejected")
    func ctProofsTampered() throws {
        let ct = try CT()
        func flipped(_ h: Hash32, _ byte: Int) -> Hash32 {
            var c = h
            c[byte] ^= 0x01
            return c
        }
        for byte in 0..<32 {
            #expect(!Merkle.verifyInclusion(leafHash: flipped(ct.leaf, byte), index: ct.index, size: ct.size, proof: ct.auditPath, root: ct.root))
            #expect(!Merkle.verifyInclusion(leafHash: ct.leaf, index: ct.index, size: ct.size, proof: ct.auditPath, root: flipped(ct.root, byte)))
            #expect(
                !Merkle.verifyConsistency(
                    firstSize: ct.oldSize, firstRoot: flipped(ct.oldRoot, byte), secondSize: ct.size, secondRoot: ct.root, proof: ct.consistency))
            for i in ct.auditPath.indices {
                var p = ct.auditPath
                p[i] = flipped(p[i], byte)
                #expect(!Merkle.verifyInclusion(leafHash: ct.leaf, index: ct.index, size: ct.size, proof: p, root: ct.root))
            }
            for i in ct.consistency.indices {
                var p = ct.consistency
                p[i] = flipped(p[i], byte)
                #expect(!Merkle.verifyConsistency(firstSize: ct.oldSize, firstRoot: ct.oldRoot, secondSize: ct.size, secondRoot: ct.root, proof: p))
            }
        }
    }
}
