// `ember-cost dse`: the ModelFlex design-space sweep (bits x circulant block x delta density of
// an LSTM on a BitFusion systolic array) as a table or CSV. argv[0] is ignored.
#pragma once

#include <iosfwd>

int cmd_dse(int argc, char** argv, std::ostream& out, std::ostream& err);
