import CWerkex
import Foundation

/// What a supervisor signs: the entities covered and the day's facts. nil members are left out
/// (date: today; placement: the one that fits).
public struct Statement: Encodable, Sendable {
    public enum Attendance: String, Encodable, Sendable {
        case present = "aanwezig"
        case partlyPresent = "deels_aanwezig"
        case absent = "afwezig"
    }

    /// Entity ids (an experience, an activity, ...).
    public var covers: [String]?
    /// "YYYY-MM-DD".
    public var date: String?
    public var placement: String?
    public var hours: Double?
    public var attendance: Attendance?
    public var assessment: String?

    public init(covers: [String]? = nil, date: String? = nil, placement: String? = nil,
                hours: Double? = nil, attendance: Attendance? = nil, assessment: String? = nil) {
        self.covers = covers
        self.date = date
        self.placement = placement
        self.hours = hours
        self.attendance = attendance
        self.assessment = assessment
    }
}

/// A sign-off's state, derived the same on every replica (`wx_signoff_status`).
public struct SignoffStatus: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable {
        /// Signed, and nothing it covers has changed since.
        case valid
        /// A covered entity changed after signing (see `changed`).
        case stale
        /// Bad signature or unknown key.
        case invalid
        case revoked
        /// Signed with a PIN the server has not verified yet.
        case pending
        /// The server refused it (`reason` says why); it was taken off this device and its
        /// values stay in `Replica.quarantine()`.
        case refused
    }

    public let state: State
    /// "key" (the supervisor's device) or "pin" (the weaker form, shown as such).
    public let method: String
    /// Why invalid, pending or revoked; "" when valid.
    public let reason: String
    /// Stale: the covered entities whose content changed.
    public let changed: [String]
}

/// Supervisor sign-off on a replica: online with the device key, offline by QR hand-over
/// ("werkex-sign:v1:" request, "werkex-sig:v1:" answer), or with the placement's PIN on the
/// pupil's phone. Statements go in as `Statement` or as JSON text. A view: as thread-safe as the
/// replica.
public struct Signoffs: Sendable {
    public let replica: Replica

    /// Supervisor's phone, online: signs with the device key; the sign-off's id.
    public func sign(_ statement: Statement) throws -> String {
        try sign(json: encodeJSON(statement))
    }

    public func sign(json: String) throws -> String {
        try checkString { wx_signoff_sign(replica.handle, json, $0) }
    }

    /// Pupil's phone, offline: the "werkex-sign:v1:" payload to show as a QR code.
    public func request(_ statement: Statement) throws -> String {
        try request(json: encodeJSON(statement))
    }

    public func request(json: String) throws -> String {
        try checkString { wx_signoff_request(replica.handle, json, $0) }
    }

    /// Supervisor's phone, offline: signs a scanned request; the "werkex-sig:v1:" payload for
    /// the pupil's phone to scan. `statement` may add hours, attendance, an assessment.
    public func signRequest(_ payload: String, adding statement: Statement? = nil) throws
        -> String
    {
        try signRequest(payload, statementJSON: statement.map { try encodeJSON($0) })
    }

    public func signRequest(_ payload: String, statementJSON: String?) throws -> String {
        try withOptionalCString(statementJSON) { statement in
            try checkString { wx_signoff_sign_request(replica.handle, payload, statement, $0) }
        }
    }

    /// Pupil's phone: checks and stores a scanned signature; the sign-off's id.
    public func accept(_ payload: String) throws -> String {
        try checkString { wx_signoff_accept(replica.handle, payload, $0) }
    }

    /// Pupil's phone, supervisor without the app: the supervisor types one of her placement's
    /// one-time codes, which the next sync sends to the server to check and burn (until then
    /// the state is `.pending`).
    public func signWithPin(_ statement: Statement, pin: String) throws -> String {
        try signWithPin(json: encodeJSON(statement), pin: pin)
    }

    public func signWithPin(json: String, pin: String) throws -> String {
        try checkString { wx_signoff_sign_with_pin(replica.handle, json, pin, $0) }
    }

    public func revoke(_ signoffId: String, reason: String) throws {
        try check { wx_signoff_revoke(replica.handle, signoffId, reason, $0) }
    }

    public func status(_ signoffId: String) throws -> SignoffStatus {
        let data = try checkData { wx_signoff_status(replica.handle, signoffId, $0) }
        return try decodeJSON(SignoffStatus.self, from: data, code: .internal)
    }
}
