/* werkex.h: the C ABI of synclib, for the mobile apps (Kotlin through JNI, Swift through a
 * module map) and anything else that can call C.
 *
 * Everything the device CLI can do is here: open a replica, write and query the dossier,
 * the cycle of handvat 12 as operations, change observers, sync through libcurl or through
 * the app's own HTTP stack, photos and files (blobs), and supervisor sign-off.
 *
 * Conventions (the same for every function):
 *   - Handles are opaque (wx_replica, wx_transport, wx_observer) and end with exactly one
 *     wx_<type>_release. Bytes the library allocates come back as a wx_buffer, freed with
 *     wx_buffer_free. Nothing else is ever the caller's to free.
 *   - The last parameter is `wx_error* out_error`. It may be NULL; it is written only when
 *     the call fails, which the return value says: false, or NULL. Nothing is thread-local,
 *     so a binding may hop threads between a call and reading its error.
 *   - Strings in are NUL-terminated UTF-8 and only read during the call. Entities, queries
 *     and reports are UTF-8 JSON text, in the shapes of the CLI (README: design section):
 *     an entity is a flat object {"id", "type", "<field>": value, ...}. Input JSON is read
 *     strictly: a malformed document, a wrong type or an unknown option key is
 *     WX_INVALID_ARGUMENT naming what is wrong, and nothing is written.
 *   - No C++ exception crosses this boundary; a bug inside becomes WX_INTERNAL.
 *   - A NULL or foreign handle is WX_INVALID_ARGUMENT. Using a replica after
 *     wx_replica_close is WX_CLOSED. Using a handle after its release is undefined.
 *
 * Thread-safety: any function may be called from any thread. Calls on one replica are
 * serialised by a lock inside the handle; the one exception is the network: while a sync or
 * blob call waits for the transport, other threads may use the replica (the sync protocol
 * is built for writes between its rounds). Two calls of one kind on one replica (two syncs,
 * two uploads, two fetches) take turns rather than run at once. Observers run on the thread
 * whose write they report, after the commit, with that lock held: they may call back into
 * the replica from there, but must not wait for another thread that uses it.
 *
 * ABI: only the wx_ symbols are exported. WX_ABI_VERSION changes when a function's
 * signature, a struct's layout or a JSON shape changes incompatibly; functions and JSON
 * members are only ever added within one ABI version, error codes only appended. A binding
 * compiled against this header should check wx_abi_version() == WX_ABI_VERSION at start-up. */
#ifndef WERKEX_H
#define WERKEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "werkex/error_codes.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define WX_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define WX_API __attribute__((visibility("default")))
#else
#define WX_API
#endif

/* Nullability for Swift: every pointer is non-null unless marked WX_NULLABLE. */
#if defined(__clang__)
#define WX_NULLABLE _Nullable
#define WX_ASSUME_NONNULL_BEGIN _Pragma("clang assume_nonnull begin")
#define WX_ASSUME_NONNULL_END _Pragma("clang assume_nonnull end")
#else
#define WX_NULLABLE
#define WX_ASSUME_NONNULL_BEGIN
#define WX_ASSUME_NONNULL_END
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#endif
WX_ASSUME_NONNULL_BEGIN

/* ---- Version, errors, buffers ------------------------------------------------------------ */

#define WX_ABI_VERSION 2 /* 2: wx_error carries the message key and the Dutch text */

/* The library's version ("0.1.0"); a static string. */
WX_API const char* wx_version(void);
/* The WX_ABI_VERSION the library was built with. */
WX_API int wx_abi_version(void);

#define WX_ERROR_MESSAGE_MAX 1024
#define WX_ERROR_KEY_MAX 64

/* What went wrong: a code from error_codes.h, a stable key naming the message (the library's
 * message catalogue, e.g. "role_may_not_write_type"; the code's name for an error outside it,
 * e.g. "io"), and the message for a person in English and in Dutch: the app shows the one
 * of its user's language and may match the key. Texts are NUL-terminated UTF-8, cut at a
 * character boundary if longer than the array. Caller-owned (usually on the stack); the
 * library only writes it, and only on failure. */
typedef struct wx_error {
  wx_error_code code;
  char message[WX_ERROR_MESSAGE_MAX];
  char key[WX_ERROR_KEY_MAX];
  char message_nl[WX_ERROR_MESSAGE_MAX];
} wx_error;

/* Whether the same call may succeed later (no network, server busy, rate limited). */
WX_API bool wx_error_is_transient(const wx_error* error);
/* A short stable name for a code ("invalid_argument"); a static string. */
WX_API const char* wx_error_code_name(wx_error_code code);

/* Bytes the library made for the caller: `size` bytes at `data`, followed by a NUL that
 * `size` does not count, so text can be used as a C string. Immutable; free it once. */
typedef struct wx_buffer {
  const char* data;
  size_t size;
} wx_buffer;

/* Frees a buffer; NULL is ignored. Any thread. */
WX_API void wx_buffer_free(wx_buffer* WX_NULLABLE buffer);

/* Frees a callback's context. Called exactly once per context handed to the library, on
 * whichever thread releases the handle (or makes the failing call) that owned it. */
typedef void (*wx_free_fn)(void* WX_NULLABLE ctx);

/* ---- Replica: the dossier store on this device --------------------------------------------- */

typedef struct wx_replica wx_replica;

/* Opens (or creates) the replica at `path`, a SQLite file. options_json (NULL: defaults):
 *   {"durable": true,       false trades power-loss safety for speed (bulk imports)
 *    "blob_dir": "<path>"}  where photos live ("<path>.blobs" by default)
 * Errors: WX_INVALID_ARGUMENT, WX_IO, WX_CORRUPT (not a werkex database). */
WX_API wx_replica* WX_NULLABLE wx_replica_open(const char* path,
                                               const char* WX_NULLABLE options_json,
                                               wx_error* WX_NULLABLE out_error);
/* Closes the database; the handle stays valid and every later call on it fails with
 * WX_CLOSED. Waits for a call in progress on another thread. Closing twice is fine. Observers
 * stop hearing of changes (release them as usual). From inside one of the replica's own
 * callbacks (an observer, the send callback of its sync) it cannot wait for the call it is
 * part of: WX_INVALID_ARGUMENT. */
WX_API bool wx_replica_close(wx_replica* replica, wx_error* WX_NULLABLE out_error);
/* Closes (if open) and frees the handle; NULL is ignored. No other thread may be using it.
 * From inside one of the replica's own callbacks (an observer, the send callback) the
 * handle goes at once and the database when the call in progress returns. */
WX_API void wx_replica_release(wx_replica* WX_NULLABLE replica);

/* What the device knows of itself, as the CLI's `status`: {"replica", "user", "role",
 * "bucket", "school_bucket", "server", "last_seq", "waiting_to_push", "quarantined",
 * "last_sync", "entities": {type: count}, "blobs": {...}}. */
WX_API wx_buffer* WX_NULLABLE wx_replica_status(wx_replica* replica,
                                                wx_error* WX_NULLABLE out_error);
/* Sets who writes here, for a device used without a server (with a server, enrolment sets
 * it): {"user": id, "role": "pupil"|..., "bucket"?: ..., "school_bucket"?: ...}; a pupil's
 * bucket defaults to "pupil:<user>", the school bucket to "school:default". */
WX_API bool wx_replica_set_identity(wx_replica* replica, const char* identity_json,
                                    wx_error* WX_NULLABLE out_error);
/* The sync server's base URL ("https://werkex.school.nl"); http:// or https:// only. */
WX_API bool wx_replica_set_server(wx_replica* replica, const char* url,
                                  wx_error* WX_NULLABLE out_error);

/* Creates (no "id") or updates (with "id", only the fields given) an entity; returns its id.
 * A set field given as an array replaces the set; as {"add": [...], "remove": [...]} it
 * applies just those. Errors: WX_INVALID_ARGUMENT (schema), WX_PERMISSION_DENIED (role or
 * bucket), WX_CONFLICT (deleted entity, written-once field), WX_NOT_FOUND (no such id). */
WX_API wx_buffer* WX_NULLABLE wx_replica_put(wx_replica* replica, const char* entity_json,
                                             wx_error* WX_NULLABLE out_error);
/* The entity's document; WX_NOT_FOUND if this replica has never seen it. A deleted entity
 * comes back with "deleted": true. */
WX_API wx_buffer* WX_NULLABLE wx_replica_get(wx_replica* replica, const char* id,
                                             wx_error* WX_NULLABLE out_error);
/* Deletes the entity (a tombstone that syncs like any write). */
WX_API bool wx_replica_delete(wx_replica* replica, const char* id, wx_error* WX_NULLABLE out_error);
/* Brings back the value of `field` that lost a concurrent write (listed in "_conflicts"). */
WX_API bool wx_replica_restore_lost(wx_replica* replica, const char* id, const char* field,
                                    wx_error* WX_NULLABLE out_error);

/* A query, as JSON (NULL or "{}": everything):
 *   {"type", "bucket", "field" + "equals" (a set field: contains), "order_by",
 *    "include_deleted": false, "limit": 0 (none), "offset": 0}
 * wx_replica_list returns a JSON array of documents; wx_replica_count how many match
 * (ignoring limit and offset). */
WX_API wx_buffer* WX_NULLABLE wx_replica_list(wx_replica* replica,
                                              const char* WX_NULLABLE query_json,
                                              wx_error* WX_NULLABLE out_error);
WX_API bool wx_replica_count(wx_replica* replica, const char* WX_NULLABLE query_json,
                             uint64_t* out_count, wx_error* WX_NULLABLE out_error);
/* Every entity, canonical (sorted by id, keys sorted): equal bytes on converged replicas. */
WX_API wx_buffer* WX_NULLABLE wx_replica_dump(wx_replica* replica, wx_error* WX_NULLABLE out_error);
/* The Dutch and English labels of the schema's enum values, which an app shows as choices
 * (writes accept a label in place of the value's id): for enum_name NULL every enum,
 * {"emotion": {"geergerd": {"nl": "geërgerd", "en": "annoyed"}, ...}, ...}, else that enum's
 * object. The eight conversation rules also carry "rule_nl" and "explanation_nl" (the seed's
 * text), the competencies "explanation_nl". An unknown enum_name is WX_NOT_FOUND. */
WX_API wx_buffer* WX_NULLABLE wx_replica_labels(wx_replica* replica,
                                                const char* WX_NULLABLE enum_name,
                                                wx_error* WX_NULLABLE out_error);

/* The changes the server refused, kept visible:
 * [{"entity","field","code","message","at","key","message_nl"}] (the refusal's message key
 * and its Dutch text, as wx_error has them). Clear them once the user has seen them. */
WX_API wx_buffer* WX_NULLABLE wx_replica_quarantine(wx_replica* replica,
                                                    wx_error* WX_NULLABLE out_error);
WX_API bool wx_replica_clear_quarantine(wx_replica* replica, wx_error* WX_NULLABLE out_error);

/* Sync without a server (two phones, a file): the changes after local sequence `since_seq`
 * as a bundle (JSON; at most `limit` entity updates, 0: all), and merging a bundle made by
 * another replica. import returns {"from","upto","received","applied","unchanged",
 * "rejected": [...]}; a bundle that is not well formed is WX_CORRUPT and changes nothing. */
WX_API wx_buffer* WX_NULLABLE wx_replica_export(wx_replica* replica, uint64_t since_seq,
                                                uint64_t limit, wx_error* WX_NULLABLE out_error);
WX_API wx_buffer* WX_NULLABLE wx_replica_import(wx_replica* replica, const char* bundle_json,
                                                wx_error* WX_NULLABLE out_error);

/* ---- Observers ---------------------------------------------------------------------------- */

typedef struct wx_observer wx_observer;

/* Hears of committed changes: `changes_json` is [{"entity","type","bucket","deleted"}],
 * `size` its length; valid during the call only. Runs on the writing thread (a local write,
 * an import, or a sync applying what it pulled), after the commit. */
typedef void (*wx_observer_fn)(void* WX_NULLABLE ctx, const char* changes_json, size_t size);

/* Calls `fn` for every committed change of entities matching `query_json` ({"type",
 * "bucket"}; NULL: all; other query keys are refused). The context is the library's from
 * this call on: free_ctx (may be NULL) runs once, when the observer is released, or before
 * this function returns if it fails. */
WX_API wx_observer* WX_NULLABLE wx_replica_observe(wx_replica* replica,
                                                   const char* WX_NULLABLE query_json,
                                                   wx_observer_fn fn, void* WX_NULLABLE ctx,
                                                   wx_free_fn WX_NULLABLE free_ctx,
                                                   wx_error* WX_NULLABLE out_error);
/* Stops the observer and frees its context; NULL is ignored. After it returns the callback
 * will not run again. May be called after the replica was closed or released, and from
 * inside the observer's own callback (which must then not touch its context any more). */
WX_API void wx_observer_release(wx_observer* WX_NULLABLE observer);

/* ---- Transport: how sync reaches the server ------------------------------------------------ */

typedef struct wx_transport wx_transport;

typedef struct wx_http_header {
  const char* name;
  const char* value;
} wx_http_header;

/* One request; everything in it is valid during the send callback only. The body is bytes
 * (blob chunks are binary), not NUL-terminated. */
typedef struct wx_http_request {
  const char* method; /* "GET", "HEAD", "POST", "PUT" */
  const char* url;    /* absolute */
  const wx_http_header* WX_NULLABLE headers;
  size_t header_count;
  const uint8_t* WX_NULLABLE body;
  size_t body_size;
} wx_http_request;

/* The answer the send callback fills in (the library copies what it is given). */
typedef struct wx_http_response wx_http_response;
WX_API bool wx_http_response_set_status(wx_http_response* response, int status,
                                        wx_error* WX_NULLABLE out_error);
WX_API bool wx_http_response_add_header(wx_http_response* response, const char* name,
                                        const char* value, wx_error* WX_NULLABLE out_error);
WX_API bool wx_http_response_set_body(wx_http_response* response, const void* WX_NULLABLE data,
                                      size_t size, wx_error* WX_NULLABLE out_error);

/* Sends one request with the app's HTTP stack and blocks until the answer is complete.
 * Any HTTP answer, 4xx and 5xx included, is a success: set the status (100..599), headers
 * and body and return true. Return false when no answer came (offline, timeout, TLS),
 * with a message in out_error; the call that sent it then fails with WX_UNAVAILABLE and
 * loses nothing (run it again later). Returning true without a valid status is a bug of
 * the binding: WX_INTERNAL. Runs on the thread that called wx_sync_* / wx_blob_*,
 * without the replica's lock; one request at a time per transport. Every werkex request is
 * idempotent, so the callback may retry. */
typedef bool (*wx_send_fn)(void* WX_NULLABLE ctx, const wx_http_request* request,
                           wx_http_response* response, wx_error* out_error);

/* A transport over the app's own HTTP stack (OkHttp, URLSession). The context is the
 * library's from this call on (see wx_replica_observe). */
WX_API wx_transport* WX_NULLABLE wx_transport_new_callback(wx_send_fn send, void* WX_NULLABLE ctx,
                                                           wx_free_fn WX_NULLABLE free_ctx,
                                                           wx_error* WX_NULLABLE out_error);
/* A transport over libcurl, keeping its connection alive between requests and retrying
 * transient failures with backoff. options_json (NULL: defaults): {"connect_timeout_ms":
 * 5000, "timeout_ms": 30000, "max_attempts": 3, "backoff_ms": 200, "ca_file": "",
 * "verify_peer": true, "user_agent": "..."}. */
WX_API wx_transport* WX_NULLABLE wx_transport_new_curl(const char* WX_NULLABLE options_json,
                                                       wx_error* WX_NULLABLE out_error);
/* Frees the transport (and its context); NULL is ignored. Not while a call uses it. */
WX_API void wx_transport_release(wx_transport* WX_NULLABLE transport);

/* ---- Sync ------------------------------------------------------------------------------------ */

/* Trades a one-time enrolment code for this device's token and identity (stored in the
 * replica; set the server first). A supervisor's device also makes its signing key. */
WX_API bool wx_sync_enroll(wx_replica* replica, wx_transport* transport, const char* code,
                           wx_error* WX_NULLABLE out_error);
/* Pushes what was written here and pulls what changed elsewhere until both are done;
 * returns {"rounds","pushed","pulled","applied","rejected":[...],"revoked":[...],
 * "clock_offset_ms"}. Refused changes go to the quarantine, revoked dossiers (and their
 * photos) are removed. Cut off anywhere, it is simply run again. options_json (NULL:
 * defaults): {"page_limit": 200, "max_rounds": 1000, "wire": "json"|"cbor"|"msgpack"}.
 * Errors: WX_UNAVAILABLE / WX_RATE_LIMITED (transient), WX_UNAUTHENTICATED (enroll again),
 * WX_CLOCK_SKEW, WX_INVALID_ARGUMENT (no server set). */
WX_API wx_buffer* WX_NULLABLE wx_sync_run(wx_replica* replica, wx_transport* transport,
                                          const char* WX_NULLABLE options_json,
                                          wx_error* WX_NULLABLE out_error);

/* ---- Blobs: photos and files ---------------------------------------------------------------- */

/* Copies the file into the replica's blob store and attaches it to `entity_id` (an
 * experience's photo, or a file of an activity, preparation, reflection, next step or
 * contact), queued for upload. mime/caption may be NULL (mime: from the extension).
 * Returns {"blob_id","sha256","size","mime"}. Errors leave nothing behind. */
WX_API wx_buffer* WX_NULLABLE wx_blob_attach(wx_replica* replica, const char* entity_id,
                                             const char* file_path, const char* WX_NULLABLE mime,
                                             const char* WX_NULLABLE caption,
                                             wx_error* WX_NULLABLE out_error);
/* One blob: {"sha256","size","mime","state","failure","path"}, state one of
 * "local_pending_upload", "uploaded", "remote_only", "failed"; "path" is where the file is
 * (or will be once fetched). WX_NOT_FOUND for a hash the replica does not know. */
WX_API wx_buffer* WX_NULLABLE wx_blob_info(wx_replica* replica, const char* sha256,
                                           wx_error* WX_NULLABLE out_error);
/* {"policy","pending_upload":[info...],"failed":[info...],"remote_only":[info...]}. */
WX_API wx_buffer* WX_NULLABLE wx_blob_status(wx_replica* replica, wx_error* WX_NULLABLE out_error);
/* "always" (the default) or "wifi_only": kept in the replica. */
WX_API bool wx_blob_set_policy(wx_replica* replica, const char* policy,
                               wx_error* WX_NULLABLE out_error);
/* Uploads what is queued, as far as `network` ("none", "cellular", "wifi") and the policy
 * allow; run it after wx_sync_run. Returns {"uploaded","bytes","pending","failed",
 * "skipped_by_policy","waiting_for_entity","uploaded_hashes","failures"}, plus "stopped"
 * ({"code","message"}) when the run stopped early and "note" when less than everything
 * went: a stopped run (no network, server busy) is not an error; the rest stays queued. */
WX_API wx_buffer* WX_NULLABLE wx_blob_upload(wx_replica* replica, wx_transport* transport,
                                             const char* network, wx_error* WX_NULLABLE out_error);
/* The local path of the blob's file, downloading it first (resumably) if it is not here.
 * Errors: WX_NOT_FOUND, WX_CORRUPT (hash mismatch; nothing kept), WX_UNAVAILABLE. */
WX_API wx_buffer* WX_NULLABLE wx_blob_fetch(wx_replica* replica, wx_transport* transport,
                                            const char* sha256, wx_error* WX_NULLABLE out_error);
/* Queues every failed upload again; out_count (may be NULL) gets how many. */
WX_API bool wx_blob_retry_failed(wx_replica* replica, uint64_t* WX_NULLABLE out_count,
                                 wx_error* WX_NULLABLE out_error);

/* ---- Dossier: the cycle as operations ------------------------------------------------------- */
/* Each takes the new entity's fields as JSON (the schema's field names) and returns its id.
 * Besides the fields named, any further schema field of the type may be given. */

/* {"kind", "title", "builds_on", "expected_yield", "use_of_yield", "from_next_step",
 *  "chosen_by_pupil": true} */
WX_API wx_buffer* WX_NULLABLE wx_dossier_plan_activity(wx_replica* replica, const char* json,
                                                       wx_error* WX_NULLABLE out_error);
/* {"activity", "known_about_self", "known_about_work", "want_to_find_out", "learning_goals",
 *  "learning_verbs": [...]} */
WX_API wx_buffer* WX_NULLABLE wx_dossier_prepare(wx_replica* replica, const char* json,
                                                 wx_error* WX_NULLABLE out_error);
/* {"activity", "occurred_at" (default now), "note", "emotion", "photos": [sha256...]} */
WX_API wx_buffer* WX_NULLABLE wx_dossier_record_experience(wx_replica* replica, const char* json,
                                                           wx_error* WX_NULLABLE out_error);
/* {"experiences": [...], "with_whom": [...], "qualities": [...], "motives": [...],
 *  "red_thread", "conversation_rules": [...]} */
WX_API wx_buffer* WX_NULLABLE wx_dossier_reflect(wx_replica* replica, const char* json,
                                                 wx_error* WX_NULLABLE out_error);
/* {"reflection", "description", "action", "direction": [...]} */
WX_API wx_buffer* WX_NULLABLE wx_dossier_choose_next_step(wx_replica* replica, const char* json,
                                                          wx_error* WX_NULLABLE out_error);
/* {"name", ...} */
WX_API wx_buffer* WX_NULLABLE wx_dossier_add_contact(wx_replica* replica, const char* json,
                                                     wx_error* WX_NULLABLE out_error);
/* A comment on any entity this replica may comment on; WX_INVALID_ARGUMENT if `on` is not
 * an entity of this replica. */
WX_API wx_buffer* WX_NULLABLE wx_dossier_comment(wx_replica* replica, const char* on,
                                                 const char* body, wx_error* WX_NULLABLE out_error);
/* Takes an experience (one recorded without an activity: it happened unplanned) into
 * `activity_id` of the same dossier; WX_INVALID_ARGUMENT when either id is not what it says
 * or the two are in different dossiers. */
WX_API bool wx_dossier_link_experience(wx_replica* replica, const char* experience_id,
                                       const char* activity_id, wx_error* WX_NULLABLE out_error);
/* Where an activity stands: {"activity","kind","prepared","experiences","experience_ids",
 * "reflected","next_step_chosen","signoff","signed_off"}: "signoff" is the best status of the
 * sign-offs covering it (valid, pending, stale, refused, invalid, superseded, revoked; "" for
 * none) and signed_off is true only for "valid". wx_dossier_cycles: an array of those for every
 * activity of `bucket` (NULL: this replica's own dossier), oldest first, then one with
 * "activity": null and "kind": "unplanned" for the experiences without an activity. */
WX_API wx_buffer* WX_NULLABLE wx_dossier_cycle(wx_replica* replica, const char* activity_id,
                                               wx_error* WX_NULLABLE out_error);
WX_API wx_buffer* WX_NULLABLE wx_dossier_cycles(wx_replica* replica, const char* WX_NULLABLE bucket,
                                                wx_error* WX_NULLABLE out_error);
/* The to-do list of this device's person (werkex/todo.hpp), computed from what the replica
 * holds, no server needed: a JSON array of {"kind","entity","pupil","due","text"}, items
 * with a due date ("YYYY-MM-DD", else "") first. `today` is "YYYY-MM-DD" (NULL: the date
 * of the replica's clock, UTC); a malformed one is WX_INVALID_ARGUMENT. Apps recompute it
 * after each sync and once a day, and schedule local notifications for the due items. */
WX_API wx_buffer* WX_NULLABLE wx_dossier_todo(wx_replica* replica, const char* WX_NULLABLE today,
                                              wx_error* WX_NULLABLE out_error);

#include "werkex_signoff.h" /* sign-off by the workplace supervisor */

WX_ASSUME_NONNULL_END
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#include "werkex_requests.h" /* placement requests: pupil asks, counsellor answers */
#include "werkex_schema.h"   /* a replica with the app's own entity types */
#include "werkex_trash.h"    /* the trash: restore deleted entries */

#endif /* WERKEX_H */
