import CWerkex
import Foundation
import XCTest

@testable import Werkex

/// The binding against the real library (the XCFramework's simulator slice). Not run on the
/// project's Debian machines: there is no Swift toolchain there (see mobile-shims/README.md).
final class WerkexTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("werkex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func openPupilReplica() throws -> Replica {
        let replica = try Replica(path: directory.appendingPathComponent("phone.db").path)
        try replica.setIdentity(Identity(user: "0190a000-0000-7000-8000-000000000001",
                                          role: "pupil"))
        return replica
    }

    private struct Activity: Codable {
        var id: String?
        var kind: String
        var title: String
        var expectedYield: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, title
            case expectedYield = "expected_yield"
        }
    }

    func testErrorCodesMirrorTheCHeader() {
        XCTAssertEqual(WerkexError.Code.allCases.count, Int(WX_CLOSED.rawValue) + 1)
        for code in WerkexError.Code.allCases {
            XCTAssertEqual(WerkexError.Code(cValue: code.cValue), code)
        }
        XCTAssertEqual(WerkexError.Code.closed.rawValue, Int(WX_CLOSED.rawValue))
        XCTAssertEqual(WerkexError.Code.closed.name, "closed")
        XCTAssertEqual(WerkexError.Code(cValue: wx_error_code(rawValue: 999)), .internal)
        XCTAssertEqual(WerkexLibrary.abiVersion, WerkexLibrary.bindingABIVersion)
    }

    func testWriteErrorCutsAtACharacterBoundaryAndTerminates() {
        var error = wx_error()
        writeError(&error, code: .unavailable, message: String(repeating: "é", count: 600))
        let read = WerkexError(error)
        XCTAssertEqual(read.code, .unavailable)
        XCTAssertTrue(read.isTransient)
        XCTAssertEqual(read.message, String(repeating: "é", count: 511))  // 1022 of 1023 bytes
    }

    func testQueryEncodesWerkexJSON() throws {
        XCTAssertEqual(try Query.all.toJSON(), "{}")
        let query = Query.all.type("activity").where("title", equals: "a \"b\"\n/").limit(2)
        XCTAssertEqual(try query.toJSON(),
                       #"{"equals":"a \"b\"\n/","field":"title","limit":2,"type":"activity"}"#)
        XCTAssertEqual(try Query.all.where("hours", equals: 6).includeDeleted().toJSON(),
                       #"{"equals":6,"field":"hours","include_deleted":true}"#)
    }

    func testCodableEntitiesRoundTripAndQueriesCount() throws {
        let replica = try openPupilReplica()
        let id = try replica.dossier.planActivity(
            Activity(kind: "snuffelstage", title: "Bakkerij \"De Korenaar\"",
                     expectedYield: "Past vroeg beginnen bij mij?"))
        let stored = try replica.get(id, as: Activity.self)
        XCTAssertEqual(stored.id, id)
        XCTAssertEqual(stored.title, "Bakkerij \"De Korenaar\"")
        XCTAssertEqual(stored.expectedYield, "Past vroeg beginnen bij mij?")
        XCTAssertEqual(try replica.count(.all.type("activity")), 1)
        XCTAssertEqual(try replica.list(.all.type("activity"), as: Activity.self).map(\.id), [id])
        let phase = try replica.dossier.cycle(id)
        XCTAssertEqual(phase.activity, id)
        XCTAssertFalse(phase.prepared)
        XCTAssertThrowsError(try replica.put(json: #"{"type": "activity", "kind": 7}"#)) {
            XCTAssertEqual(($0 as? WerkexError)?.code, .invalidArgument)
        }
    }

    func testObserverRunsOnTheWritingThreadUntilCancelled() throws {
        let replica = try openPupilReplica()
        let heard = Heard()
        let subscription = try replica.observe(.all.type("activity")) { changes in
            heard.add(changes, onMainThread: Thread.isMainThread)
        }
        let id = try replica.put(json: #"{"type": "activity", "kind": "interview"}"#)
        XCTAssertEqual(heard.changes.count, 1)  // synchronously, before put returned
        XCTAssertTrue(heard.changes[0].contains(id))
        XCTAssertEqual(heard.onMainThread, [Thread.isMainThread])
        subscription.cancel()
        _ = try replica.put(json: #"{"type": "activity", "kind": "gastles"}"#)
        XCTAssertEqual(heard.changes.count, 1)
    }

    func testAClosedReplicaThrowsClosed() throws {
        let replica = try openPupilReplica()
        try replica.close()
        try replica.close()  // idempotent
        XCTAssertThrowsError(try replica.status()) {
            XCTAssertEqual(($0 as? WerkexError)?.code, .closed)
        }
    }

    func testAClientErrorBecomesUnavailableAndTheClientIsReleased() throws {
        weak var released: FailingClient?
        do {
            let client = FailingClient()
            released = client
            let replica = try Replica(path: directory.appendingPathComponent("new.db").path)
            try replica.setServer("http://127.0.0.1:9")
            let transport = try Transport.of(client)
            let sync = Sync(replica: replica, transport: transport)
            XCTAssertThrowsError(try sync.enroll(code: "GM566-ZRNZ5")) {
                let error = $0 as? WerkexError
                XCTAssertEqual(error?.code, .unavailable)
                XCTAssertEqual(error?.isTransient, true)
                XCTAssertTrue(error?.message.contains("no network in this test") ?? false)
            }
            XCTAssertEqual(client.seen.first?.method, "POST")
            XCTAssertTrue(client.seen.first?.url.hasPrefix("http://127.0.0.1:9/") ?? false)
        }
        XCTAssertNil(released, "the transport's free_ctx must release the client")
    }
}

private struct NoNetwork: LocalizedError {
    var errorDescription: String? { "no network in this test" }
}

private final class FailingClient: HTTPClient {
    private(set) var seen: [HTTPRequest] = []

    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        seen.append(request)
        throw NoNetwork()
    }
}

private final class Heard: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var _changes: [String] = []
    private var _onMainThread: [Bool] = []

    func add(_ changes: String, onMainThread: Bool) {
        lock.lock()
        defer { lock.unlock() }
        _changes.append(changes)
        _onMainThread.append(onMainThread)
    }

    var changes: [String] {
        lock.lock()
        defer { lock.unlock() }
        return _changes
    }

    var onMainThread: [Bool] {
        lock.lock()
        defer { lock.unlock() }
        return _onMainThread
    }
}
