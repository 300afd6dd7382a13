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
        /// A newer sign-off of the same day (same placement, signer, entries) replaced it.
        case superseded
    }

    public let state: State
    /// "key" (the supervisor's device) or "pin" (the weaker form, shown as such).
    public let method: String
    /// Why invalid, pending or revoked; "" when valid.
    public let reason: String
    /// Stale: the covered entities whose content changed.
    public let changed: [String]
    /// Stale: the changes in Dutch words (entry title, field label, old and new text);
    /// superseded: that it was replaced. nil otherwise.
    public let explanation: String?
    /// Superseded: the newer sign-off's id.
    public let supersededBy: String?

    enum CodingKeys: String, CodingKey {
        case state, method, reason, changed, explanation
        case supersededBy = "superseded_by"
    }
}

/// A sign-off that an edit of an entry would make stale (`Signoffs.signedBy`).
public struct SignedBy: Codable, Equatable, Sendable {
    public let signoff: String
    public let signer: String
    public let signerName: String
    public let statementDate: String
    /// "valid" or "pending".
    public let state: String

    enum CodingKeys: String, CodingKey {
        case signoff, signer, state
        case signerName = "signer_name"
        case statementDate = "statement_date"
    }
}

/// The hours of a placement that count: only current valid sign-offs, a day once.
public struct PlacementHours: Codable, Equatable, Sendable {
    public let placement: String
    public let hours: Double
    public let signoffs: [String]
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

    /// Supervisor's phone, before signing a scanned request: what it signs, as the JSON of
    /// `wx_signoff_preview` (pupil, placement, date, hours, entries with title and dates).
    /// Signs and stores nothing.
    public func preview(_ payload: String, adding statement: Statement? = nil) throws -> String {
        let statementJSON = try statement.map { try encodeJSON($0) }
        return try withOptionalCString(statementJSON) { json in
            try checkString { wx_signoff_preview(replica.handle, payload, json, $0) }
        }
    }

    /// Pupil's phone, before an edit: the sign-offs the edit would make stale.
    public func signedBy(_ entityId: String) throws -> [SignedBy] {
        let data = try checkData { wx_signoff_signed_by(replica.handle, entityId, $0) }
        return try decodeJSON([SignedBy].self, from: data, code: .internal)
    }

    /// The Dutch warning to show before editing this entry; "" when nothing would be lost.
    public func editWarning(_ entityId: String) throws -> String {
        try checkString { wx_signoff_edit_warning(replica.handle, entityId, $0) }
    }

    public func placementHours(_ placementId: String) throws -> PlacementHours {
        let data = try checkData { wx_signoff_placement_hours(replica.handle, placementId, $0) }
        return try decodeJSON(PlacementHours.self, from: data, code: .internal)
    }

    /// The sign-offs the server refused from this device (a wrong code), one per attempt.
    public func refused() throws -> [String] {
        let data = try checkData { wx_signoff_refused(replica.handle, $0) }
        return try decodeJSON([String].self, from: data, code: .internal)
    }

    /// Pupil: takes a refused sign-off away.
    public func removeRefused(_ signoffId: String) throws {
        try check { wx_signoff_remove_refused(replica.handle, signoffId, $0) }
    }
}
