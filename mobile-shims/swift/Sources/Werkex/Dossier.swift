import CWerkex
import Foundation

/// Where one activity stands in the cycle (`wx_dossier_cycle`); `activity` is nil for the
/// experiences that happened without one (kind "unplanned").
public struct CyclePhase: Codable, Equatable, Sendable {
    public let activity: String?
    public let kind: String
    public let prepared: Bool
    /// How many experiences were recorded.
    public let experiences: Int
    public let experienceIds: [String]
    public let reflected: Bool
    public let nextStepChosen: Bool
    /// The best status of the sign-offs covering it ("valid", "pending", "stale", …; "" none).
    public let signoff: String
    /// True only for a valid sign-off.
    public let signedOff: Bool

    enum CodingKeys: String, CodingKey {
        case activity, kind, prepared, experiences, reflected, signoff
        case experienceIds = "experience_ids"
        case nextStepChosen = "next_step_chosen"
        case signedOff = "signed_off"
    }
}

/// One item of a person's to-do list (werkex/todo.hpp): `kind` is a stable id
/// ("prepare_activity", "answer_comment", "signoff_waiting", …), `due` is "YYYY-MM-DD" or ""
/// and `text` is Dutch, ready to show or to put in a local notification.
public struct TodoItem: Codable, Equatable, Sendable {
    public let kind: String
    public let entity: String
    /// The pupil's person id.
    public let pupil: String
    public let due: String
    public let text: String
}

/// The cycle of handvat 12 as operations on a replica. Each takes the new entity's fields (the
/// schema's names; any further schema field of the type may be given) as JSON text or as an
/// Encodable value, and returns the new entity's id. A view: as thread-safe as the replica.
public struct Dossier: Sendable {
    public let replica: Replica

    /// `{"kind", "title", "builds_on", "expected_yield", "use_of_yield", "from_next_step",
    /// "chosen_by_pupil"}`
    public func planActivity(json: String) throws -> String {
        try create(wx_dossier_plan_activity, json)
    }

    public func planActivity<T: Encodable>(_ fields: T, encoder: JSONEncoder? = nil) throws
        -> String
    {
        try planActivity(json: encodeJSON(fields, encoder: encoder))
    }

    /// `{"activity", "known_about_self", "known_about_work", "want_to_find_out",
    /// "learning_goals", "learning_verbs": [...]}`
    public func prepare(json: String) throws -> String {
        try create(wx_dossier_prepare, json)
    }

    public func prepare<T: Encodable>(_ fields: T, encoder: JSONEncoder? = nil) throws -> String {
        try prepare(json: encodeJSON(fields, encoder: encoder))
    }

    /// `{"activity", "occurred_at" (default now), "note", "emotion", "photos": [sha256...]}`
    public func recordExperience(json: String) throws -> String {
        try create(wx_dossier_record_experience, json)
    }

    public func recordExperience<T: Encodable>(_ fields: T, encoder: JSONEncoder? = nil) throws
        -> String
    {
        try recordExperience(json: encodeJSON(fields, encoder: encoder))
    }

    /// `{"experiences": [...], "with_whom": [...], "qualities": [...], "motives": [...],
    /// "red_thread", "conversation_rules": [...]}`
    public func reflect(json: String) throws -> String {
        try create(wx_dossier_reflect, json)
    }

    public func reflect<T: Encodable>(_ fields: T, encoder: JSONEncoder? = nil) throws -> String {
        try reflect(json: encodeJSON(fields, encoder: encoder))
    }

    /// `{"reflection", "description", "action", "direction": [...]}`
    public func chooseNextStep(json: String) throws -> String {
        try create(wx_dossier_choose_next_step, json)
    }

    public func chooseNextStep<T: Encodable>(_ fields: T, encoder: JSONEncoder? = nil) throws
        -> String
    {
        try chooseNextStep(json: encodeJSON(fields, encoder: encoder))
    }

    /// `{"name", ...}`
    public func addContact(json: String) throws -> String {
        try create(wx_dossier_add_contact, json)
    }

    public func addContact<T: Encodable>(_ fields: T, encoder: JSONEncoder? = nil) throws
        -> String
    {
        try addContact(json: encodeJSON(fields, encoder: encoder))
    }

    /// A comment on any entity this replica may comment on; the comment's id.
    public func comment(on entityId: String, body: String) throws -> String {
        try checkString { wx_dossier_comment(replica.handle, entityId, body, $0) }
    }

    /// Takes an experience recorded without an activity (unplanned) into `activityId`.
    public func linkExperience(_ experienceId: String, to activityId: String) throws {
        try check { wx_dossier_link_experience(replica.handle, experienceId, activityId, $0) }
    }

    /// Where the activity stands.
    public func cycle(_ activityId: String) throws -> CyclePhase {
        let data = try checkData { wx_dossier_cycle(replica.handle, activityId, $0) }
        return try decodeJSON(CyclePhase.self, from: data, code: .internal)
    }

    /// Every activity of `bucket` (nil: this replica's own dossier), oldest first.
    public func cycles(bucket: String? = nil) throws -> [CyclePhase] {
        let data = try withOptionalCString(bucket) { bucket in
            try checkData { wx_dossier_cycles(replica.handle, bucket, $0) }
        }
        return try decodeJSON([CyclePhase].self, from: data, code: .internal)
    }

    /// This device's person's to-do list, computed from the replica alone, items with a due
    /// date first. `today` is "YYYY-MM-DD" (nil: the replica clock's date). Recompute it after
    /// each sync and once a day; schedule local notifications for the items with a due date.
    public func todo(today: String? = nil) throws -> [TodoItem] {
        let data = try withOptionalCString(today) { today in
            try checkData { wx_dossier_todo(replica.handle, today, $0) }
        }
        return try decodeJSON([TodoItem].self, from: data, code: .internal)
    }

    private typealias Create = (OpaquePointer, UnsafePointer<CChar>, ErrorPointer?)
        -> UnsafeMutablePointer<wx_buffer>?

    private func create(_ function: Create, _ json: String) throws -> String {
        try json.withCString { json in
            try checkString { function(replica.handle, json, $0) }
        }
    }
}
