// ember-cost: command-line front end of ember's cost models. Dispatches the first
// argument to a subcommand from the table that cmd_*.cpp files register into.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace {
void usage(std::ostream& os) {
  auto cmds = ember::tools::command_table();
  std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  os << "usage: ember-cost <command> [options]    (ember-cost <command> --help for its options)\n\ncommands:\n";
  for (const auto& c : cmds) os << "  " << c.name << std::string(c.name.size() < 12 ? 12 - c.name.size() : 1, ' ') << c.summary << '\n';
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    usage(std::cout);
    return 0;
  }
  for (const auto& c : ember::tools::command_table()) {
    if (c.name != name) continue;
    const std::vector<std::string_view> args(argv + 2, argv + argc);
    try {
      return c.run(args, std::cout, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << "ember-cost " << name << ": " << e.what() << '\n';
      return 1;
    }
  }
  std::cerr << "ember-cost: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}
