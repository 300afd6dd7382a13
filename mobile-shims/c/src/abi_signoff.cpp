// The C ABI over supervisor sign-off (werkex_signoff.h): the statement comes as JSON.
#include "abi_internal.hpp"
#include "json_args.hpp"
#include "werkex/signoff_count.hpp"
#include "werkex/signoff_edit.hpp"
#include "werkex/signoff_flow.hpp"
#include "werkex/signoff_preview.hpp"

using namespace werkex;
using namespace werkex::abi;

namespace {

struct StatementArgs {
  std::vector<std::string> covers;
  Statement statement;
};

// What each flow reads of a statement: sign and PIN name what they cover and state the day;
// a request carries only what is signed for (the supervisor states the rest when signing);
// sign_request takes what is covered from the scanned payload.
enum class StatementUse { sign, request, sign_request };

Result<StatementArgs> parse_statement(const char* text, const char* fn, StatementUse use) {
  WX_ASSIGN_OR_RETURN(ObjectArgs args, ObjectArgs::parse(text, std::string(fn) + ": statement",
                                                         use == StatementUse::sign_request));
  StatementArgs out;
  if (use != StatementUse::sign_request) WX_RETURN_IF_ERROR(args.take("covers", out.covers));
  WX_RETURN_IF_ERROR(args.take("date", out.statement.date));
  WX_RETURN_IF_ERROR(args.take("placement", out.statement.placement));
  if (use == StatementUse::request) {
    WX_RETURN_IF_ERROR(args.finish({"covers", "date", "placement"}));
  } else {
    WX_RETURN_IF_ERROR(args.take("hours", out.statement.hours));
    WX_RETURN_IF_ERROR(args.take("attendance", out.statement.attendance));
    WX_RETURN_IF_ERROR(args.take("assessment", out.statement.assessment));
    if (use == StatementUse::sign_request) {
      WX_RETURN_IF_ERROR(args.finish({"date", "placement", "hours", "attendance", "assessment"}));
    } else {
      WX_RETURN_IF_ERROR(
          args.finish({"covers", "date", "placement", "hours", "attendance", "assessment"}));
    }
  }
  if (use != StatementUse::sign_request && out.covers.empty())
    return make_error(WX_INVALID_ARGUMENT,
                      std::string(fn) + ": statement: 'covers' must name at least one entry");
  return out;
}

}  // namespace

extern "C" {

wx_buffer* wx_signoff_sign(wx_replica* replica, const char* statement_json, wx_error* out_error) {
  const char* fn = "wx_signoff_sign";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(StatementArgs s, parse_statement(statement_json, fn, StatementUse::sign));
    return Signoffs(*core.replica).sign(s.covers, s.statement);
  });
}

wx_buffer* wx_signoff_request(wx_replica* replica, const char* statement_json,
                              wx_error* out_error) {
  const char* fn = "wx_signoff_request";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(StatementArgs s,
                        parse_statement(statement_json, fn, StatementUse::request));
    return Signoffs(*core.replica).request(s.covers, s.statement);
  });
}

wx_buffer* wx_signoff_sign_request(wx_replica* replica, const char* request_payload,
                                   const char* statement_json, wx_error* out_error) {
  const char* fn = "wx_signoff_sign_request";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(request_payload, fn, "request_payload"));
    WX_ASSIGN_OR_RETURN(StatementArgs s,
                        parse_statement(statement_json, fn, StatementUse::sign_request));
    return Signoffs(*core.replica).sign_request(request_payload, s.statement);
  });
}

wx_buffer* wx_signoff_accept(wx_replica* replica, const char* signature_payload,
                             wx_error* out_error) {
  const char* fn = "wx_signoff_accept";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(signature_payload, fn, "signature_payload"));
    return Signoffs(*core.replica).accept(signature_payload);
  });
}

wx_buffer* wx_signoff_sign_with_pin(wx_replica* replica, const char* statement_json,
                                    const char* pin, wx_error* out_error) {
  const char* fn = "wx_signoff_sign_with_pin";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(StatementArgs s, parse_statement(statement_json, fn, StatementUse::sign));
    WX_RETURN_IF_ERROR(require(pin, fn, "pin"));
    return Signoffs(*core.replica).sign_with_pin(s.covers, s.statement, pin);
  });
}

bool wx_signoff_revoke(wx_replica* replica, const char* signoff_id, const char* reason,
                       wx_error* out_error) {
  const char* fn = "wx_signoff_revoke";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(signoff_id, fn, "signoff_id"));
    WX_RETURN_IF_ERROR(require(reason, fn, "reason"));
    return Signoffs(*core.replica).revoke(signoff_id, reason);
  });
}

wx_buffer* wx_signoff_status(wx_replica* replica, const char* signoff_id, wx_error* out_error) {
  const char* fn = "wx_signoff_status";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(signoff_id, fn, "signoff_id"));
    WX_ASSIGN_OR_RETURN(SignoffStatus status, signoff_status(*core.replica, signoff_id));
    return status.to_json().dump();
  });
}

wx_buffer* wx_signoff_preview(wx_replica* replica, const char* request_payload,
                              const char* statement_json, wx_error* out_error) {
  const char* fn = "wx_signoff_preview";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(request_payload, fn, "request_payload"));
    WX_ASSIGN_OR_RETURN(StatementArgs s,
                        parse_statement(statement_json, fn, StatementUse::sign_request));
    WX_ASSIGN_OR_RETURN(json preview,
                        preview_sign_request(*core.replica, request_payload, s.statement));
    return preview.dump();
  });
}

wx_buffer* wx_signoff_signed_by(wx_replica* replica, const char* entity_id, wx_error* out_error) {
  const char* fn = "wx_signoff_signed_by";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(entity_id, fn, "entity_id"));
    WX_ASSIGN_OR_RETURN(auto by, signed_by(*core.replica, entity_id));
    json out = json::array();
    for (const SignedBy& b : by) out.push_back(b.to_json());
    return out.dump();
  });
}

wx_buffer* wx_signoff_edit_warning(wx_replica* replica, const char* entity_id,
                                   wx_error* out_error) {
  const char* fn = "wx_signoff_edit_warning";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(entity_id, fn, "entity_id"));
    return edit_warning(*core.replica, entity_id);
  });
}

wx_buffer* wx_signoff_placement_hours(wx_replica* replica, const char* placement_id,
                                      wx_error* out_error) {
  const char* fn = "wx_signoff_placement_hours";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(placement_id, fn, "placement_id"));
    WX_ASSIGN_OR_RETURN(auto ids, counting_signoffs(*core.replica, placement_id));
    WX_ASSIGN_OR_RETURN(double hours, placement_hours(*core.replica, placement_id));
    return json{{"placement", placement_id}, {"hours", hours}, {"signoffs", ids}}.dump();
  });
}

wx_buffer* wx_signoff_refused(wx_replica* replica, wx_error* out_error) {
  return text_call(replica, out_error, "wx_signoff_refused",
                   [&](ReplicaCore& core) -> Result<std::string> {
                     WX_ASSIGN_OR_RETURN(auto ids, refused_signoffs(*core.replica));
                     return json(ids).dump();
                   });
}

bool wx_signoff_remove_refused(wx_replica* replica, const char* signoff_id, wx_error* out_error) {
  const char* fn = "wx_signoff_remove_refused";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(signoff_id, fn, "signoff_id"));
    return remove_refused_signoff(*core.replica, signoff_id);
  });
}

}  // extern "C"
