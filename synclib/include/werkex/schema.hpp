// The schema: which entity types exist, their fields, each field's kind, merge rule and the
// roles that may write it.
//
// One versioned JSON file (synclib/schema/werkex-schema.json) is compiled into the library
// and the server, so both validate every change the same way. Validation messages name the
// field and say what was expected and what was given. A Schema is immutable after parsing
// and safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"
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
  std::vector<std::string> enum_values;        // for enum (or set of enum)
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

 private:
  int version_ = 0;
  std::vector<std::string> roles_;
  std::map<std::string, TypeSpec, std::less<>> types_;
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
