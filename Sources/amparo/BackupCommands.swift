import ArgumentParser
import Foundation
import Ledger

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a live ledger into a backup directory, consistent while officers append.",
        discussion: """
            The copy is LMDB's compacting copy, made inside one read transaction (the backup's point): \
            appends go on meanwhile and are not in it. Beside it: the words file up to the end that \
            point recorded, the vault's sealed entries (copied after the point: one erased meanwhile \
            stays erased), and MANIFEST.json with the tree size and root at the point, the node's \
            signed checkpoint of that size, and every file's size and SHA-256. No private key is \
            ever in a backup: --key node, --key witness and --key master copy those keys, each asked \
            by name, into --keys-out, a directory of their own (mode 0700) to be stored apart. \
            The backup is written beside --out and renamed into place when whole: a backup cut short \
            leaves no directory at --out. Restore it with `amparo restore` (docs/operations.md).
            Exit status: 0 backed up, 2 usage or I/O error (nothing at --out).
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The backup directory to create (it must not exist).", valueName: "DIR"))
    var out: String

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("Also copy this private key, by name: node, witness or master (repeatable); needs --keys-out.", valueName: "NAME"))
    var keys: [String] = []

    @Option(help: ArgumentHelp("Where the keys named by --key go: a new directory, apart from the backup.", valueName: "DIR"))
    var keysOut: String?

    @Option(
        name: .customLong("master-key"),
        help: ArgumentHelp("The vault's master key, for --key master (default: $AMPARO_MASTER_KEY, else DIR.master-key).", valueName: "FILE"))
    var masterKey: String?

    func validate() throws {
        for key in keys where Backup.Key(rawValue: key) == nil {
            throw ValidationError("--key \(key) is not node, witness or master")
        }
        if !keys.isEmpty, keysOut == nil { throw ValidationError("--key needs --keys-out DIR: keys are kept apart from the backup") }
        if keys.isEmpty, keysOut != nil { throw ValidationError("--keys-out needs at least one --key node|witness|master") }
        if let keysOut,
            URL(fileURLWithPath: keysOut).standardizedFileURL.path.hasPrefix(URL(fileURLWithPath: out).standardizedFileURL.path + "/")
                || URL(fileURLWithPath: keysOut).standardizedFileURL == URL(fileURLWithPath: out).standardizedFileURL
        {
            throw ValidationError("--keys-out must not be inside --out: a backup never carries a private key")
        }
    }

    func run() throws {
        let log = try ledger.open()
        let named = keys.compactMap(Backup.Key.init(rawValue:))
        let master = masterKey ?? Vault.defaultMasterKeyPath(ledgerPath: ledger.path)
        if let keysOut {
            try FileIO.refuseExisting(keysOut, replacing: false)
            _ = try Backup.keySources(named, of: log, masterKey: master)
        }
        let manifest = try Backup.make(of: log, to: out)
        let total = manifest.files.reduce(0) { $0 + $1.bytes }
        print(Strings.backedUp(out, size: manifest.treeSize, root: manifest.root.base64, files: manifest.files.count, bytes: total))
        if let keysOut {
            for path in try Backup.copyKeys(named, of: log, masterKey: master, to: keysOut) { print(Strings.keyCopied(path)) }
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new ledger directory, check it whole, and hold its signing.",
        discussion: """
            Checks every file of the backup against its MANIFEST.json (a file missing, changed or added \
            refuses the backup), copies it into a directory beside --ledger, checks that its tree has \
            the manifest's size and root and that the node's signed checkpoint matches it, verifies every \
            entry, hash, signature and checkpoint (as `amparo verify` does before the Agreement's rules), \
            and only then puts it at --ledger, which must not exist. With --keys, the node and witness \
            keys found there (from `amparo backup --key ... --keys-out`) are put in the ledger directory \
            and the master key beside it (DIR.master-key) when none is there.
            The restored ledger reads as usual but signs nothing (no append, no checkpoint) until \
            `amparo resume`: the node may have signed a larger tree after the backup, which its peers \
            hold, and appending to the restored tree would fork its own log (docs/operations.md).
            Exit status: 0 restored, 2 a backup that fails its manifest or verification, usage or I/O \
            error (nothing at --ledger).
            """
    )

    @Argument(help: ArgumentHelp("The backup directory (from `amparo backup --out`).", valueName: "BACKUP"))
    var backup: String

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("A keys directory written by `amparo backup --keys-out`.", valueName: "DIR"))
    var keys: String?

    func run() throws {
        let restored = try Backup.restore(backup, to: ledger.path)
        let m = restored.manifest
        print(Strings.restored(ledger.path, events: restored.events, size: m.treeSize, root: m.root.base64, created: m.created))
        if let keys {
            for key in [Backup.Key.node, .witness] where access(keys + "/" + key.fileName, F_OK) == 0 {
                let target = key == .node ? restored.log.path + "/node.key" : restored.log.path + "/witness.key"
                let text = String(decoding: try FileIO.read(keys + "/" + key.fileName, limit: 4096), as: UTF8.self)
                if key == .node {
                    let signing = try SigningKey(pem: text, name: restored.log.name)
                    guard signing.verifierKey == restored.log.nodeKey else {
                        throw LedgerError(.badKey, "\(keys)/node.key is not this ledger's node key (expected \(restored.log.nodeKey.reference)); not copied")
                    }
                }
                try KeyFile.create(path: target, text: text)
                print(Strings.keyCopied(target))
            }
            let master = Vault.defaultMasterKeyPath(ledgerPath: ledger.path)
            if access(keys + "/master.key", F_OK) == 0, access(master, F_OK) != 0 {
                let text = String(decoding: try FileIO.read(keys + "/master.key", limit: 4096), as: UTF8.self)
                try KeyFile.create(path: master, text: text)
                print(Strings.keyCopied(master))
            }
        }
        print(Strings.signingHeldAfterRestore(ledger.path, size: m.treeSize))
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Let a restored ledger sign again, once no later checkpoint of it exists.",
        discussion: """
            Each --checkpoint is a checkpoint of this ledger that a peer, a witness or an auditor holds \
            (the latest one each holds). Every one must carry the node's signature and be no larger \
            than the restored tree, and the tree's root at its size must be the one it states; then the \
            hold is lifted and the next append extends the tree every such checkpoint is a prefix of. \
            A larger one means the node signed entries this backup lacks: the hold stays (restore a \
            newer backup). A different root at the same size is a fork: exit 1, keep it as evidence. \
            --nothing-later lifts the hold on the operator's word that the node published nothing \
            after the backup (it never served, exported or was witnessed since).
            Exit status: 0 resumed, 1 a checkpoint that does not match the restored tree, 2 a larger \
            checkpoint, usage or I/O error (the hold stays).
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("A checkpoint of this ledger held elsewhere (signed note; repeatable).", valueName: "FILE"))
    var checkpoint: [String] = []

    @Flag(help: "Lift the hold on your word that the node published no checkpoint after the backup.")
    var nothingLater = false

    func run() throws {
        let log = try ledger.open()
        let notes = try checkpoint.map { String(decoding: try FileIO.read($0, limit: 64 << 10), as: UTF8.self) }
        let resumed = try log.resume(checkpoints: notes, nothingLater: nothingLater)
        print(Strings.resumed(ledger.path, size: resumed.size, largest: resumed.largestShown))
    }
}
