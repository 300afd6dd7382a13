// Received bundles (apply): each change checked against the schema and the clock's bound,
// merged into its entity's rows and stored in one transaction; and restamp_ahead, which gives
// this replica's never-shared stamps from a clock that ran ahead fresh ones.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "dossier_rules.hpp"
#include "replica_impl.hpp"
#include "werkex/ids.hpp"

namespace werkex {

Result<ApplyReport> Replica::apply(const Bundle& bundle, const ApplyOptions& options) {
  Impl& impl = *impl_;
  ApplyReport report;
  report.received = bundle.changes.size();
  // Group by entity, keeping arrival order within each entity.
  // Bundles list an entity's changes together; a hash index keeps any stragglers with them.
  std::vector<std::pair<std::string_view, std::vector<const Change*>>> by_entity;
  std::unordered_map<std::string_view, size_t> group_of;
  group_of.reserve(bundle.changes.size() / 4 + 1);
  for (const Change& c : bundle.changes) {
    auto [it, fresh] = group_of.try_emplace(c.entity, by_entity.size());
    if (fresh) by_entity.emplace_back(c.entity, std::vector<const Change*>{});
    by_entity[it->second].second.push_back(&c);
  }

  std::vector<ChangeEvent> events;
  ReceiveContext cx{*impl.schema, impl.clock, impl.max_skew_ms, options.from_server};
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  for (auto& [id_view, changes] : by_entity) {
    const std::string& id = changes.front()->entity;
    WX_ASSIGN_OR_RETURN(auto found, impl.load_entity(id));
    WX_ASSIGN_OR_RETURN(ReceivedEntity received,
                        merge_received(cx, std::move(found), changes, report));
    if (!received.changed) continue;
    auto& [h, fields] = received.entity;
    const bool exactly_server_state = received.exactly_server_state;
    WX_RETURN_IF_ERROR(impl.store_entity(h, fields, Replica::Impl::StaleRows::drop_now,
                                         exactly_server_state
                                             ? Replica::Impl::Origin::server_state
                                             : Replica::Impl::Origin::here_or_merged));
    events.push_back({h.id, h.type, h.bucket, h.deleted});
  }
  if (bundle.from_replica != 0 && bundle.from_replica != impl.replica_id) {
    // The sender's whole state, all applied, with nothing missing before it: this replica
    // now reflects everything the sender did. (Sync bundles carry no claim: no extra read.)
    if (!bundle.knowledge.empty() && report.rejected.empty()) {
      WX_ASSIGN_OR_RETURN(uint64_t had, peer_seq(bundle.from_replica));
      if (bundle.since_seq <= had) WX_RETURN_IF_ERROR(impl.learn(bundle.knowledge));
    }
    WX_RETURN_IF_ERROR(impl.put_peer.bind(1, bundle.from_replica).bind(2, bundle.upto_seq).run());
  }
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify(events);
  return report;
}

Result<size_t> Replica::restamp_ahead(uint64_t since_seq, uint64_t limit_millis) {
  Impl& impl = *impl_;
  const uint64_t me = impl.replica_id;
  auto ahead = [&](const Stamp& s) { return s.replica == me && s.hlc.millis() > limit_millis; };
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(
      auto ids, sql::Stmt::prepare(
                    impl.db,
                    "SELECT DISTINCT e.id FROM changes c JOIN entities e ON e.rowid = c.entity "
                    "WHERE c.seq > ?1 AND c.from_server = 0"));
  ids.bind(1, since_seq);
  std::vector<std::pair<EntityHeader, EntityFields>> touched;
  std::vector<Stamp> old_stamps;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, ids.step());
    if (!row) break;
    std::string id(ids.text(0));
    WX_ASSIGN_OR_RETURN(auto h, impl.load_header(id));
    WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(id));
    bool any = false;
    auto note = [&](const Stamp& s) {
      if (!ahead(s)) return;
      old_stamps.push_back(s);
      any = true;
    };
    for (auto& [key, f] : fields) f.state.for_each_stamp(note);
    if (any && h) touched.emplace_back(std::move(*h), std::move(fields));
  }
  std::sort(old_stamps.begin(), old_stamps.end());
  old_stamps.erase(std::unique(old_stamps.begin(), old_stamps.end()), old_stamps.end());
  if (old_stamps.empty()) return size_t{0};

  // New stamps start above every stamp that stays (no one else's write may suddenly win).
  WX_ASSIGN_OR_RETURN(
      auto top,
      sql::Stmt::prepare(impl.db, "SELECT coalesce(max(hlc), 0) FROM changes WHERE hlc <= ?1"));
  top.bind(1, Hlc::from_parts(limit_millis, Hlc::kMaxCounter).value);
  WX_ASSIGN_OR_RETURN(bool has_top, top.step());
  impl.clock.reset_last(has_top ? Hlc{top.uint64(0)} : Hlc{});
  std::map<Stamp, Stamp> renamed;
  for (const Stamp& s : old_stamps) renamed[s] = Stamp{impl.clock.now(), me};
  auto map = [&](Stamp& s) {
    if (auto it = renamed.find(s); it != renamed.end()) s = it->second;
  };
  for (auto& [h, fields] : touched) {
    for (auto& [key, f] : fields) {
      FieldState before = f.state;
      f.state.for_each_stamp(map);
      f.state.sort_stamps();
      f.dirty = !(before == f.state);
    }
    WX_RETURN_IF_ERROR(impl.store_entity(h, fields));
  }
  WX_RETURN_IF_ERROR(tx.commit());
  return old_stamps.size();
}

}  // namespace werkex
