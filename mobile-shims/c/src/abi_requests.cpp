// The C ABI over placement requests (werkex_requests.h, werkex/placement_request.hpp).
#include "abi_internal.hpp"
#include "json_args.hpp"
#include "werkex/placement_request.hpp"

using namespace werkex;
using namespace werkex::abi;

extern "C" {

wx_buffer* wx_placement_ask(wx_replica* replica, const char* ask_json, wx_error* out_error) {
  const char* fn = "wx_placement_ask";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(ObjectArgs args, ObjectArgs::parse(ask_json, std::string(fn), false));
    PlacementAsk a;
    WX_RETURN_IF_ERROR(args.take("company", a.company));
    WX_RETURN_IF_ERROR(args.take("kind", a.kind));
    WX_RETURN_IF_ERROR(args.take("preferred_start", a.preferred_start));
    WX_RETURN_IF_ERROR(args.take("preferred_end", a.preferred_end));
    WX_RETURN_IF_ERROR(args.take("motivation", a.motivation));
    WX_RETURN_IF_ERROR(
        args.finish({"company", "kind", "preferred_start", "preferred_end", "motivation"}));
    return ask_placement(*core.replica, a);
  });
}

wx_buffer* wx_placement_requests(wx_replica* replica, bool open_only, wx_error* out_error) {
  return text_call(replica, out_error, "wx_placement_requests",
                   [&](ReplicaCore& core) -> Result<std::string> {
                     WX_ASSIGN_OR_RETURN(auto list, placement_requests(*core.replica, open_only));
                     return json(list).dump();
                   });
}

wx_buffer* wx_placement_accept(wx_replica* replica, const char* request_id, const char* answer_json,
                               wx_error* out_error) {
  const char* fn = "wx_placement_accept";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(request_id, fn, "request_id"));
    WX_ASSIGN_OR_RETURN(ObjectArgs args, ObjectArgs::parse(answer_json, std::string(fn), false));
    PlacementAnswer a;
    WX_RETURN_IF_ERROR(args.take("start_date", a.start_date));
    WX_RETURN_IF_ERROR(args.take("end_date", a.end_date));
    WX_RETURN_IF_ERROR(args.take("kind", a.kind));
    WX_RETURN_IF_ERROR(args.take("supervisor", a.supervisor));
    WX_RETURN_IF_ERROR(args.take("answer", a.answer));
    WX_RETURN_IF_ERROR(args.finish({"start_date", "end_date", "kind", "supervisor", "answer"}));
    return accept_placement_request(*core.replica, request_id, a);
  });
}

bool wx_placement_decline(wx_replica* replica, const char* request_id, const char* answer,
                          wx_error* out_error) {
  const char* fn = "wx_placement_decline";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(request_id, fn, "request_id"));
    return decline_placement_request(*core.replica, request_id, answer ? answer : "");
  });
}

}  // extern "C"
