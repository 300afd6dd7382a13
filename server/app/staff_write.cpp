// App::write_as (app.hpp): the one way the staff dashboard writes dossiers.
#include "app.hpp"

namespace werkex::server {

Status App::write_as(const Identity& identity, const std::function<Status(StaffWriter&)>& body) {
  int64_t written;
  {
    std::lock_guard lock(mu_);
    StaffWriter writer(*store_, identity);
    WX_RETURN_IF_ERROR(store_->together([&] { return body(writer); }));
    written = commits_->mark();
  }
  if (Status s = commits_->wait_durable(written); !s) {
    metrics_.add("werkex_durability_failures_total", "");
    return make_error(WX_IO, "the server could not make the write durable; send it again");
  }
  return Status::ok();
}

}  // namespace werkex::server
