// A hand-made pull, as a modified app would send it: POST /v1/sync for one bucket from 0,
// without a view digest, with the device's own token. The attacker-side tests check that
// what the server answers is all the device may see.
#pragma once

#include "blob_client.hpp"
#include "werkex/protocol.hpp"

namespace werkex::test {

inline protocol::SyncResponse raw_pull_response(const ServerProcess& server, const Device& d,
                                                const std::string& bucket) {
  protocol::SyncRequest req;
  req.replica = d.replica->replica_id();
  req.schema_version = d.replica->schema().version();
  req.cursors[bucket] = 0;
  req.push.from_replica = req.replica;
  CurlTransport t(quick_curl());
  HttpRequest http{
      "POST",
      server.url() + "/v1/sync",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_of(d)}},
      protocol::to_json(req).dump()};
  HttpResponse r = expect_ok(t.send(http));
  REQUIRE(r.status == 200);
  return expect_ok(protocol::sync_response_from_json(json::parse(r.body)));
}

inline std::vector<Change> raw_pull_changes(const ServerProcess& server, const Device& d,
                                            const std::string& bucket) {
  protocol::SyncResponse resp = raw_pull_response(server, d, bucket);
  auto it = resp.buckets.find(bucket);
  return it == resp.buckets.end() ? std::vector<Change>{} : it->second.changes.changes;
}

}  // namespace werkex::test
