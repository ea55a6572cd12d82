// `ember-cost pe-array`: the spatial PE-array model (Naous et al.) on block-diagonal fully
// connected layers; argv[0] is the subcommand (or program) name and is ignored.
#pragma once

#include <iosfwd>

int cmd_pe_array(int argc, char** argv, std::ostream& out, std::ostream& err);
