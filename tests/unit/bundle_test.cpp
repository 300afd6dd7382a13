#include "werkex/bundle.hpp"
#include "test_support.hpp"

using namespace werkex;

namespace {

const char* kEntity = "0190a000-0000-7000-8000-0000000000aa";

Bundle sample() {
  Bundle b;
  b.from_replica = 0x1122334455667788ull;
  b.schema_version = 1;
  b.since_seq = 3;
  b.upto_seq = 9;
  Change note{kEntity, "experience", "pupil:p", "note", json(), lww_write("hallo", {Hlc{500}, 7})};
  // Replica 8's "hoi" was concurrent; the state had also seen replica 9 up to 300.
  note.state.lost = {LostWrite{"hoi", {Hlc{450}, 8}}};
  note.state.context = {{Hlc{500}, 7}, {Hlc{450}, 8}, {Hlc{300}, 9}};
  Change photo{kEntity, "experience", "pupil:p", "photos", std::string(64, 'a'), {}};
  photo.state.rule = MergeRule::set;
  photo.state.adds = {{Hlc{100}, 1}, {Hlc{200}, 2}};
  photo.state.removed = {{Hlc{100}, 1}};
  b.changes = {note, photo};
  return b;
}

std::string error_of(const std::string& text) {
  auto r = bundle_from_text(text);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_CORRUPT);
  return r.error().message;
}

}  // namespace

TEST_CASE("bundle: JSON round trip keeps every part of every state", "[bundle]") {
  Bundle b = sample();
  json j = bundle_to_json(b);
  CHECK(j["entities"].size() == 1);  // grouped by entity
  auto back = bundle_from_json(j);
  REQUIRE(back);
  CHECK(back->from_replica == b.from_replica);
  CHECK(back->since_seq == 3);
  CHECK(back->upto_seq == 9);
  REQUIRE(back->changes.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(back->changes[i].state == b.changes[i].state);
    CHECK(back->changes[i].element == b.changes[i].element);
    CHECK(back->changes[i].entity == kEntity);
  }
}

TEST_CASE("bundle: a lww state travels with its lost writes and the context beyond them",
          "[bundle]") {
  json f = bundle_to_json(sample())["entities"][0]["fields"][0];
  CHECK(f["l"] == json::parse(R"([{"v":"hoi","s":[450,8]}])"));
  CHECK(f["c"] == json::parse("[[300,9]]"));  // the siblings' own stamps are implied
  CHECK_FALSE(f.contains("b"));
}

TEST_CASE("bundle: malformed bundles are refused with the path of the bad part",
          "[bundle][validation]") {
  json good = bundle_to_json(sample());
  CHECK_THAT(error_of("{\"werkex\":\"bundle\""), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_of("[1,2]"), Catch::Contains("not a werkex bundle"));
  json j = good;
  j["v"] = 2;
  CHECK_THAT(error_of(j.dump()), Catch::Contains("unsupported bundle version"));
  j = good;
  j["entities"][0]["fields"][0]["s"] = "yesterday";
  CHECK_THAT(error_of(j.dump()),
             Catch::Contains("entities[0].fields[0].s") && Catch::Contains("[hlc, replica]"));
  j = good;
  j["entities"][0]["id"] = "../../etc/passwd";
  CHECK_THAT(error_of(j.dump()), Catch::Contains("entities[0].id"));
  j = good;
  j["entities"][0]["fields"][0]["surprise"] = 1;
  CHECK_THAT(error_of(j.dump()), Catch::Contains("unknown key 'surprise'"));
  j = good;
  j["entities"][0]["fields"][1]["k"] = "crdt9";
  CHECK_THAT(error_of(j.dump()), Catch::Contains("unknown merge rule"));
  j = good;
  j["entities"][0]["fields"][1]["r"] = json::array({json::array({999, 9})});
  CHECK_THAT(error_of(j.dump()), Catch::Contains("removes an add the element does not have"));
  j = good;
  j["entities"][0]["fields"][0]["c"] = json::array({json::array({900, 9})});
  CHECK_THAT(error_of(j.dump()), Catch::Contains("not below the winning write"));
  j = good;
  j["entities"][0]["fields"][0]["c"] = json::array({json::array({100, 8})});
  CHECK_THAT(error_of(j.dump()), Catch::Contains("names a replica that has a write"));
  j = good;
  j["entities"][0]["fields"][0]["l"].push_back({{"v", "again"}, {"s", json::array({460, 8})}});
  CHECK_THAT(error_of(j.dump()), Catch::Contains("two writes of one replica"));
  j = good;
  j["entities"][0]["fields"][0]["l"][0]["s"] = json::array({600, 8});
  CHECK_THAT(error_of(j.dump()), Catch::Contains("not below the winning write"));
  j = good;
  j["from"] = "zz";
  CHECK_THAT(error_of(j.dump()), Catch::Contains("from"));
  j = good;
  j["upto"] = 1;
  CHECK_THAT(error_of(j.dump()), Catch::Contains("smaller than since"));
  std::string invalid_utf8 = good.dump();
  invalid_utf8.replace(invalid_utf8.find("hallo"), 5, "ha\xff\xfelo");
  CHECK_THAT(error_of(invalid_utf8), Catch::Contains("not valid JSON"));
}
