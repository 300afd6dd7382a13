// The access log's rows that wait for their store (access_log_buffer.hpp).
#include "access_log_buffer.hpp"

#include <cstdio>

#include "werkex/merge.hpp"  // json

namespace werkex::server {

Status AccessLogBuffer::add(AccessRead row, const Write& write) {
  const bool was_buffering = !rows_.empty();
  rows_.push_back(std::move(row));
  Status written = flush(write);
  if (written) {
    if (was_buffering)
      std::fprintf(stderr,
                   "{\"event\":\"access_log_recovered\",\"message\":\"the buffered access-log "
                   "rows are written to %s\"}\n",
                   where_.c_str());
    return Status::ok();
  }
  if (rows_.size() > max_) {
    rows_.pop_back();
    return make_error(WX_UNAVAILABLE, "the server cannot record this read in its access log (" +
                                          written.error().message +
                                          "), so it does not serve it; retry later");
  }
  if (!was_buffering)
    std::fprintf(stderr,
                 "{\"event\":\"access_log_unwritable\",\"message\":\"ACCESS LOG CANNOT BE "
                 "WRITTEN (%s): reads are recorded in memory until it can; free disk space "
                 "now\"}\n",
                 written.error().message.c_str());
  return Status::ok();
}

Status AccessLogBuffer::flush(const Write& write) {
  if (rows_.empty()) return Status::ok();
  WX_RETURN_IF_ERROR(write(rows_));
  rows_.clear();
  return Status::ok();
}

void AccessLogBuffer::flush_or_print(const Write& write) {
  if (flush(write)) return;
  for (const AccessRead& r : rows_)
    std::fprintf(stderr, "%s\n",
                 json({{"event", "access_log_unwritten"},
                       {"at_ms", r.at_ms},
                       {"person", r.person},
                       {"device", r.device},
                       {"bucket", r.bucket},
                       {"changes", r.changes},
                       {"blob", r.blob}})
                     .dump()
                     .c_str());
}

}  // namespace werkex::server
