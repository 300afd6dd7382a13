// Stale change rows: a `changes` row whose seq no field of its entity carries any more.
//
// store_entity() gives an entity's changed fields a new seq; the seq they carried before is
// then often carried by nothing. Deleting that row at once cost every single-field write two
// more pages in the write-ahead log (the old row and its index entry lie far from the new
// ones), about as much as the write itself. changes_since() skips such a row anyway (it emits
// only the fields that carry the row's seq), so a stale row is only space: put() notes them
// and they are dropped together, in a write transaction, once kStaleBatch are waiting and
// when the replica closes. (Batches such as apply() delete theirs at once: their pages are
// written once per transaction anyway, and a check here would cost a decode per entity.)
//
// A noted seq is checked against its entity before its row goes: the write that noted it may
// have been rolled back (then the seq is still carried). Rows noted by a process that ended
// before its batch are found by a sweep that every batch continues a little further through
// the table (meta "stale_sweep"), so they cannot pile up.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "replica_impl.hpp"
#include "state_codec.hpp"

namespace werkex {

namespace {

constexpr const char* kSweepCursor = "stale_sweep";

// The seqs an entity's fields carry, by entity rowid, read once per batch.
class CarriedSeqs {
 public:
  explicit CarriedSeqs(Replica::Impl& impl) : impl_(impl) {}

  // Whether `seq` (whose row names entity `rowid`) is still carried by a field.
  Result<bool> carried(uint64_t seq, int64_t rowid) {
    auto it = by_entity_.find(rowid);
    if (it == by_entity_.end()) {
      WX_ASSIGN_OR_RETURN(auto seqs, load(rowid));
      it = by_entity_.emplace(rowid, std::move(seqs)).first;
    }
    return it->second.count(seq) != 0;
  }

 private:
  Result<std::unordered_set<uint64_t>> load(int64_t rowid) {
    sql::Stmt& st = impl_.get_state_by_rowid;
    st.bind(1, rowid);
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    std::unordered_set<uint64_t> out;
    if (row) {  // an entity gone (purged) carries nothing
      auto fields = decode_state(st.blob(1), std::string(st.text(0)));
      st.reset();
      if (!fields) return fields.error();
      for (auto& [key, f] : *fields) out.insert(f.seq);
      return out;
    }
    st.reset();
    return out;
  }

  Replica::Impl& impl_;
  std::unordered_map<int64_t, std::unordered_set<uint64_t>> by_entity_;
};

}  // namespace

Status Replica::Impl::note_stale(const std::vector<uint64_t>& seqs) {
  stale_changes.insert(stale_changes.end(), seqs.begin(), seqs.end());
  if (stale_changes.size() < kStaleBatch) return Status::ok();
  return drop_stale_changes();
}

// The next rows of the sweep, from where the last batch stopped (wrapping at the end).
Result<std::vector<uint64_t>> Replica::Impl::sweep_next() {
  WX_ASSIGN_OR_RETURN(auto at, meta(kSweepCursor));
  const uint64_t from = at ? std::strtoull(at->c_str(), nullptr, 10) : 0;
  sql::Stmt& st = sweep_changes;
  st.bind(1, from).bind(2, static_cast<int64_t>(kStaleSweep));
  std::vector<uint64_t> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(st.uint64(0));
  }
  st.reset();
  const uint64_t next = out.size() < kStaleSweep ? 0 : out.back();
  WX_RETURN_IF_ERROR(set_meta(kSweepCursor, std::to_string(next)));
  return out;
}

Status Replica::Impl::drop_stale_changes() {
  std::vector<uint64_t> seqs;
  seqs.swap(stale_changes);
  WX_ASSIGN_OR_RETURN(auto swept, sweep_next());
  seqs.insert(seqs.end(), swept.begin(), swept.end());
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  CarriedSeqs carried(*this);
  for (uint64_t q : seqs) {
    get_change_entity.bind(1, q);
    WX_ASSIGN_OR_RETURN(bool row, get_change_entity.step());
    const int64_t rowid = row ? get_change_entity.int64(0) : 0;
    get_change_entity.reset();
    if (!row) continue;  // already gone
    WX_ASSIGN_OR_RETURN(bool kept, carried.carried(q, rowid));
    if (!kept) WX_RETURN_IF_ERROR(delete_change.bind(1, q).run());
  }
  return Status::ok();
}

}  // namespace werkex
