// Internal to the schema: the check that every enum value has its labels (schema_labels.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex {

// Every value of every enum has a non-empty "nl" and "en" label, no label of another enum
// value, and no table lists a value its enum does not have.
Status check_enum_labels(const std::map<std::string, std::vector<std::string>>& enums,
                         const json& labels);

}  // namespace werkex
