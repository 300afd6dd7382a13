#include "werkex/schema.hpp"
#include "test_support.hpp"

using namespace werkex;

namespace {

std::shared_ptr<const Schema> builtin() {
  auto s = Schema::builtin();
  if (!s) FAIL(s.error().to_string());
  return *s;
}

std::string message_for(const Schema& schema, const std::string& type, const std::string& field,
                        const json& value) {
  const FieldSpec* f = schema.type(type)->field(field);
  REQUIRE(f != nullptr);
  Status s = schema.validate_value(*f, value);
  REQUIRE_FALSE(s);
  return s.error().message;
}

}  // namespace

TEST_CASE("schema: the built-in schema has every entity type of the domain", "[schema]") {
  auto schema = builtin();
  CHECK(schema->version() >= 1);
  for (const char* t :
       {"school", "group", "person", "company", "placement", "activity", "preparation",
        "experience", "reflection", "next_step", "contact", "comment", "signoff", "blob"})
    CHECK(schema->type(t) != nullptr);
  const FieldSpec* kind = schema->type("activity")->field("kind");
  REQUIRE(kind);
  for (const char* k :
       {"meeloopdag", "meeloopstage", "snuffelstage", "beroepsstage", "interview", "bedrijfsbezoek",
        "vakman_op_stap", "carrousel", "proefstuderen", "gastles", "thuis_hobby", "schoolopdracht"})
    CHECK(schema->validate_value(*kind, k));
  const FieldSpec* comp = schema->type("experience")->field("competencies");
  REQUIRE(comp);
  CHECK(comp->rule() == MergeRule::set);
  CHECK(comp->enum_values.size() == 5);
  CHECK(schema->type("reflection")->field("conversation_rules")->enum_values.size() == 8);
  CHECK(schema->type("signoff")->field("signature")->rule() == MergeRule::once);
}

// Issue 13 (conversation roles): a supervisor also records the reflection she held with the
// pupil; the server keeps her to her placement's experiences and her own reflections
// (push_check.cpp, tests/integration/cycle_roles_test.cpp).
TEST_CASE(
    "schema: roles follow the domain: supervisors write only comments, sign-offs and "
    "the reflections they hold",
    "[schema][access]") {
  auto schema = builtin();
  for (auto& [tname, t] : schema->types()) {
    for (auto& [fname, f] : t.fields) {
      bool supervisor = Schema::may_write(f, "supervisor");
      if (supervisor && tname != "comment" && tname != "signoff" && tname != "reflection")
        FAIL_CHECK(tname << "." << fname << " is writable by a supervisor");
      if (Schema::may_write(f, "manager"))
        FAIL_CHECK(tname << "." << fname << " is writable by a manager");
    }
  }
  // A pupil's phone stores sign-offs handed over by QR or typed with a PIN (store_write.cpp
  // limits what it may write); verified_at is the server's alone.
  CHECK(Schema::may_write(*schema->type("signoff")->field("signature"), "pupil"));
  CHECK_FALSE(Schema::may_write(*schema->type("signoff")->field("verified_at"), "pupil"));
  CHECK_FALSE(Schema::may_write(*schema->type("signoff")->field("revoked_at"), "pupil"));
  CHECK_FALSE(Schema::may_write(*schema->type("signing_key")->field("public_key"), "supervisor"));
  // Comments are a dialogue: a pupil answers on their own dossier (the bucket rules keep them
  // out of other dossiers); management reads aggregates and never comments.
  CHECK(Schema::may_write(*schema->type("comment")->field("body"), "pupil"));
  CHECK_FALSE(Schema::may_write(*schema->type("comment")->field("body"), "manager"));
  CHECK(Schema::may_write(*schema->type("experience")->field("note"), "pupil"));
}

TEST_CASE("schema: each kind of bad value gets a message naming field, expectation and value",
          "[schema][validation]") {
  auto schema = builtin();
  CHECK_THAT(message_for(*schema, "experience", "emotion", "happy"),
             Catch::Contains("field 'emotion'") && Catch::Contains("one of") &&
                 Catch::Contains("trots") && Catch::Contains("\"happy\""));
  CHECK_THAT(message_for(*schema, "experience", "note", 42), Catch::Contains("string"));
  CHECK_THAT(message_for(*schema, "experience", "occurred_at", "2026-02-30T10:00:00Z"),
             Catch::Contains("RFC 3339"));
  CHECK_THAT(message_for(*schema, "experience", "activity", "not-an-id"),
             Catch::Contains("entry id"));
  CHECK_THAT(message_for(*schema, "experience", "photos", "abc"), Catch::Contains("SHA-256"));
  CHECK_THAT(message_for(*schema, "activity", "chosen_by_pupil", "yes"),
             Catch::Contains("true or false"));
  CHECK_THAT(message_for(*schema, "placement", "start_date", "28-11-2026"),
             Catch::Contains("YYYY-MM-DD"));
  CHECK_THAT(message_for(*schema, "signoff", "hours", 25), Catch::Contains("<= 24"));
  const FieldSpec* note = schema->type("experience")->field("note");
  Status big = schema->validate_value(*note, std::string(note->max_length + 1, 'x'));
  CHECK(big.code() == WX_TOO_LARGE);
  const FieldSpec* title = schema->type("activity")->field("title");
  CHECK_THAT(message_for(*schema, "activity", "title", "two\nlines"),
             Catch::Contains("single line"));
  CHECK(schema->validate_value(*title, nullptr));  // null clears a register
}

TEST_CASE("schema: date and time formats are checked for real", "[schema][validation]") {
  CHECK(is_valid_date("2028-02-29"));
  CHECK_FALSE(is_valid_date("2026-02-29"));
  CHECK_FALSE(is_valid_date("2026-13-01"));
  CHECK_FALSE(is_valid_date("2026-1-01"));
  CHECK(is_valid_datetime("2026-11-28T14:09:59Z"));
  CHECK(is_valid_datetime("2026-11-28T14:09:59.123+01:00"));
  CHECK_FALSE(is_valid_datetime("2026-11-28 14:09:59Z"));
  CHECK_FALSE(is_valid_datetime("2026-11-28T25:09:59Z"));
  CHECK_FALSE(is_valid_datetime("2026-11-28T14:09:59"));
  CHECK(is_valid_sha256_hex(std::string(64, 'a')));
  CHECK_FALSE(is_valid_sha256_hex(std::string(63, 'a')));
  CHECK_FALSE(is_valid_sha256_hex(std::string(64, 'A')));
}

TEST_CASE("schema: a broken schema document is refused with the place of the mistake", "[schema]") {
  auto bad = Schema::parse(R"({"schema_version":1,"roles":["pupil"],"enums":{},
    "types":{"x":{"bucket":"pupil","write":["pupil"],"fields":{"a":{"kind":"ref","to":["nope"]}}}}})");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("unknown ref target 'nope'"));
  auto reserved = Schema::parse(R"({"schema_version":1,"roles":["pupil"],"enums":{},
    "types":{"x":{"bucket":"pupil","write":["pupil"],"fields":{"id":{"kind":"string"}}}}})");
  REQUIRE_FALSE(reserved);
  CHECK_THAT(reserved.error().message, Catch::Contains("reserved"));
  CHECK_FALSE(Schema::parse("not json"));
}
