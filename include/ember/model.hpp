// ember/model.hpp: model<Layers...> (layers chained at compile time) and named<"fc", L>
// (a layer under a PyTorch submodule name). Included by ember/ember.hpp.
#pragma once

#include "ember/model/model.hpp"
#include "ember/model/named.hpp"
