// `ember-cost epiphany`: the streaming-tiles Epiphany mapping of AlexNet's or GoogLeNet's conv
// stack, as a table or CSV. argv[0] is the subcommand (or program) name and is ignored.
#pragma once

#include <iosfwd>

int cmd_epiphany(int argc, char** argv);
int cmd_epiphany(int argc, char** argv, std::ostream& out, std::ostream& err);
