// The schema: which entity types exist, their fields, each field's kind, merge rule and the
// roles that may write it.
//
// One versioned JSON file (synclib/schema/werkex-schema.json) is compiled into the library
// and the server, so both validate every change the same way. Validation messages name the
// field and say what was expected and what was given. Every enum value has a Dutch and an
// English label in the schema ("enum_labels"; parse refuses a schema where one is missing),
// which apps show as choices and which local writes accept in place of the value's id. A
// Schema is immutable after parsing and safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/labels.hpp"
#include "werkex/merge.hpp"

namespace werkex {

enum class FieldKind {
  string,
  text,
  integer,
  number,
  boolean,
  date,
  datetime,
  enumeration,
  ref,
  blob,
  set
};

const char* field_kind_name(FieldKind kind);

// Names the data model reserves on every entity document; no schema field may use them.
bool is_reserved_field_name(std::string_view name);

enum class BucketKind { pupil, school };

struct FieldSpec {
  std::string name;
  FieldKind kind = FieldKind::string;
  FieldKind element_kind = FieldKind::string;  // for sets
  std::string enum_name;                       // for enum (or set of enum): the schema's enum
  std::vector<std::string> enum_values;        // ... and its values
  std::vector<std::string> ref_types;          // for ref (or set of ref); empty: any type
  bool same_bucket = false;
  bool required = false;
  bool immutable = false;
  std::vector<std::string> write_roles;
  size_t max_length = 0;  // 0: no limit beyond the global one
  std::optional<double> min, max;
  // A bool field of the same type that must be true while this field holds a value (a
  // contact's phone and e-mail only with the contact's consent); "" for none.
  std::string only_with;

  MergeRule rule() const {
    if (kind == FieldKind::set) return MergeRule::set;
    return immutable ? MergeRule::once : MergeRule::lww;
  }
  // The kind a single value has: the element kind for sets, the field kind otherwise.
  FieldKind value_kind() const { return kind == FieldKind::set ? element_kind : kind; }
};

struct TypeSpec {
  std::string name;
  BucketKind bucket = BucketKind::pupil;
  std::vector<std::string> write_roles;
  std::map<std::string, FieldSpec, std::less<>> fields;

  const FieldSpec* field(std::string_view name) const;
};

class Schema {
 public:
  // Parses and checks a schema document: every enum and ref target it names must exist.
  static Result<std::shared_ptr<const Schema>> parse(std::string_view json_text);
  // The schema compiled into this build.
  static Result<std::shared_ptr<const Schema>> builtin();
  static std::string_view builtin_text();

  int version() const { return version_; }
  const TypeSpec* type(std::string_view name) const;
  const std::map<std::string, TypeSpec, std::less<>>& types() const { return types_; }
  const std::vector<std::string>& roles() const { return roles_; }
  bool is_role(std::string_view role) const;

  // Checks one value (a scalar, or one element of a set) against the field's value kind.
  // null is accepted for non-set fields (it clears them). The message names the field.
  Status validate_value(const FieldSpec& field, const json& value) const;
  static bool may_write(const FieldSpec& field, std::string_view role);

  // The label of an enum value ("geërgerd" for emotion "geergerd"); the value itself when
  // the enum or value is unknown.
  std::string enum_label(std::string_view enum_name, std::string_view value, Language lang) const;
  // The value whose id, or Dutch or English label (ASCII letters in any case), is `text`.
  std::optional<std::string> enum_value_for(std::string_view enum_name,
                                            std::string_view text) const;
  // A value as a person typed it, with every enum label in it replaced by the value's id:
  // a string, an array of them, or a set edit {"add": [...], "remove": [...]}. Anything that
  // is not a known label is left alone, for validation to name.
  json with_enum_ids(const FieldSpec& field, const json& value) const;
  // {"emotion": {"geergerd": {"nl": "geërgerd", "en": "annoyed"}, ...}, ...}: every enum's
  // labels, with the conversation rules' and competencies' Dutch texts.
  const json& enum_labels() const { return enum_labels_; }
  // The labels of one enum ({"geergerd": {"nl": ..., "en": ...}, ...}), or of all of them
  // for ""; an unknown name is WX_NOT_FOUND listing the enums there are.
  Result<json> enum_labels_of(std::string_view enum_name) const;

 private:
  int version_ = 0;
  std::vector<std::string> roles_;
  std::map<std::string, TypeSpec, std::less<>> types_;
  json enum_labels_ = json::object();
};

// Value-format checks shared with the server and tools.
bool is_valid_date(std::string_view s);      // YYYY-MM-DD, a real calendar date
bool is_valid_datetime(std::string_view s);  // RFC 3339, e.g. 2026-11-28T14:09:59Z
bool is_valid_sha256_hex(std::string_view s);
bool is_valid_utf8(std::string_view s);

// Checks, without recursion, that a JSON value built in memory is safe to store and copy:
// every string (and object key) is valid UTF-8, every number finite (JSON text has no NaN
// or infinity; nlohmann prints them as null, so they would not survive storage), and nesting
// is at most `max_depth` deep. Depth protects recursive copies.
inline constexpr size_t kMaxJsonDepth = 32;
Status check_json_value(const json& value, size_t max_depth = kMaxJsonDepth);

}  // namespace werkex
