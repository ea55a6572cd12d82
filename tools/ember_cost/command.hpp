// ember-cost subcommands: each cmd_<name>.cpp registers itself in the table main.cpp
// dispatches from, so adding a command never edits main.cpp.
#pragma once

#include <ostream>
#include <span>
#include <string_view>
#include <vector>

namespace ember::tools {

/// A subcommand: `args` are the arguments after its name; returns the exit code.
using command_fn = int (*)(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

struct command {
  std::string_view name;     ///< as typed: `ember-cost <name> ...`
  std::string_view summary;  ///< one line for `ember-cost --help`
  command_fn run;
};

/// The table of subcommands (filled before main runs).
inline std::vector<command>& command_table() {
  static std::vector<command> table;
  return table;
}

struct command_registration {
  explicit command_registration(command c) { command_table().push_back(c); }
};

}  // namespace ember::tools

/// In cmd_<id>.cpp: EMBER_COST_COMMAND(pe_array, "pe-array", "one-line summary", run_fn)
#define EMBER_COST_COMMAND(id, name, summary, fn) \
  static const ::ember::tools::command_registration ember_cost_command_##id{::ember::tools::command{name, summary, fn}}
