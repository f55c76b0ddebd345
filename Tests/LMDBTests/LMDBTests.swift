import Foundation
import TestSupport
import Testing

@testable import LMDB

@Suite("LMDB wrapper")
struct LMDBTests {
    func env(_ mapSize: Int = 1 << 20) throws -> Environment {
        var options = Environment.Options()
        options.create = true
        options.initialMapSize = mapSize
        return try Environment.open(path: try TestSupport.temporaryDirectory("lmdb"), options: options)
    }

    @Test("one environment per path per process")
    func onePerPath() throws {
        let e = try env()
        #expect(try Environment.open(path: e.path) === e)
        #expect(try Environment.open(path: e.path + "/.") === e)
    }

    @Test("put, get, delete, count and cursors")
    func basics() throws {
        let e = try env()
        let db = try e.database(named: "t", create: true)
        try e.write { txn in
            for i: UInt8 in [3, 1, 2] { try txn.put(db, key: [i], value: [i, i]) }
        }
        try e.read { txn in
            #expect(try txn.get(db, key: [2]) == [2, 2])
            #expect(try txn.get(db, key: [9]) == nil)
            #expect(try txn.count(db) == 3)
            let moves = try txn.withCursor(db) { (c: borrowing Cursor) throws -> [Entry?] in
                [try c.first(), try c.next(), try c.last(), try c.next(), try c.seek(atLeast: [2])]
            }
            #expect(moves.map { $0?.key } == [[1], [2], [3], nil, [2]])
            #expect(moves[4]?.value == [2, 2])
            // In place: every entry in key order, or up to the one the body stops at.
            var seen: [[UInt8]] = []
            try txn.forEachInPlace(db) { k, v in
                seen.append(Array(k) + Array(v))
                return true
            }
            #expect(seen == [[1, 1, 1], [2, 2, 2], [3, 3, 3]])
            seen = []
            try txn.forEachInPlace(db) { k, _ in
                seen.append(Array(k))
                return k.first != 2
            }
            #expect(seen == [[1], [2]])
        }
        #expect(try e.write { txn in try txn.delete(db, key: [2]) })
        #expect(try e.write { txn in try txn.delete(db, key: [2]) } == false)
    }

    @Test("inside snapshot, every read sees the state of its start, whatever is committed meanwhile; outside, the latest")
    func snapshotHoldsOneState() throws {
        let e = try env()
        let db = try e.database(named: "t", create: true)
        try e.write { txn in try txn.put(db, key: [1], value: [1]) }
        let seen: [[UInt8]?] = try e.snapshot {
            let before = try e.read { try $0.get(db, key: [1]) }
            // Another thread commits while the snapshot is held (the write lock is not ours).
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                try? e.write { txn in
                    try txn.put(db, key: [1], value: [2])
                    try txn.put(db, key: [2], value: [2])
                }
                done.signal()
            }
            done.wait()
            let after = try e.read { try $0.get(db, key: [1]) }
            let added = try e.read { try $0.get(db, key: [2]) }
            // Nested: a snapshot inside a snapshot is the same one.
            let nested = try e.snapshot { try e.read { try $0.get(db, key: [1]) } }
            return [before, after, added, nested]
        }
        #expect(seen == [[1], [1], nil, [1]])
        #expect(try e.read { try $0.get(db, key: [1]) } == [2])
        #expect(try e.read { try $0.get(db, key: [2]) } == [2])
    }

    @Test("a throw inside write aborts: nothing is written, the error is rethrown")
    func abortOnThrow() throws {
        struct Boom: Error {}
        let e = try env()
        let db = try e.database(named: "t", create: true)
        #expect(throws: Boom.self) {
            try e.write { txn in
                try txn.put(db, key: [1], value: [1])
                throw Boom()
            }
        }
        #expect(try e.read { txn in try txn.get(db, key: [1]) } == nil)
        // The writer's lock was released: a second write goes through.
        try e.write { txn in try txn.put(db, key: [1], value: [1]) }
    }

    @Test("noOverwrite and append report keyExists")
    func putFlags() throws {
        let e = try env()
        let db = try e.database(named: "t", create: true)
        try e.write { txn in try txn.put(db, key: [5], value: []) }
        #expect(throws: LMDBError(code: .keyExists, operation: "", message: "")) {
            try e.write { txn in try txn.put(db, key: [5], value: [1], flags: .noOverwrite) }
        }
        #expect(throws: LMDBError(code: .keyExists, operation: "", message: "")) {
            try e.write { txn in try txn.put(db, key: [4], value: [1], flags: .append) }
        }
    }

    @Test("a full map grows by itself and the write completes")
    func growth() throws {
        let e = try env(64 << 10)
        let db = try e.database(named: "t", create: true)
        let before = e.mapSize
        try e.write { txn in
            for i in 0..<2000 { try txn.put(db, key: Array("k\(i)".utf8), value: Array(repeating: 7, count: 200)) }
        }
        #expect(e.mapSize > before)
        #expect(try e.read { txn in try txn.count(db) } == 2000)
    }

    @Test("a missing data.mdb or a file that is not LMDB is refused before anything is created")
    func refusesNonLMDB() throws {
        let dir = try TestSupport.temporaryDirectory("lmdb")
        #expect(throws: LMDBError(code: .noSuchFile, operation: "", message: "")) { _ = try Environment.open(path: dir) }
        try TestSupport.write(String(repeating: "x", count: 4096), to: dir + "/data.mdb")
        #expect(throws: LMDBError(code: .invalidFile, operation: "", message: "")) { _ = try Environment.open(path: dir) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/lock.mdb"))
    }
}
