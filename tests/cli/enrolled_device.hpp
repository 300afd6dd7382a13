// CLI devices enrolled with the real werkex-server, and what the journey tests ask of them.
#pragma once

#include <catch2/catch.hpp>

#include "process.hpp"
#include "server_process.hpp"

namespace werkex::test {

// A device enrolled as `who`; `user` (if given) gets the person id the server names.
inline Device enrolled(const std::string& db, const ServerProcess& server, const std::string& who,
                       std::string* user = nullptr) {
  Device d(db);
  d.ok({"init", "--server", server.url()});
  nlohmann::json me = d.ok_json({"enroll", server.code(who)});
  if (user) *user = me["user"];
  return d;
}

// The to-do item of `kind` about `entity`, or null.
inline nlohmann::json todo_item(const nlohmann::json& todo, const std::string& kind,
                                const std::string& entity) {
  for (const nlohmann::json& i : todo)
    if (i["kind"] == kind && i["entity"] == entity) return i;
  return nlohmann::json();
}

// A sync that the server refused nothing of.
inline void synced(const Device& d) {
  CHECK(d.ok_json({"sync"})["rejected"] == nlohmann::json::array());
}

}  // namespace werkex::test
