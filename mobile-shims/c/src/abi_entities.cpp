// The C ABI over the replica's entities: write, read, query, the quarantine, bundles by
// hand, and change observers.
#include "abi_internal.hpp"
#include "json_args.hpp"
#include "werkex/bundle.hpp"
#include "werkex/device.hpp"
#include "werkex/ids.hpp"
#include "werkex/wire_format.hpp"

using namespace werkex;
using namespace werkex::abi;

namespace {

// A field or type the schema does not know is refused (device.hpp), named with the function.
Status named(const char* function, Status status) {
  if (status) return status;
  Error e = status.error();  // keeps its key, so the Dutch text is still rendered from it
  e.message = std::string(function) + ": " + e.message;
  return e;
}

Result<Query> checked_query(ReplicaCore& core, const char* query_json, const char* function) {
  WX_ASSIGN_OR_RETURN(Query q, parse_query(query_json, std::string(function) + ": query"));
  const Schema& schema = core.replica->schema();
  WX_RETURN_IF_ERROR(named(function, check_query_field(schema, q.type, q.field)));
  WX_RETURN_IF_ERROR(named(function, check_query_field(schema, q.type, q.order_by)));
  return q;
}

}  // namespace

// An observer's callback and context, shared by the handle and the function registered with
// the replica, so that either may go first.
struct ObserverState {
  wx_observer_fn fn = nullptr;
  CallbackContext context;
  bool active = true;  // cleared on release, under the replica's lock
};

struct wx_observer {
  uint32_t magic = kObserverMagic;
  std::weak_ptr<ReplicaCore> core;
  uint64_t token = 0;
  std::shared_ptr<ObserverState> state;
};

extern "C" {

wx_buffer* wx_replica_put(wx_replica* replica, const char* entity_json, wx_error* out_error) {
  const char* fn = "wx_replica_put";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(json doc, parse_json(entity_json, std::string(fn) + ": entity"));
    if (!doc.is_object())
      return make_error(
          WX_INVALID_ARGUMENT,
          std::string(fn) + ": expected an entity as a JSON object, got " + doc.type_name());
    return core.replica->put(doc);
  });
}

wx_buffer* wx_replica_get(wx_replica* replica, const char* id, wx_error* out_error) {
  const char* fn = "wx_replica_get";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(id, fn, "id"));
    WX_ASSIGN_OR_RETURN(json doc, core.replica->get(id));
    return doc.dump();
  });
}

bool wx_replica_delete(wx_replica* replica, const char* id, wx_error* out_error) {
  const char* fn = "wx_replica_delete";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(id, fn, "id"));
    return core.replica->remove(id);
  });
}

bool wx_replica_restore_lost(wx_replica* replica, const char* id, const char* field,
                             wx_error* out_error) {
  const char* fn = "wx_replica_restore_lost";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(id, fn, "id"));
    WX_RETURN_IF_ERROR(require(field, fn, "field"));
    return core.replica->restore_lost(id, field).status();
  });
}

wx_buffer* wx_replica_list(wx_replica* replica, const char* query_json, wx_error* out_error) {
  const char* fn = "wx_replica_list";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(Query q, checked_query(core, query_json, fn));
    // Streamed straight into the result text: a long list is never held twice as documents.
    std::string out = "[";
    bool any = false;
    WX_RETURN_IF_ERROR(core.replica->scan(q, [&](std::string_view doc) {
      if (any) out += ',';
      out += doc;
      any = true;
      return true;
    }));
    WX_RETURN_IF_ERROR(named(fn, check_listed_type(core.replica->schema(), q.type, any)));
    out += ']';
    return out;
  });
}

bool wx_replica_count(wx_replica* replica, const char* query_json, uint64_t* out_count,
                      wx_error* out_error) {
  const char* fn = "wx_replica_count";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(out_count, fn, "out_count"));
    WX_ASSIGN_OR_RETURN(Query q, checked_query(core, query_json, fn));
    WX_ASSIGN_OR_RETURN(size_t n, core.replica->count(q));
    WX_RETURN_IF_ERROR(named(fn, check_listed_type(core.replica->schema(), q.type, n > 0)));
    *out_count = n;
    return Status::ok();
  });
}

wx_buffer* wx_replica_dump(wx_replica* replica, wx_error* out_error) {
  return text_call(replica, out_error, "wx_replica_dump",
                   [](ReplicaCore& core) { return core.replica->dump(); });
}

wx_buffer* wx_replica_labels(wx_replica* replica, const char* enum_name, wx_error* out_error) {
  return text_call(
      replica, out_error, "wx_replica_labels", [&](ReplicaCore& core) -> Result<std::string> {
        WX_ASSIGN_OR_RETURN(json labels,
                            core.replica->schema().enum_labels_of(enum_name ? enum_name : ""));
        return labels.dump();
      });
}

wx_buffer* wx_replica_quarantine(wx_replica* replica, wx_error* out_error) {
  return text_call(replica, out_error, "wx_replica_quarantine",
                   [](ReplicaCore& core) -> Result<std::string> {
                     WX_ASSIGN_OR_RETURN(auto entries, core.replica->quarantined());
                     json out = json::array();
                     for (const QuarantinedChange& q : entries) {
                       json shown = q.to_json();  // renders the Dutch text once
                       out.push_back({{"entity", q.entity},
                                      {"field", q.field},
                                      {"code", q.code},
                                      {"message", q.message},
                                      {"at", q.at},
                                      {"key", shown["key"]},
                                      {"message_nl", shown["message_nl"]}});
                     }
                     return out.dump();
                   });
}

bool wx_replica_clear_quarantine(wx_replica* replica, wx_error* out_error) {
  return status_call(replica, out_error, "wx_replica_clear_quarantine",
                     [](ReplicaCore& core) { return core.replica->clear_quarantine(); });
}

wx_buffer* wx_replica_export(wx_replica* replica, uint64_t since_seq, uint64_t limit,
                             wx_error* out_error) {
  return text_call(
      replica, out_error, "wx_replica_export", [&](ReplicaCore& core) -> Result<std::string> {
        WX_ASSIGN_OR_RETURN(Bundle bundle,
                            core.replica->changes_since(since_seq, static_cast<size_t>(limit)));
        return bundle_to_json(bundle).dump();
      });
}

wx_buffer* wx_replica_import(wx_replica* replica, const char* bundle_json, wx_error* out_error) {
  const char* fn = "wx_replica_import";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(bundle_json, fn, "bundle_json"));
    // A bundle is another device's data: damage is WX_CORRUPT, and changes nothing.
    Result<json> doc = decode_body(bundle_json, WireFormat::json);
    if (!doc) return make_error(WX_CORRUPT, std::string(fn) + ": " + doc.error().message);
    Result<Bundle> bundle = make_error(WX_INTERNAL, "unreachable");
    try {
      bundle = bundle_from_json(*doc);
    } catch (const json::exception& e) {
      bundle = make_error(WX_CORRUPT, std::string("bundle: unexpected shape (") + e.what() + ")");
    }
    if (!bundle) return make_error(WX_CORRUPT, std::string(fn) + ": " + bundle.error().message);
    WX_ASSIGN_OR_RETURN(ApplyReport report, core.replica->apply(*bundle));
    json out = {{"from", replica_to_hex(bundle->from_replica)}, {"upto", bundle->upto_seq}};
    out.update(report.to_json());
    return out.dump();
  });
}

wx_observer* wx_replica_observe(wx_replica* replica, const char* query_json, wx_observer_fn fn,
                                void* ctx, wx_free_fn free_ctx, wx_error* out_error) {
  const char* name = "wx_replica_observe";
  auto state = std::make_shared<ObserverState>();
  state->fn = fn;
  state->context = {ctx, free_ctx};
  wx_observer* handle = nullptr;
  bool ok = status_call(replica, out_error, name, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(reinterpret_cast<const void*>(fn), name, "fn"));
    WX_ASSIGN_OR_RETURN(ObjectArgs args,
                        ObjectArgs::parse(query_json, std::string(name) + ": query", true));
    Query q;
    WX_RETURN_IF_ERROR(args.take("type", q.type));
    WX_RETURN_IF_ERROR(args.take("bucket", q.bucket));
    WX_RETURN_IF_ERROR(args.finish({"type", "bucket"}));
    auto observer = std::make_unique<wx_observer>();
    observer->core = replica->core;
    observer->state = state;
    observer->token = core.replica->add_observer(q, [state](
                                                        const std::vector<ChangeEvent>& events) {
      if (!state->active) return;
      json changes = json::array();
      for (const ChangeEvent& e : events)
        changes.push_back(
            {{"entity", e.entity}, {"type", e.type}, {"bucket", e.bucket}, {"deleted", e.deleted}});
      std::string text = changes.dump();
      state->fn(state->context.ctx, text.c_str(), text.size());
    });
    handle = observer.release();
    return Status::ok();
  });
  if (!ok) state->context.free();  // the context was handed over: it goes even on failure
  return handle;
}

void wx_observer_release(wx_observer* observer) {
  if (!observer || observer->magic != kObserverMagic) return;
  if (auto core = observer->core.lock()) {
    std::lock_guard<ReentrantLock> hold(core->lock);
    observer->state->active = false;
    if (core->replica) core->replica->remove_observer(observer->token);
  }
  observer->state->active = false;
  observer->state->context.free();
  observer->magic = 0;
  delete observer;
}

}  // extern "C"
