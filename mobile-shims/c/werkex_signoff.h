/* werkex_signoff.h - the C ABI of supervisor sign-off (werkex/signoff*.hpp): signing, the QR
 * hand-over, PIN sign-off, status; what a supervisor sees before she signs; what a pupil is
 * told before editing a signed entry; the hours that count; removing a refused sign-off.
 *
 * Part of werkex.h, which includes it: include werkex.h, not this file. The conventions of
 * werkex.h hold (handles, wx_buffer results, wx_error, JSON shapes). */
#ifndef WERKEX_SIGNOFF_H
#define WERKEX_SIGNOFF_H

#ifndef WERKEX_H
#error "include werkex.h, which includes werkex_signoff.h"
#endif

/* ---- Sign-off by the workplace supervisor ---------------------------------------------------- */
/* A statement, as JSON: {"covers": [entity ids], "date": "YYYY-MM-DD" (default today),
 * "placement" (default: the one that fits), "hours": 6.5, "attendance": "aanwezig" |
 * "deels_aanwezig" | "afwezig", "assessment": "..."}. */

/* Supervisor's phone, online: signs with the device key; returns the sign-off's id. */
WX_API wx_buffer* WX_NULLABLE wx_signoff_sign(wx_replica* replica, const char* statement_json,
                                              wx_error* WX_NULLABLE out_error);
/* Pupil's phone, offline: a "werkex-sign:v1:" payload to show as a QR code. The statement
 * here is only {"covers", "date", "placement"}: the supervisor states the rest when signing. */
WX_API wx_buffer* WX_NULLABLE wx_signoff_request(wx_replica* replica, const char* statement_json,
                                                 wx_error* WX_NULLABLE out_error);
/* Supervisor's phone, offline: signs a scanned request; returns a "werkex-sig:v1:" payload
 * for the pupil's phone to scan. statement_json (may be NULL) adds hours, attendance, ... */
WX_API wx_buffer* WX_NULLABLE wx_signoff_sign_request(wx_replica* replica,
                                                      const char* request_payload,
                                                      const char* WX_NULLABLE statement_json,
                                                      wx_error* WX_NULLABLE out_error);
/* Pupil's phone: checks and stores a scanned signature; returns the sign-off's id. */
WX_API wx_buffer* WX_NULLABLE wx_signoff_accept(wx_replica* replica, const char* signature_payload,
                                                wx_error* WX_NULLABLE out_error);
/* Pupil's phone, supervisor without the app: the supervisor types one of her placement's
   one-time codes (`pin`: digits; spaces and dashes ignored). The sign-off carries no proof;
   the code stays on this replica only until the next sync sends it to the server, which
   checks and burns it (state "pending" until then). Returns the sign-off's id. */
WX_API wx_buffer* WX_NULLABLE wx_signoff_sign_with_pin(wx_replica* replica,
                                                       const char* statement_json, const char* pin,
                                                       wx_error* WX_NULLABLE out_error);
WX_API bool wx_signoff_revoke(wx_replica* replica, const char* signoff_id, const char* reason,
                              wx_error* WX_NULLABLE out_error);
/* {"state": "valid"|"stale"|"invalid"|"revoked"|"pending", "method", "reason", "changed"} */
WX_API wx_buffer* WX_NULLABLE wx_signoff_status(wx_replica* replica, const char* signoff_id,
                                                wx_error* WX_NULLABLE out_error);


/* The status JSON above also carries, when not empty: "explanation" (a stale sign-off's
 * changes in Dutch words: the entry's title, the field's label, old and new text; for a
 * superseded one, that it was replaced), "why" (per changed field {"entity","type",
 * "type_label","title","field","label","old_known","old","new"}) and "superseded_by".
 * States: valid, stale, superseded (a newer sign-off of the same day replaced it), pending,
 * refused, invalid, revoked. */

/* Supervisor's phone, before signing a scanned request: what she is about to sign, signing
 * and storing nothing. statement_json (may be NULL) as for wx_signoff_sign_request. Returns
 * {"pupil":{"id","name"},"signer":{"id","name"},"placement":{"id","company","kind",
 * "start_date","end_date"},"date","hours","attendance","attendance_label","assessment",
 * "entries":[{"id","type","type_label","title","dates":{},"fields":{}}]}; names this phone
 * does not hold are "". A damaged payload is WX_INVALID_ARGUMENT. */
WX_API wx_buffer* WX_NULLABLE wx_signoff_preview(wx_replica* replica, const char* request_payload,
                                                 const char* WX_NULLABLE statement_json,
                                                 wx_error* WX_NULLABLE out_error);
/* Pupil's phone, before editing an entry: the valid or pending sign-offs the edit would make
 * stale, [{"signoff","signer","signer_name","statement_date","state"}] ([] for none). */
WX_API wx_buffer* WX_NULLABLE wx_signoff_signed_by(wx_replica* replica, const char* entity_id,
                                                   wx_error* WX_NULLABLE out_error);
/* The same as the Dutch sentence an app shows before the edit ("Deze ervaring is afgetekend
 * door Ans op 2026-11-30; na deze wijziging is de aftekening niet meer geldig."), or "". */
WX_API wx_buffer* WX_NULLABLE wx_signoff_edit_warning(wx_replica* replica, const char* entity_id,
                                                      wx_error* WX_NULLABLE out_error);
/* The hours of a placement that count: {"placement","hours","signoffs":[ids]}. Only valid
 * sign-offs count; a day signed again counts once (the newest). */
WX_API wx_buffer* WX_NULLABLE wx_signoff_placement_hours(wx_replica* replica,
                                                         const char* placement_id,
                                                         wx_error* WX_NULLABLE out_error);
/* The ids of the sign-offs the server refused from this device (a wrong code), one per
 * attempt, as a JSON array; wx_signoff_status says "refused" and why. */
WX_API wx_buffer* WX_NULLABLE wx_signoff_refused(wx_replica* replica,
                                                 wx_error* WX_NULLABLE out_error);
/* Pupil: takes a refused sign-off away. WX_NOT_FOUND if none such is refused here. */
WX_API bool wx_signoff_remove_refused(wx_replica* replica, const char* signoff_id,
                                      wx_error* WX_NULLABLE out_error);

#endif /* WERKEX_SIGNOFF_H */
