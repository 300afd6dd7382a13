// The message catalogue and the Dutch labels (messages.hpp, labels.hpp, Schema::enum_labels):
// every message exists in both languages with the same placeholders, errors people meet in
// the dossier read as sentences in Dutch, and a choice can be written by its Dutch label.
#include <regex>
#include <set>

#include "test_support.hpp"
#include "werkex/messages.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

std::set<std::string> placeholders(std::string_view text) {
  std::set<std::string> out;
  static const std::regex ph(R"(\{([a-z_:]+)\})");
  std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), ph); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1].str().substr((*it)[1].str().find(':') + 1));  // the argument, not filter
  return out;
}

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

struct Pupil {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> replica =
      test::open_replica(dir.file("pupil.db"), clock, test::pupil_identity());
};

}  // namespace

TEST_CASE("messages: every key has English and Dutch with the same arguments", "[messages]") {
  std::set<std::string> keys;
  for (Msg m : all_messages()) {
    const std::string key = message_key(m);
    CHECK(keys.insert(key).second);
    CHECK(message_from_key(key) == m);
    // The texts, rendered with no arguments, show their placeholders: compare those.
    std::string en = render_message(m, {}, Language::en);
    std::string nl = render_message(m, {}, Language::nl);
    INFO(key << "\n  en: " << en << "\n  nl: " << nl);
    CHECK_FALSE(en.empty());
    CHECK_FALSE(nl.empty());
    CHECK(placeholders(en) == placeholders(nl));
  }
  CHECK_FALSE(message_from_key("no_such_message").has_value());
}

TEST_CASE("messages: a role and a type read as words, with the right article", "[messages]") {
  MessageArgs args = {{"role", "supervisor"}, {"type", "experience"}};
  CHECK(render_message(Msg::role_may_not_write_type, args, Language::en) ==
        "a supervisor may not write an experience");
  CHECK(render_message(Msg::role_may_not_write_type, args, Language::nl) ==
        "een praktijkbegeleider mag geen ervaring schrijven");
  args = {{"role", "admin"}, {"type", "comment"}};
  CHECK(render_message(Msg::role_may_not_delete, args, Language::en) ==
        "an admin may not delete a comment");
  CHECK(new_type_phrase("contact", Language::nl) == "het nieuwe netwerkcontact");
  CHECK(new_type_phrase("activity", Language::nl) == "de nieuwe activiteit");
}

TEST_CASE("messages: a missing argument stays visible, a self-naming message ends", "[messages]") {
  CHECK(render_message(Msg::entity_not_found, {}, Language::en) ==
        "there is no entry with id '{id}'");
  Error loop = error_of(WX_INVALID_ARGUMENT, Msg::value_invalid,
                        {{"field", "kind"}, {"expected", "value_invalid"}, {"got", "1"}});
  CHECK(loop.message.size() < 300);
}

TEST_CASE("messages: an error outside the catalogue still has a key and Dutch", "[messages]") {
  Error io = make_error(WX_IO, "disk full");
  CHECK(error_key(io) == "io");
  CHECK(localized_message(io, Language::en) == "disk full");
  CHECK(localized_message(io, Language::nl) == "De opslag gaf een fout (disk full)");
  // A key from a newer server this build does not know: the code's sentence, not nothing.
  Error unknown(WX_PERMISSION_DENIED, "server: something new", "something_new");
  CHECK(localized_message(unknown, Language::nl) == "Dat mag je niet (server: something new)");
}

TEST_CASE("messages: languages from tags, locales and Accept-Language", "[messages]") {
  CHECK(language_from_tag("nl", Language::en) == Language::nl);
  CHECK(language_from_tag("nl_NL.UTF-8", Language::en) == Language::nl);
  CHECK(language_from_tag("NL-be", Language::en) == Language::nl);
  CHECK(language_from_tag("fr-FR,nl;q=0.8,en;q=0.5", Language::en) == Language::nl);
  CHECK(language_from_tag("en-GB,nl;q=0.8", Language::nl) == Language::en);
  CHECK(language_from_tag("C.UTF-8", Language::en) == Language::en);
  CHECK(language_from_tag("nld", Language::en) == Language::en);  // not "nl"
  CHECK(language_from_tag("", Language::nl) == Language::nl);
}

TEST_CASE_METHOD(Pupil, "messages: an error about a new entry names no id the pupil never saw",
                 "[messages]") {
  auto r = replica->put({{"type", "activity"}, {"title", "Bij de bakker"}});
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.error().key == "field_required");
  CHECK(r.error().message == "the new activity: field 'kind' is required");
  CHECK(localized_message(r.error(), Language::nl) ==
        "de nieuwe activiteit: het veld 'Soort' is verplicht");
  CHECK_FALSE(std::regex_search(r.error().message, kUuid));

  r = replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-28T10:00:00Z"}, {"emotion", "hongerig"}});
  REQUIRE_FALSE(r.is_ok());
  CHECK_FALSE(std::regex_search(r.error().message, kUuid));
  const std::string nl = localized_message(r.error(), Language::nl);
  CHECK(nl.find("de nieuwe ervaring: veld 'Emotie': verwacht een van: trots, blij") == 0);
  CHECK(nl.find("geërgerd") != std::string::npos);  // the label a pupil types, not "geergerd"

  // An entry that exists is named by its id: the person has seen it.
  std::string e =
      expect_ok(replica->put({{"type", "experience"}, {"occurred_at", "2026-11-28T10:00:00Z"}}));
  auto bad = replica->put({{"id", e}, {"emotion", "hongerig"}});
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.error().message.find("experience " + e + ": field 'emotion'") == 0);
}

TEST_CASE_METHOD(Pupil, "labels: a choice is written by its Dutch or English label", "[labels]") {
  std::string e = expect_ok(replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-28T10:00:00Z"}, {"emotion", "geërgerd"}}));
  CHECK(expect_ok(replica->get(e))["emotion"] == "geergerd");
  expect_ok(replica->put({{"id", e}, {"emotion", "Annoyed"}}));
  CHECK(expect_ok(replica->get(e))["emotion"] == "geergerd");
  std::string a = expect_ok(replica->put({{"type", "activity"}, {"kind", "Vakman op stap"}}));
  std::string p = expect_ok(replica->put(
      {{"type", "preparation"}, {"activity", a}, {"learning_verbs", {"laten zien", "oefenen"}}}));
  CHECK(expect_ok(replica->get(p))["learning_verbs"] == json({"laten_zien", "oefenen"}));
  expect_ok(replica->put({{"id", p}, {"learning_verbs", {{"remove", {"Laten zien"}}}}}));
  CHECK(expect_ok(replica->get(p))["learning_verbs"] == json({"oefenen"}));
  CHECK(expect_ok(replica->get(a))["kind"] == "vakman_op_stap");
}

TEST_CASE("labels: every enum value has Dutch and English, and the rules their text", "[labels]") {
  auto schema = expect_ok(Schema::builtin());
  for (auto& [type_name, type] : schema->types())
    for (auto& [field_name, field] : type.fields)
      for (const std::string& v : field.enum_values) {
        INFO(type_name << "." << field_name << " = " << v);
        CHECK_FALSE(schema->enum_label(field.enum_name, v, Language::nl).empty());
        CHECK(schema->enum_value_for(field.enum_name, v) == v);
      }
  CHECK(schema->enum_label("emotion", "geergerd", Language::nl) == "geërgerd");
  CHECK(schema->enum_label("learning_verb", "laten_zien", Language::nl) == "laten zien");
  json rules = expect_ok(schema->enum_labels_of("conversation_rule"));
  REQUIRE(rules.size() == 8);
  CHECK(rules["ruimte_geven"]["rule_nl"].get<std::string>().find("Geef ruimte") == 0);
  CHECK(rules["netwerken"]["explanation_nl"].get<std::string>().find("netwerk") !=
        std::string::npos);
  auto unknown = schema->enum_labels_of("feelings");
  REQUIRE_FALSE(unknown.is_ok());
  CHECK(unknown.error().code == WX_NOT_FOUND);
  CHECK(unknown.error().message.find("emotion") != std::string::npos);
}

TEST_CASE("labels: a schema with an enum value without labels is refused", "[labels]") {
  json doc = json::parse(Schema::builtin_text());
  doc["enum_labels"]["emotion"].erase("geergerd");
  auto parsed = Schema::parse(doc.dump());
  REQUIRE_FALSE(parsed.is_ok());
  CHECK(parsed.error().message.find("emotion") != std::string::npos);
  doc = json::parse(Schema::builtin_text());
  doc["enum_labels"]["emotion"]["blij"]["nl"] = "trots";  // two values, one word
  CHECK_FALSE(Schema::parse(doc.dump()).is_ok());
  doc = json::parse(Schema::builtin_text());
  doc["enum_labels"]["emotion"]["woedend"] = {{"nl", "woedend"}, {"en", "furious"}};  // not a value
  CHECK_FALSE(Schema::parse(doc.dump()).is_ok());
}
