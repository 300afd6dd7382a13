// App::write_as (app.hpp): the one way the staff dashboard writes dossiers.
#include "app.hpp"

namespace werkex::server {

Status App::write_as(const Identity& identity, const std::function<Status(Replica&)>& body) {
  int64_t written;
  {
    std::lock_guard lock(mu_);
    const Identity server = dossiers_->identity();
    Status s = dossiers_->write_together([&]() -> Status {
      WX_RETURN_IF_ERROR(dossiers_->set_identity(identity));
      WX_RETURN_IF_ERROR(body(*dossiers_));
      return dossiers_->set_identity(server);
    });
    if (!s) {
      // Rolled back, the identity with it; set again in case the store kept it in memory.
      (void)dossiers_->set_identity(server);
      return s;
    }
    written = commits_->mark();
  }
  if (Status s = commits_->wait_durable(written); !s) {
    metrics_.add("werkex_durability_failures_total", "");
    return make_error(WX_IO, "the server could not make the write durable; send it again");
  }
  return Status::ok();
}

}  // namespace werkex::server
