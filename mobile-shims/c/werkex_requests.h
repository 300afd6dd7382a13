/* werkex_requests.h: placement requests in the C ABI (werkex/placement_request.hpp): a pupil
 * asks for a placement at a company of the network, the counsellor accepts or declines.
 * Included by werkex.h; the conventions of werkex.h hold. */
#ifndef WERKEX_REQUESTS_H
#define WERKEX_REQUESTS_H

#include "werkex.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#endif
WX_ASSUME_NONNULL_BEGIN

/* The pupil asks: {"company" (required), "kind", "preferred_start", "preferred_end",
 * "motivation"}; returns the request's id. The request lives in the pupil's own dossier. */
WX_API wx_buffer* WX_NULLABLE wx_placement_ask(wx_replica* replica, const char* ask_json,
                                               wx_error* WX_NULLABLE out_error);
/* The requests this replica holds as a JSON array of entities, oldest first; with
 * `open_only`, those not answered yet (the counsellor's list). */
WX_API wx_buffer* WX_NULLABLE wx_placement_requests(wx_replica* replica, bool open_only,
                                                    wx_error* WX_NULLABLE out_error);
/* The counsellor accepts: {"start_date", "end_date" (required), "kind", "supervisor",
 * "answer"}; makes the placement and returns its id. WX_CONFLICT if already answered. */
WX_API wx_buffer* WX_NULLABLE wx_placement_accept(wx_replica* replica, const char* request_id,
                                                  const char* answer_json,
                                                  wx_error* WX_NULLABLE out_error);
/* The counsellor declines, with words for the pupil (may be NULL). */
WX_API bool wx_placement_decline(wx_replica* replica, const char* request_id,
                                 const char* WX_NULLABLE answer, wx_error* WX_NULLABLE out_error);

WX_ASSUME_NONNULL_END
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* WERKEX_REQUESTS_H */
