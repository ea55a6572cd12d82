// Standalone driver for `ember-cost epiphany` until the subcommand is wired into the
// ember-cost CLI (then this file goes away).
#include "../cmd_epiphany.hpp"

int main(int argc, char** argv) { return cmd_epiphany(argc, argv); }
